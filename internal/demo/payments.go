package demo

import (
	"fmt"
	"sort"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The demo payments (第六条（一）–（四）): after the history, 市工信局
// proposes a fund-use plan paying the approved awards — the local-fund
// award in full, the retrofit award (第七条（一）) a first 80%, the rest
// waiting for acceptance — 市财政局 approves it and issues the batch, and
// the district finance bureaus that have a demo account confirm receipt and
// pay with bank references (others' money stays in transit, waiting), so
// every page of the money work has something to show and
// /reports/reconcile balances. All of it happens on the last working day
// before today, after the history's last step. The revocation and recovery
// of an award (第二十条) follow from a violation decision (supervision.go).

// payments seeds the plan, the batch and the payouts.
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
		if aw.Category == "7.1" { // a first installment; the rest waits for acceptance
			items[i].AmountFen = aw.AmountFen * 8 / 10 / 100 * 100
		}
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
