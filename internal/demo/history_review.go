package demo

import (
	"fmt"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/policy"
)

// The city's part of the history: expert panels, scoring, the joint
// re-check, publicity with objections, and the government's approval.

// drawPanels draws one panel per call with a fixed seed, so that the demo
// is the same every time. zhuanjia5 works for 启明, the provider named by
// two applications, and is left out of the first panel by the draw.
func (h *history) drawPanels() error {
	specs := []struct {
		call  *dtfund.Call
		users []string
		size  int
		seed  uint64
	}{{h.h1, panel1Apps, 4, 20250601}, {h.h2, panel2Apps, 3, 20250602}}
	for i, sp := range specs {
		req := app.PanelRequest{CallID: sp.call.ID, Size: sp.size, Seed: &sp.seed}
		for _, u := range sp.users {
			req.AppIDs = append(req.AppIDs, h.apps[u].ID)
		}
		p, err := h.a.CreatePanel(h.ctx, h.actor("shigongxin"), req)
		if err != nil {
			return err
		}
		h.panels[i] = p
	}
	return nil
}

// scheduleScoring has each member score on a day of their own, in draw
// order.
func (h *history) scheduleScoring() {
	for j := range app.MaxPanelSize {
		h.on(44-j, "09:30", func() error { return h.scoreAs(0, panel1Apps, j) })
		h.on(44-j, "15:00", func() error { return h.scoreAs(1, panel2Apps, j) })
	}
}

// scoreAs is the panel member drawn j-th (from 0) declaring and scoring.
func (h *history) scoreAs(panel int, users []string, j int) error {
	p := h.panels[panel]
	if j >= len(p.Members) {
		return nil
	}
	expert := h.userByID(p.Members[j].ExpertID)
	who := app.Actor{User: expert, IP: "127.0.0.1", RequestID: "demo"}
	for _, u := range users {
		appID := h.apps[u].ID
		switch expert.Username {
		case pendingOf[u]:
			continue
		case conflictOf[u]:
			if err := h.a.DeclareConflict(h.ctx, who, p.ID, appID, true, conflictReason); err != nil {
				return err
			}
			continue
		}
		if err := h.a.DeclareConflict(h.ctx, who, p.ID, appID, false, ""); err != nil {
			return err
		}
		if err := h.a.SaveScores(h.ctx, who, p.ID, appID, scoreInput(planOf(u), j)); err != nil {
			return fmt.Errorf("%s scoring %s: %w", expert.Username, u, err)
		}
	}
	return nil
}

// scoreInput is the j-th member's scoring form: the plan's base scores
// varied by scoreOffsets and, for 第七条（一）, the approved investment per
// spending item (one expert cuts consulting by a fifth; nobody approves
// spending outside the supported types).
func scoreInput(p *histPlan, j int) app.ScoreInput {
	off := scoreOffsets[j%len(scoreOffsets)]
	in := app.ScoreInput{Comments: make([]string, 3), Comment: "改造方案与生产环节结合紧密，投入测算基本合理，预期成效可量化，建议支持。"}
	if p.scores[0] < 60 {
		in.Comment = "改造内容以通用办公信息化为主，与生产制造环节结合不足，预期成效指标不够具体，不建议支持。"
	}
	for c := range 3 {
		in.Scores = append(in.Scores, min(max(p.scores[c]+off[c], 0), 100))
	}
	if p.local {
		return in
	}
	in.Approved = map[int]int64{}
	for i, it := range p.items {
		fen := it.yuan * 100
		switch {
		case it.typ == "other":
			fen = 0
		case it.typ == "consulting" && j == 2:
			fen = fen * 4 / 5
		}
		in.Approved[i+1] = fen
	}
	return in
}

// finalise forms the panels' results (评审意见书) of every application
// whose experts have all scored.
func (h *history) finalise() error {
	for i, users := range [][]string{panel1Apps, panel2Apps} {
		for _, u := range users {
			if pendingOf[u] != "" {
				continue
			}
			if _, err := h.a.Finalise(h.ctx, h.actor("shigongxin"), h.panels[i].ID, h.apps[u].ID, ""); err != nil {
				return fmt.Errorf("finalising %s: %w", u, err)
			}
		}
	}
	return nil
}

// dishonesty: after its expert review, 鼎盛 is found on the list of
// seriously dishonest entities; the re-check then fails it (第十一条（一）).
func (h *history) dishonesty() error {
	_, err := h.a.AddCreditRecord(h.ctx, h.actor("shicaizheng"), app.CreditInput{
		OrgID: h.orgs["长春鼎盛轨道交通装备有限公司"].ID, Kind: string(policy.CreditSeriousDishonesty), StillListed: true,
		StartDate: h.day(39).String(), Note: "拒不履行人民法院生效判决，被列入严重失信主体名单", Source: "“信用中国”网站查询结果"})
	return err
}

// scheduleRecheck has the city bureau sign first, the finance bureau the
// next day; 博奥 still waits for the finance bureau.
func (h *history) scheduleRecheck() {
	const cityOK = "经复核，申报主体资格、申报材料和专家评审意见符合要求，同意通过。"
	const financeOK = "经复核，资金来源和支持额度符合规定，同意通过。"
	for i, u := range append([]string{"boao", "kanghua", "huaxin", "tiancheng", "tongda", "lianzhu", "zhongche"}, projectUsers...) {
		h.on(37, fmt.Sprintf("%02d:%02d", 10+i/3, i%3*20), func() error { return h.sign("shigongxin", u, true, cityOK) })
	}
	for i, u := range append([]string{"kanghua", "huaxin", "tiancheng", "tongda", "lianzhu", "zhongche"}, projectUsers...) {
		h.on(36, fmt.Sprintf("%02d:%02d", 14+i/3, i%3*20), func() error { return h.sign("shicaizheng", u, true, financeOK) })
	}
	h.on(36, "16:30", func() error {
		return h.sign("shicaizheng", "dingsheng", false, fmt.Sprintf("经查询“信用中国”网站，该企业于%s被列入严重失信主体名单，"+
			"依据办法第十一条（一）不纳入专项资金支持范围，资格复核不通过。", h.day(39)))
	})
}

func (h *history) sign(official, user string, pass bool, opinion string) error {
	_, err := h.a.SignRecheck(h.ctx, h.actor(official), app.RecheckSign{AppID: h.apps[user].ID, Pass: pass, Opinion: opinion})
	if err != nil {
		return fmt.Errorf("%s signing %s: %w", official, user, err)
	}
	return nil
}

// userByID finds a demo user by ID.
func (h *history) userByID(id int64) *dtfund.User {
	for _, u := range h.users {
		if u.ID == id {
			return u
		}
	}
	panic(fmt.Sprintf("demo: no user %d", id)) // the draw only returns pool members
}

// planOf is the plan of the applicant user.
func planOf(user string) *histPlan {
	for i := range historyPlans {
		if historyPlans[i].user == user {
			return &historyPlans[i]
		}
	}
	panic("demo: no plan for " + user) // a typo in this package
}
