package demo

import (
	"fmt"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The demo's 免申即享 (第十五条, 第七条（二）上云上平台). 市工信局 publishes a
// 免申即享 call and a first cloud policy, and runs it: 一汽富晟 (3 cloud
// services, 3万元), 旭阳 (2, 2万元) and 轨道客车配件 (1, 1万元) are proposed;
// 金赛 (large, 第五条), 皓月清真 (not a pilot industry, 第四条) and 宏达 (on
// the 经营异常名录, 第十三条) are listed as excluded with the reason.
// 一汽富晟 (qiye) confirms, so its application waits in 评审通过 for the
// joint re-check (shigongxin, shicaizheng); 旭阳 (lianzhu) declines; 轨道客车配件
// lets the deadline pass and the proposal lapses. A second policy, run two
// working days ago, proposes 2万元 to 光华微电子 (qiye2), which the demo
// applicant finds awaiting confirmation.

// matchingDay* are the working days before today of the steps.
const (
	matchingSetupDay   = 46 // the call and the first policy
	matchingRunDay     = 44 // the first run
	matchingConfirmDay = 42 // 一汽富晟 confirms
	matchingDeclineDay = 41 // 旭阳 declines
	matchingLapseDay   = 30 // the scheduled lapse, after the first deadline
	matchingSecondDay  = 2  // the second policy's run
)

// matching seeds 免申即享 policies and proposals.
func (s *seeder) matching() error {
	if err := s.seedDemoCloudAdoptionsIfNone(); err != nil {
		return fmt.Errorf("demo cloud adoptions: %w", err)
	}
	city := s.actor("shigongxin")
	var call *dtfund.Call
	var first *store.MatchPolicy
	steps := []struct {
		day  int
		at   string
		what string
		do   func() error
	}{
		{matchingSetupDay, "09:30", "call", func() (err error) { call, err = s.matchingCall(city); return err }},
		{matchingSetupDay, "10:00", "policy", func() (err error) {
			first, err = s.cloudPolicy(city, call, "企业上云上平台奖补（第一批）", s.day(400).String(), s.day(matchingSetupDay).String(), 14)
			return err
		}},
		{matchingRunDay, "09:30", "run", func() error { _, err := s.a.RunMatching(s.ctx, city, first.ID); return err }},
		{matchingConfirmDay, "10:15", "confirm", func() error {
			return s.confirmDemoProposal(first.ID, "长春一汽富晟汽车零部件有限公司", "qiye")
		}},
		{matchingDeclineDay, "14:20", "decline", func() error {
			return s.declineDemoProposal(first.ID, "长春旭阳汽车饰件有限公司", "lianzhu")
		}},
		{matchingLapseDay, "00:30", "lapse", func() error {
			_, err := s.a.LapseProposals(s.ctx, app.SystemActor("scheduler"))
			return err
		}},
		{matchingSecondDay, "09:00", "second policy", func() error {
			p, err := s.cloudPolicy(city, call, "企业上云上平台奖补（第二批）", s.day(matchingSetupDay-1).String(), s.day(matchingSecondDay+1).String(), 30)
			if err == nil {
				_, err = s.a.RunMatching(s.ctx, city, p.ID)
			}
			return err
		}},
	}
	for _, st := range steps {
		s.set(s.moment(st.day, st.at))
		if err := st.do(); err != nil {
			return fmt.Errorf("demo matching %s: %w", st.what, err)
		}
	}
	return nil
}

// matchingCall is the 第七条（二） call the matched awards are under. It took
// no applications of its own: the enterprises are found, not applying.
func (s *seeder) matchingCall(city app.Actor) (*dtfund.Call, error) {
	year := s.day(matchingSetupDay).Year
	c := &dtfund.Call{Category: "7.2", Title: fmt.Sprintf("%d年企业上云上平台奖补（免申即享）", year),
		Notice: "依据办法第七条（二）、第十五条，对上云上平台的企业按确认使用的平台云服务数量给予1万至3万元奖补。本批次不受理自主申报：" +
			"系统依据已掌握的数据匹配符合条件的企业并推送推荐，企业确认申领意愿和收款账户后进入资格复核、公示和审批。",
		OpensAt: s.moment(matchingSetupDay, "09:30"), ClosesAt: s.moment(matchingSetupDay, "09:31"),
		BudgetLine: "中小企业数字化转型城市试点专项资金", Rubric: demoRubric}
	return c, s.a.CreateCall(s.ctx, city, c)
}

func (s *seeder) cloudPolicy(city app.Actor, call *dtfund.Call, name, from, to string, days int) (*store.MatchPolicy, error) {
	return s.a.CreateMatchPolicy(s.ctx, city, app.MatchPolicyInput{Name: name, CallID: call.ID, PeriodFrom: from, PeriodTo: to,
		MinServices: 1, RequireSME: true, RequirePilot: true, ConfirmDays: days, Active: true,
		Note: "统计期内经企业确认使用平台云服务的四个试点行业中小企业，按每项1万元、每家1万至3万元奖补。"})
}

// demoProposal is the policy's proposal to the named organisation.
func (s *seeder) demoProposal(policyID int64, org string) (*store.MatchProposal, error) {
	o, ok := s.orgs[org]
	if !ok {
		return nil, fmt.Errorf("no demo organisation %s", org)
	}
	ps, n, err := s.a.DB.FindProposals(s.ctx, store.ProposalFilter{PolicyID: policyID, OrgID: o.ID})
	if err != nil || n != 1 {
		return nil, fmt.Errorf("proposal of %s: %d, %v", org, n, err)
	}
	return ps[0], nil
}

func (s *seeder) confirmDemoProposal(policyID int64, org, username string) error {
	p, err := s.demoProposal(policyID, org)
	if err != nil {
		return err
	}
	_, err = s.a.ConfirmProposal(s.ctx, s.actor(username), app.ProposalConfirmation{ProposalID: p.ID, Wish: true,
		AccountName: p.OrgName, BankName: "中国建设银行长春汽车厂支行", AccountNo: "2205 0140 0108 0900 1234"})
	return err
}

func (s *seeder) declineDemoProposal(policyID int64, org, username string) error {
	p, err := s.demoProposal(policyID, org)
	if err != nil {
		return err
	}
	return s.a.DeclineProposal(s.ctx, s.actor(username), p.ID, "本单位上云项目已获省级专项资金支持，不再重复申领。")
}

// seedDemoCloudAdoptionsIfNone gives the demo the platform cloud services
// and the enterprises' confirmed adoptions its 免申即享 story needs, next to
// those the providers' part of the demo recorded.
func (s *seeder) seedDemoCloudAdoptionsIfNone() error {
	org := func(name string) int64 { return s.orgs[name].ID }
	use := func(ent string, no string, day int) store.SeedCloudUse {
		return store.SeedCloudUse{EnterpriseID: org(ent), ContractNo: no, ContractDate: s.day(day).String()}
	}
	platform, beijing := org("长春工业互联网平台运营有限公司"), org("北京智造云科技有限公司")
	products := []store.SeedCloudProduct{
		{ProviderID: platform, Name: "吉云工业互联网平台·云MES", Description: "面向汽车零部件企业的订阅制制造执行系统", PriceFen: 3_600_000,
			Uses: []store.SeedCloudUse{use("长春一汽富晟汽车零部件有限公司", "JY-MES-001", 200), use("长春旭阳汽车饰件有限公司", "JY-MES-002", 180),
				use("长春轨道客车配件有限公司", "JY-MES-003", 110), use("长春金赛基因药业有限公司", "JY-MES-004", 160),
				use("长春市宏达汽车配件厂", "JY-MES-005", 100), use("长春光华微电子有限公司", "JY-MES-006", 20)}},
		{ProviderID: platform, Name: "吉云设备上云服务", Description: "数控设备联网与数据采集云服务", PriceFen: 1_800_000,
			Uses: []store.SeedCloudUse{use("长春一汽富晟汽车零部件有限公司", "JY-IOT-001", 150), use("长春旭阳汽车饰件有限公司", "JY-IOT-002", 90),
				use("长春皓月清真食品有限公司", "JY-IOT-003", 70), use("长春光华微电子有限公司", "JY-IOT-004", 15)}},
		{ProviderID: beijing, Name: "智造云PLM（SaaS）", Description: "产品数据管理云服务", PriceFen: 4_800_000,
			Uses: []store.SeedCloudUse{use("长春一汽富晟汽车零部件有限公司", "ZZY-PLM-001", 120), use("长春金赛基因药业有限公司", "ZZY-PLM-002", 80)}},
	}
	s.set(s.moment(matchingSetupDay+1, "16:00"))
	return s.a.DB.InTx(s.ctx, func(tx *store.Tx) error {
		seeded, err := tx.SeedCloudAdoptions(s.ctx, products)
		if err != nil || !seeded {
			return err
		}
		return tx.Audit(s.ctx, store.AuditEntry{Actor: "demo", Action: "demo.cloud_adoptions", ObjectType: "product"}, nil,
			map[string]any{"products": len(products)})
	})
}
