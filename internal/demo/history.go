package demo

import (
	"bytes"
	"fmt"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The pre-built history: two closed calls (第七条（一） and local funds) in
// which applications reached every state of 第十四条, each taken there by
// the demo's own officials, experts and applicants through the real use
// cases, at dates in the past (clock.go). The open calls of SeedCalls stay
// untouched for a newcomer's own applications.

// history is the state of the history while it is seeded.
type history struct {
	*seeder
	year    int                            // the project year the 7.1 call's window covers
	h1, h2  *dtfund.Call                   // the 7.1 call and the local-fund call
	apps    map[string]*dtfund.Application // by applicant username
	panels  [2]*store.Panel
	items   map[string]*store.PublicityItem // by applicant username
	batches [3]*store.PublicityBatch
	// objections lodged, by the username of the application's applicant
	objections map[string]*store.Objection
}

func newHistory(s *seeder) *history {
	return &history{seeder: s, year: s.day(callOpenDay).Year - 1, apps: map[string]*dtfund.Application{},
		items: map[string]*store.PublicityItem{}, objections: map[string]*store.Objection{}}
}

// seed schedules the history and runs it.
func (h *history) seed() error {
	if err := h.creditRecords(); err != nil {
		return err
	}
	h.on(callsDay, "10:00", h.calls)
	for i := range historyPlans {
		h.schedulePlan(i, &historyPlans[i])
	}
	h.on(57, "11:20", func() error {
		_, err := h.a.Withdraw(h.ctx, h.actor("jiguang"), h.apps["jiguang"].ID, "企业调整了项目实施计划，本批次暂不申报。")
		return err
	})
	for _, d := range districtDecisions {
		h.on(d.day, d.at, func() error { return h.districtReview(d) })
	}
	h.on(47, "16:00", h.letters)
	h.on(45, "10:00", h.drawPanels)
	h.scheduleScoring()
	h.on(40, "14:00", h.finalise)
	h.on(38, "10:00", h.dishonesty)
	h.scheduleRecheck()
	h.schedulePublicity()
	return h.run()
}

// creditRecords are on file from the start: one enterprise still on the
// 经营异常名录 (its district declines it, 第十三条), and the chain leader
// that was on it once and was removed long ago (the rules pass it).
func (h *history) creditRecords() error {
	setup := h.day(setupDay)
	recs := []app.CreditInput{
		{OrgID: h.orgs["长春市宏达汽车配件厂"].ID, Kind: string(policy.CreditAbnormalOperation), StillListed: true,
			StartDate: setup.AddDays(-75).String(), Note: "通过登记的住所或者经营场所无法联系", Source: "国家企业信用信息公示系统"},
		{OrgID: h.orgs["长春旭阳汽车饰件有限公司"].ID, Kind: string(policy.CreditAbnormalOperation),
			StartDate: setup.AddDays(-520).String(), EndDate: setup.AddDays(-400).String(),
			Note: "未按期公示年度报告；补报后已移出", Source: "国家企业信用信息公示系统"},
	}
	for _, in := range recs {
		if _, err := h.a.AddCreditRecord(h.ctx, h.actor("shigongxin"), in); err != nil {
			return err
		}
	}
	return nil
}

// calls publishes the two calls of the history.
func (h *history) calls() error {
	city := h.actor("shigongxin")
	h.h1 = &dtfund.Call{Category: "7.1", Title: fmt.Sprintf("%d年第一批中小企业数字化改造项目申报", h.year),
		Notice: fmt.Sprintf("依据办法第七条（一），组织四个试点行业中小企业申报%d年度实施的数字化改造项目奖补。"+
			"合同、发票、付款日期须在项目实施期（%d年1月1日至12月31日）内。", h.year, h.year),
		WindowFrom: fmt.Sprintf("%d-01-01", h.year), WindowTo: fmt.Sprintf("%d-12-31", h.year),
		Materials: []string{"申报书", "发票及付款凭证", "合同"}, Quotas: map[string]int{"220174": 8, "220173": 6, "220106": 4},
		// The projects of this call were carried out in the call's window,
		// before the application: they have one month to be accepted.
		Overrides: []dtfund.CallOverride{{Key: "project.completion_months", Value: 1,
			Source: fmt.Sprintf("长工信发〔%d〕18号 申报通知：项目已于实施期内完成，须在拟支持名单公示结束后1个月内申请验收", h.year+1)}}}
	h.h2 = &dtfund.Call{Category: "local", Title: fmt.Sprintf("%d年工业企业数字化转型地方配套资金项目申报", h.year),
		Notice:    "依据办法第八条、第九条，地方配套资金支持国家备案行业的大型企业和其他行业企业数字化转型。",
		Materials: []string{"申报书", "项目投资证明"}}
	for _, c := range []*dtfund.Call{h.h1, h.h2} {
		c.OpensAt, c.ClosesAt = h.moment(callOpenDay, "09:00"), h.moment(callCloseDay, "17:00")
		c.BudgetLine, c.Rubric = "中小企业数字化转型城市试点专项资金", demoRubric
		if err := h.a.CreateCall(h.ctx, city, c); err != nil {
			return err
		}
	}
	return nil
}

// schedulePlan starts, fills in and (unless a draft) submits an application.
func (h *history) schedulePlan(idx int, p *histPlan) {
	h.on(p.start, "09:40", func() error { return h.prepare(idx, p) })
	if p.submit > 0 {
		h.on(p.submit, "15:10", func() error {
			_, err := h.a.Submit(h.ctx, h.actor(p.user), h.apps[p.user].ID, "", nil)
			return err
		})
	}
}

// prepare starts the application, saves its content and uploads one file
// for each material the call asks for.
func (h *history) prepare(idx int, p *histPlan) error {
	call, who := h.h1, h.actor(p.user)
	if p.local {
		call = h.h2
	}
	ap, err := h.a.StartApplication(h.ctx, who, call.ID)
	if err != nil {
		return err
	}
	h.apps[p.user] = ap
	if _, err := h.a.SaveDraft(h.ctx, who, ap.ID, h.draft(idx, p)); err != nil {
		return err
	}
	for i, m := range call.Materials {
		pdf := demoPDF(fmt.Sprintf("%s %s", ap.Number, p.user), fmt.Sprintf("material %d of %d", i+1, len(call.Materials)))
		if _, err := h.a.AddAttachment(h.ctx, who, ap.ID, m, m+".pdf", bytes.NewReader(pdf)); err != nil {
			return err
		}
	}
	return nil
}

// draft is the application form as the applicant fills it in; idx makes
// the invoice numbers unique (the reviewers' pages flag shared invoices).
func (h *history) draft(idx int, p *histPlan) *app.Draft {
	d := &app.Draft{Title: p.title, Description: p.desc, ManufacturingRetrofit: hasEquipment(p.items),
		Declarations: dtfund.Declarations{Integrity: true, TaxCompliant: true, NoMajorIncident: true}, Goals: demoGoals}
	var total int64
	for i, it := range p.items {
		y, n := h.year, i+1
		d.Spending = append(d.Spending, dtfund.Spending{Seq: n, Type: it.typ, Supplier: it.supplier, Description: it.desc,
			ContractNo: fmt.Sprintf("HT-%d-%s-%02d", y, p.user, n), ContractDate: fmt.Sprintf("%d-%02d-10", y, 2+n),
			InvoiceNo: fmt.Sprintf("%d%03d%02d", y, idx+1, n), InvoiceDate: fmt.Sprintf("%d-%02d-15", y, 5+n),
			PaymentDate: fmt.Sprintf("%d-%02d-05", y, 6+n), AmountFen: it.yuan * 100})
		total += it.yuan * 100
	}
	d.RequestedFen = p.requestedYuan * 100
	if d.RequestedFen == 0 {
		d.RequestedFen = total / 2 / 10000 * 10000 // 50%, whole hundreds of 元
	}
	for _, name := range p.providers {
		d.ProviderUSCCs = append(d.ProviderUSCCs, h.orgs[name].USCC)
	}
	return d
}

// districtReview is the district's first review (县区推荐).
func (h *history) districtReview(d districtDecision) error {
	_, err := h.a.DistrictReview(h.ctx, h.actor(d.official), app.DistrictDecision{AppID: h.apps[d.user].ID,
		Action: d.action, Reason: d.reason, Citation: d.citation})
	return err
}

// letters sends the recommendations to the city in numbered letters.
func (h *history) letters() error {
	for _, l := range []struct {
		official string
		call     *dtfund.Call
	}{{"qixian", h.h1}, {"gaoxin", h.h1}, {"lvyuan", h.h1}, {"lvyuan", h.h2}} {
		if _, err := h.a.CreateLetter(h.ctx, h.actor(l.official), l.call.ID); err != nil {
			return err
		}
	}
	return nil
}

// hasEquipment says whether the project touches production (生产制造环节):
// here, whether it buys data-collection equipment.
func hasEquipment(items []spendItem) bool {
	for _, it := range items {
		if it.typ == "data_equipment" {
			return true
		}
	}
	return false
}
