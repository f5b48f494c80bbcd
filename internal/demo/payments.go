package demo

import (
	"fmt"
	"sort"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The demo payments (第六条（一）–（四）, 第二十条): after the history,
// 市工信局 proposes a fund-use plan paying every approved award in full,
// 市财政局 approves it and issues the batch, the district finance bureaus
// that have a demo account confirm receipt and pay with bank references
// (others' money stays in transit, waiting), and one paid award is revoked
// and partly repaid — so every page of the money work has something to
// show and /reports/reconcile balances. All of it happens on the last
// working day before today, after the history's last step.

// recoveredOrg is the recipient whose award the demo revokes and recovers.
const recoveredOrg = "长春中车轨道装备制造有限公司"

// payments seeds the plan, the batch, the payouts and one recovery.
func (s *seeder) payments() error {
	awards, _, _, err := s.a.DB.FindAwards(s.ctx, store.AwardFilter{Page: store.Page{Limit: 200}})
	if err != nil || len(awards) == 0 {
		return err
	}
	if err := s.districtFinance(awards); err != nil {
		return err
	}
	steps := []struct {
		at string
		do func() error
	}{
		{"16:30", func() error { return s.payPlan(awards) }},
		{"17:10", s.payDistricts},
		{"17:40", s.payRecovery},
	}
	for _, st := range steps {
		s.set(s.moment(1, st.at))
		if err := st.do(); err != nil {
			return fmt.Errorf("demo payments %s: %w", st.at, err)
		}
	}
	return nil
}

// payPlan proposes the plan, approves it, makes the batch and issues it.
func (s *seeder) payPlan(awards []*store.Award) error {
	items := make([]store.PlanItem, len(awards))
	for i, aw := range awards {
		items[i] = store.PlanItem{AwardID: aw.ID, AmountFen: aw.AmountFen}
	}
	year := s.day(1).Year
	p, err := s.a.ProposePlan(s.ctx, s.actor("shigongxin"), app.PlanInput{Year: year,
		Title: fmt.Sprintf("%d年第一批中小企业数字化转型奖补资金使用计划", year), Items: items})
	if err != nil {
		return err
	}
	fin := s.actor("shicaizheng")
	if err := s.a.DecidePlan(s.ctx, fin, p.ID, true, ""); err != nil {
		return err
	}
	b, err := s.a.CreatePaymentBatch(s.ctx, fin, p.ID)
	if err != nil {
		return err
	}
	_, err = s.a.IssueBatch(s.ctx, fin, b.ID)
	return err
}

// payDistricts has each district finance bureau with a demo account confirm
// receipt of its instructions and pay them, one bank reference each.
func (s *seeder) payDistricts() error {
	var names []string
	for name, u := range s.users {
		if u.Role == dtfund.RoleDistrictFinance {
			names = append(names, name)
		}
	}
	sort.Strings(names) // the bank references are the same on every seed
	n := 0
	for _, name := range names {
		actor := s.actor(name)
		ins, _, _, err := s.a.FindInstructions(s.ctx, actor, store.InstructionFilter{State: store.InstrIssued, Page: store.Page{Limit: 200}})
		if err != nil {
			return err
		}
		for _, in := range ins {
			if err := s.a.ConfirmReceipt(s.ctx, actor, in.ID); err != nil {
				return err
			}
			n++
			ref := fmt.Sprintf("CCB%s%06d", s.day(1).String()[:4], 310000+n)
			if _, err := s.a.RecordPayout(s.ctx, actor, in.ID, ref); err != nil {
				return err
			}
		}
	}
	return nil
}

// payRecovery revokes the local-fund award of the large enterprise (中车),
// paid out to it (the other awards go on to their projects' acceptance,
// projects.go), and records a first repayment of a third of it.
func (s *seeder) payRecovery() error {
	var target *store.Instruction
	ins, _, _, err := s.a.DB.FindInstructions(s.ctx, store.InstructionFilter{State: store.InstrPaidOut, Page: store.Page{Limit: 200}})
	if err != nil {
		return err
	}
	for _, in := range ins {
		if in.OrgName == recoveredOrg {
			target = in
		}
	}
	if target == nil {
		return fmt.Errorf("no paid award to revoke")
	}
	due := s.today.AddDays(60).String()
	if _, err := s.a.RevokeAward(s.ctx, s.actor("shigongxin"), app.RevokeInput{AwardID: target.AwardID,
		Reason: "项目验收核查发现部分软件采购发票与实际交付不符，不再符合支持条件", Article: "第二十条", DueDate: due}); err != nil {
		return err
	}
	_, err = s.a.RecordRepayment(s.ctx, s.actor("shicaizheng"), app.RepayInput{AwardID: target.AwardID,
		AmountFen: target.AmountFen / 3 / 100 * 100, PaidOn: s.day(1).String(), BankRef: fmt.Sprintf("ICBC%s880001", s.day(1).String()[:4]),
		IdempotencyKey: "demo-repay-1"})
	return err
}

// districtFinance gives every district with an award a finance bureau
// account (the demo accounts have 汽开区's only), so that every award can
// be paid through its district. These accounts are not in the login list.
func (s *seeder) districtFinance(awards []*store.Award) error {
	have := map[string]bool{}
	for _, u := range s.users {
		if u.Role == dtfund.RoleDistrictFinance {
			have[u.DistrictCode] = true
		}
	}
	for _, aw := range awards {
		ap, err := s.a.DB.Application(s.ctx, aw.ApplicationID, store.ApplicationFilter{})
		if err != nil {
			return err
		}
		d := ap.DistrictCode
		if d == "" || have[d] {
			continue
		}
		have[d] = true
		u := &dtfund.User{Username: "caizheng" + d, DisplayName: aw.DistrictName + "财政局", Role: dtfund.RoleDistrictFinance, DistrictCode: d}
		if err := s.a.CreateUser(s.ctx, app.SystemActor("demo"), u, Password); err != nil {
			return err
		}
		s.users[u.Username] = u
	}
	return nil
}
