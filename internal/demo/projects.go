package demo

import (
	"bytes"
	"fmt"
	"strings"

	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// The retrofit projects of the history's awards (第十五条、第十六条、第十九条),
// taken through the real use cases so that every project state has an
// example: the chain leader's project accepted and evaluated by both
// bureaus; 精工's failed, rectified and accepted; 宏运's failed twice and
// terminated, its award revoked and recovered; 芯意's rectifying; 铁运's
// awaiting the acceptance; 丰泰's still in progress past its deadline (the
// history's call gives one month, see history.go); 中车's terminated when
// its award was revoked (payments.go). Steps are dated in the working days
// after the approval (day 15); 宏运's second acceptance comes after the
// payments of day 1, so that there is paid money to recover.

// projectUsers are the applicants of the history (history_data.go) whose
// awards exist for their projects' sake.
var projectUsers = []string{"jinggong", "hongyun", "fengtai", "xinyi", "tieyun"}

// demoExperts are the acceptance expert group.
var demoExperts = []string{"陈教授（吉林大学）", "刘研究员（长春光机所）", "王高工（长春汽车工业高专）"}

// projects seeds milestones, progress reports, self-evaluations and the
// requests for acceptance.
func (s *seeder) projects() error {
	users := append([]string{"lianzhu"}, projectUsers...)
	for i, u := range users {
		p, err := s.projectOf(u)
		if err != nil {
			return fmt.Errorf("demo project of %s: %w", u, err)
		}
		s.on(14, fmt.Sprintf("%02d:%02d", 9+i/3, 10+i%3*15), func() error { return s.milestones(u, p) })
		s.on(13, fmt.Sprintf("%02d:%02d", 10+i/3, 5+i%3*15), func() error { return s.progress(u, p, i) })
	}
	for i, u := range []string{"lianzhu", "jinggong", "hongyun", "xinyi"} {
		s.on(12, fmt.Sprintf("%02d:30", 9+i), func() error {
			return s.requestAcceptance(u, "改造内容已按申报方案全部实施，系统运行稳定，各项绩效目标基本实现。")
		})
	}
	s.on(11, "10:20", func() error {
		return s.requestAcceptance("tieyun", "生产执行与设备运维系统已上线运行，设备联网率、数控化率均达到目标。")
	})
	return s.run()
}

// projectOf is the project of the demo applicant's award.
func (s *seeder) projectOf(user string) (*store.Project, error) {
	ps, _, err := s.a.DB.FindProjects(s.ctx, store.ProjectFilter{OrgID: s.users[user].OrgID, Page: store.Page{Limit: 5}})
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, fmt.Errorf("%d projects, want 1", len(ps))
	}
	return ps[0], nil
}

// milestones records the project's milestones: the retrofit was carried
// out in the call's window (the year before, 事后奖补), so the first two were
// reached then; the last is the request for acceptance. 丰泰's equipment
// is late.
func (s *seeder) milestones(user string, p *store.Project) error {
	who := s.actor(user)
	y := s.day(callOpenDay).Year - 1
	steps := []struct{ desc, plan, done string }{
		{"完成设备联网与数据采集终端安装调试", fmt.Sprintf("%d-06-30", y), fmt.Sprintf("%d-06-26", y)},
		{"系统上线试运行", fmt.Sprintf("%d-10-31", y), fmt.Sprintf("%d-11-12", y)},
		{"完成试运行总结，申请验收", s.day(8).String(), ""},
	}
	if user == "fengtai" {
		steps[1].done = ""
	}
	for _, st := range steps {
		m, err := s.a.AddMilestone(s.ctx, who, app.MilestoneInput{ProjectID: p.ID, PlannedDate: st.plan, Description: st.desc})
		if err != nil {
			return err
		}
		if st.done != "" {
			if err := s.a.CompleteMilestone(s.ctx, who, p.ID, m.ID, st.done); err != nil {
				return err
			}
		}
	}
	return nil
}

// progress reports how far the retrofit is, with a scanned report.
func (s *seeder) progress(user string, p *store.Project, i int) error {
	percent, body := 95, "设备联网和系统部署已完成，正在试运行，计划本月内提交验收申请。"
	if user == "fengtai" {
		percent, body = 40, "MES软件已采购，设备数据采集模块因供货延迟尚未安装，进度滞后。"
	}
	pdf := demoPDF(fmt.Sprintf("progress report %s", p.AppNumber), fmt.Sprintf("%d percent", percent))
	_, err := s.a.ReportProgress(s.ctx, s.actor(user), app.ProgressInput{ProjectID: p.ID, ReportedOn: s.day(13).String(), Percent: percent,
		Body: body, File: &app.PublicityFile{Name: fmt.Sprintf("实施进度报告-%d.pdf", i+1), Data: bytes.Clone(pdf)}})
	return err
}

// requestAcceptance fills in the self-evaluation and asks for acceptance.
func (s *seeder) requestAcceptance(user, narrative string) error {
	p, err := s.projectOf(user)
	if err != nil {
		return err
	}
	who := s.actor(user)
	goals, err := s.a.DB.ProjectGoals(s.ctx, p.ID)
	if err != nil {
		return err
	}
	actual := map[int]string{}
	for _, g := range goals {
		actual[g.Seq] = demoActuals[g.Indicator]
	}
	if err := s.a.SaveSelfEvaluation(s.ctx, who, app.SelfEvaluation{ProjectID: p.ID, Actuals: actual, Narrative: narrative}); err != nil {
		return err
	}
	_, err = s.a.RequestAcceptance(s.ctx, who, p.ID, "")
	return err
}

