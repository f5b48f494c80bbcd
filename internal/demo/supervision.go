package demo

import (
	"fmt"
	"slices"

	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The demo's supervision, inspection and sanction (第十七条、第十八条、第二十条),
// on the evening of the payments' day:
//   - 汽开区 (qixian) finds the chain leader's retrofit (lianzhu) behind its
//     goals, orders a rectification plan due that same day (overdue today,
//     so it is in qixian's and shigongxin's 待办) and a rectification due in
//     two months, and suspends the project: the unpaid 20% of the award is
//     frozen in the ledger (frozen:award:N);
//   - 市工信局 (shigongxin) draws a random inspection of the awards with a
//     recorded seed and assigns 中车's award to the third-party inspector
//     (hecha) and 旭阳's to 市财政局 (shicaizheng);
//   - hecha finds falsified invoices at 中车 (a violation), shicaizheng no
//     violation at 旭阳;
//   - shigongxin decides on 中车 (第二十条): its application still waiting
//     for 绿园区 (zhongche2) is cancelled, 中车 may not apply for three
//     years, its award is revoked (the paid money a receivable), and the
//     case is referred to the police; shicaizheng records a first repayment.

// supervisionSeed is the inspection's recorded seed (any value would do: the
// population holds both awards and the sample takes both).
const supervisionSeed = 20260618

// steps are the evening's steps, at their times.
func (s *supervisionSeeder) steps() []struct {
	at string
	do func() error
} {
	return []struct {
		at string
		do func() error
	}{
		{"18:00", s.deviation},
		{"18:10", s.orders},
		{"18:30", s.suspend},
		{"19:00", s.inspect},
		{"19:30", s.findings},
		{"20:00", s.sanction},
		{"20:30", s.repay},
	}
}

// supervisionSeeder carries what the steps share.
type supervisionSeeder struct {
	*seeder
	retrofit, local *store.Award // 旭阳's (lianzhu) and 中车's awards
	caseID          int64
	planID          int64
	items           map[int64]int64 // award → inspection item
}

// supervision seeds supervision cases, inspections and sanctions.
func (s *seeder) supervision() error {
	ss := &supervisionSeeder{seeder: s, items: map[int64]int64{}}
	awards, _, _, err := s.a.DB.FindAwards(s.ctx, store.AwardFilter{Page: store.Page{Limit: 200}})
	if err != nil {
		return err
	}
	for _, aw := range awards {
		switch aw.OrgID {
		case s.users["lianzhu"].OrgID:
			ss.retrofit = aw
		case s.users["zhongche"].OrgID:
			ss.local = aw
		}
	}
	if ss.retrofit == nil || ss.local == nil {
		return fmt.Errorf("demo supervision: the history's two awards are missing")
	}
	for _, st := range ss.steps() {
		s.set(s.moment(1, st.at))
		if err := st.do(); err != nil {
			return fmt.Errorf("demo supervision %s: %w", st.at, err)
		}
	}
	return nil
}

func (s *supervisionSeeder) deviation() error {
	c, err := s.a.RecordDeviation(s.ctx, s.actor("qixian"), app.DeviationInput{AwardID: s.retrofit.ID, Goal: "设备联网率：目标 85%",
		Facts:   "现场核查：MES 仅在注塑车间部署，包覆车间尚未实施；设备联网率 52%，与目标 85% 差距较大；设备远程运维系统未上线，软件供应商已撤场。",
		FoundOn: s.day(1).String(),
		File:    &app.PublicityFile{Name: "现场核查记录.pdf", Data: demoPDF("On-site check record", s.retrofit.AppNumber)}})
	if err == nil {
		s.caseID = c.ID
	}
	return err
}

// orders: one due the same day (overdue when the demo starts), one due in
// two months.
func (s *supervisionSeeder) orders() error {
	qx := s.actor("qixian")
	for _, o := range []app.OrderInput{
		{CaseID: s.caseID, Requirement: "报送整改方案及进度计划（含包覆车间 MES 实施安排和软件供应商更换方案）", Deadline: s.day(1).String()},
		{CaseID: s.caseID, Requirement: "完成包覆车间 MES 部署，设备联网率达到 85%，设备远程运维系统上线运行", Deadline: s.today.AddDays(60).String()},
	} {
		if _, err := s.a.IssueRectification(s.ctx, qx, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *supervisionSeeder) suspend() error {
	_, err := s.a.SuspendProject(s.ctx, s.actor("qixian"), app.StepInput{CaseID: s.caseID, On: s.day(1).String(),
		Reason: "核心系统实施停滞、软件供应商已撤场，项目实施效果与绩效目标严重偏离，暂缓项目执行，整改到位后恢复"})
	return err
}

func (s *supervisionSeeder) inspect() error {
	seed, err := s.sampleSeed()
	if err != nil {
		return err
	}
	city := s.actor("shigongxin")
	p, err := s.a.PlanInspection(s.ctx, city, app.InspectionInput{Title: fmt.Sprintf("%d年专项资金使用情况监督抽查", s.day(1).Year),
		Basis: "依据办法第十七条，市工业和信息化局会同市财政局对已拨付奖补资金的使用情况随机抽查，委托第三方机构核查。",
		Kind:  store.InspectRandom, SampleSize: 2, Seed: &seed})
	if err != nil {
		return err
	}
	s.planID = p.ID
	_, items, _, err := s.a.InspectionPlan(s.ctx, city, p.ID, store.Page{})
	if err != nil {
		return err
	}
	assignee := map[int64]string{s.local.ID: "hecha", s.retrofit.ID: "shicaizheng"}
	for _, it := range items {
		s.items[it.AwardID] = it.ID
		if err := s.a.AssignInspection(s.ctx, city, it.ID, s.users[assignee[it.AwardID]].ID); err != nil {
			return err
		}
	}
	return nil
}

// sampleSeed is the first seed from supervisionSeed on whose random sample
// of two contains the two awards the demo's story follows (the one found in
// violation and the suspended one), so that the story holds whatever else
// the demo awards; the plan records the seed and re-runs from it.
func (s *supervisionSeeder) sampleSeed() (uint64, error) {
	var pop []int64
	if err := s.a.DB.InTx(s.ctx, func(tx *store.Tx) (err error) {
		pop, err = tx.InspectionPopulation(s.ctx)
		return err
	}); err != nil {
		return 0, err
	}
	for seed := uint64(supervisionSeed); seed < supervisionSeed+100000; seed++ {
		got := app.DrawSample(pop, 2, seed)
		if slices.Contains(got, s.local.ID) && slices.Contains(got, s.retrofit.ID) {
			return seed, nil
		}
	}
	return 0, fmt.Errorf("no seed samples awards %d and %d from %v", s.local.ID, s.retrofit.ID, pop)
}

func (s *supervisionSeeder) findings() error {
	day := s.day(1).String()
	if _, err := s.a.RecordFinding(s.ctx, s.actor("hecha"), app.FindingInput{ItemID: s.items[s.local.ID], Violation: true, FoundOn: day,
		Finding: "核查发现：申报材料中“数字孪生车间平台”软件的采购发票与供应商实际交付清单不符，平台实际未交付使用，" +
			"涉嫌虚报改造投入、骗取专项资金。",
		File: &app.PublicityFile{Name: "第三方核查报告.pdf", Data: demoPDF("Third-party inspection report", s.local.AppNumber)}}); err != nil {
		return err
	}
	_, err := s.a.RecordFinding(s.ctx, s.actor("shicaizheng"), app.FindingInput{ItemID: s.items[s.retrofit.ID], FoundOn: day,
		Finding: "已拨付的 80% 奖补资金用于合同约定的软件和设备采购，票据与交付一致，未发现违规使用；余款因项目暂缓执行已冻结，建议督促整改。"})
	return err
}

func (s *supervisionSeeder) sanction() error {
	day := s.day(1)
	_, err := s.a.DecideSanction(s.ctx, s.actor("shigongxin"), app.SanctionInput{OrgID: s.local.OrgID, ItemID: s.items[s.local.ID],
		Facts:   "经第三方机构核查，该单位在地方配套资金申报中以与实际交付不符的软件采购发票虚报改造投入，骗取专项资金，属违规操作。",
		Article: "第二十条", DecidedOn: day.String(), DocNumber: fmt.Sprintf("长工信罚〔%d〕1号", day.Year), DueDate: s.today.AddDays(60).String(),
		File: &app.PublicityFile{Name: "违规处理决定书.pdf", Data: demoPDF("Decision", fmt.Sprintf("No. %d-1", day.Year))},
		Referrals: []app.ReferralInput{{Authority: "长春市公安局经济犯罪侦查支队", ReferredOn: day.String(),
			Note: "涉嫌以虚假发票骗取财政资金，依法移交处理"}}})
	return err
}

// repay records a first repayment of a third of the receivable.
func (s *supervisionSeeder) repay() error {
	rev, err := s.a.DB.Revocation(s.ctx, s.local.ID)
	if err != nil {
		return err
	}
	day := s.day(1).String()
	_, err = s.a.RecordRepayment(s.ctx, s.actor("shicaizheng"), app.RepayInput{AwardID: s.local.ID,
		AmountFen: rev.ReceivableFen / 3 / 100 * 100, PaidOn: day, BankRef: fmt.Sprintf("ICBC%s880001", day[:4]), IdempotencyKey: "demo-repay-1"})
	return err
}