// demoActuals are the self-evaluated values of demoGoals.
var demoActuals = map[string]string{"设备联网率": "88%", "关键工序数控化率": "72%", "生产效率提升": "17%"}

// acceptances seeds the acceptance meetings, the assessments they rely on
// (entered from third-party reports where the demo's assessments do not
// give the level the story needs), the performance evaluations, and one
// termination with recovery.
func (s *seeder) acceptances() error {
	type step struct {
		day int
		at  string
		do  func() error
	}
	steps := []step{
		{10, "09:00", func() error { return s.reportLevel("lianzhu", 2, 5850, 10, false) }},
		{10, "09:10", func() error { return s.reportLevel("jinggong", 1, 3600, 10, false) }},
		{10, "09:20", func() error { return s.reportLevel("hongyun", 1, 3150, 10, false) }},
		{10, "09:30", func() error { return s.reportLevel("xinyi", 1, 3800, 10, false) }},
		{9, "10:00", func() error {
			return s.accept("lianzhu", true, "", "改造内容与申报方案一致，MES及设备远程运维系统运行稳定；第三方评测数字化水平二级，同意通过验收。")
		}},
		{9, "14:00", func() error {
			return s.accept("jinggong", false, "", "质量追溯系统尚未覆盖全部工序，第三方评测数字化水平为一级，未达到二级要求，不予通过，限期整改。")
		}},
		{9, "15:30", func() error {
			return s.accept("hongyun", false, "", "检测数据管理系统未与生产计划打通，第三方评测数字化水平为一级，不予通过，限期整改。")
		}},
		{8, "10:00", func() error {
			return s.accept("xinyi", false, "", "良率分析系统数据采集点不足，工艺参数未实现在线管理，数字化水平一级，不予通过，限期整改。")
		}},
		{7, "15:00", func() error {
			return s.evaluate("lianzhu", "shigongxin", 92, "绩效目标全部完成，带动上游配套企业上云，示范效果明显。")
		}},
		{6, "09:30", func() error {
			return s.requestAcceptance("jinggong", "已按验收意见完成全部工序的质量追溯接入，重新委托第三方评测。")
		}},
		{6, "10:00", func() error {
			return s.evaluate("lianzhu", "shicaizheng", 88, "资金使用规范，投入产出比合理。")
		}},
		{6, "11:00", func() error { return s.requestAcceptance("hongyun", "已完成部分整改，申请复验。") }},
		{5, "09:00", func() error { return s.reportLevel("jinggong", 2, 4750, 5, true) }},
		{4, "10:00", func() error {
			return s.accept("jinggong", true, "", "整改到位，质量追溯覆盖全部工序；复评数字化水平二级，同意通过验收。")
		}},
		{4, "14:00", func() error { return s.reportLevel("hongyun", 1, 3700, 4, true) }},
		{2, "10:30", func() error {
			return s.evaluate("jinggong", "shigongxin", 83, "经整改达到目标，进度有所滞后。")
		}},
		// After the payments of day 1 (payments.go): the award was paid.
		{1, "17:55", func() error {
			return s.accept("hongyun", false, s.today.AddDays(60).String(), "整改后检测数据与生产计划仍未打通，复评数字化水平仍为一级，再次不通过；终止项目，撤销并追回奖补。")
		}},
	}
	for _, st := range steps {
		s.on(st.day, st.at, st.do)
	}
	return s.run()
}

// reportLevel makes sure the latest assessment after the retrofit of the
// user's project has the level the story needs on the k-th working day
// before today: when the assessments seeded so far give another level (or
// a re-assessment after rectification is the story), a third-party report
// is entered, dated so that it is the latest.
func (s *seeder) reportLevel(user string, level int, scoreCenti int64, k int, again bool) error {
	p, err := s.projectOf(user)
	if err != nil {
		return err
	}
	latest, err := s.a.DB.LatestAssessment(s.ctx, p.ApplicationID, store.PhaseAfter)
	if err != nil {
		return err
	}
	on := s.day(k).String()
	if latest != nil && latest.Level == level && !again {
		return nil
	}
	if latest != nil && latest.AssessedOn > on {
		on = latest.AssessedOn // same date, later entry: still the latest
	}
	return s.a.DB.InTx(s.ctx, func(tx *store.Tx) error {
		return tx.CreateAssessment(s.ctx, &store.Assessment{ApplicationID: p.ApplicationID, OrgID: p.OrgID, Phase: store.PhaseAfter,
			AssessedOn: on, Assessor: "吉林省中小企业数字化水平评测中心（第三方）", ReportNo: "JLSZ-" + strings.ReplaceAll(on, "-", "") + "-" + p.AppNumber[len(p.AppNumber)-4:],
			Source: "report", ScoreCenti: scoreCenti, Level: level, CreatedBy: s.users["hecha"].ID})
	})
}

// accept records an acceptance meeting held by the city bureau today.
func (s *seeder) accept(user string, pass bool, due, opinion string) error {
	p, err := s.projectOf(user)
	if err != nil {
		return err
	}
	_, err = s.a.RecordAcceptance(s.ctx, s.actor("shigongxin"), app.AcceptanceInput{ProjectID: p.ID,
		HeldOn: calendar.DateOf(s.a.DB.Now()).String(), Experts: demoExperts, Opinion: opinion, Pass: pass, DueDate: due})
	return err
}

// evaluate is one bureau's performance evaluation.
func (s *seeder) evaluate(user, official string, score int, opinion string) error {
	p, err := s.projectOf(user)
	if err != nil {
		return err
	}
	_, err = s.a.SignEvaluation(s.ctx, s.actor(official), app.EvaluationInput{ProjectID: p.ID, Score: score, Opinion: opinion})
	return err
}
