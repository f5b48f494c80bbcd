package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// questionnaire fills the form with 40 points (10+10+7+7+3+3) and six
// scenarios at 二级, three of them 约束性, the others at 一级: 二级.
func questionnaire(phase, on string) url.Values {
	s := policy.AssessmentBase()
	f := url.Values{"phase": {phase}, "assessed_on": {on}, "assessor": {"吉林省中小企业数字化评测中心"}}
	for _, ind := range s.Indicators() {
		f.Set(policy.IndicatorField(ind.Code), "a")
	}
	for k, v := range map[string]string{"equip_digital": "d", "equip_network": "d", "data_collection": "c", "system_coverage": "c",
		"security_protection": "b", "efficiency_gain": "b"} {
		f.Set(policy.IndicatorField(k), v)
	}
	mandatory, others := 3, 3
	for _, sc := range s.Scenarios {
		level := "1"
		if sc.Mandatory.Value && mandatory > 0 {
			level, mandatory = "2", mandatory-1
		} else if !sc.Mandatory.Value && others > 0 {
			level, others = "2", others-1
		}
		f.Set(policy.ScenarioField(sc.Code), level)
	}
	return f
}

func TestAssessmentOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPayWeb(t, db) // awards of 甲 (汽开区) and 乙 (高新区), today 2026-11-02
		insp, city := p.as("inspector"), p.as("city")
		appA, appB := itoa(p.awA.ApplicationID), itoa(p.awB.ApplicationID)
		payGet(t, insp, "/home", "数字化水平评测")
		payGet(t, insp, "/assessments", p.awA.AppNumber, p.awB.AppNumber, "未评测")
		newForm := "/apps/" + appA + "/assessments/new"
		payGet(t, insp, newForm, "产品设计", "决策支持", "约束性", "设备系统", "生产设备数字化率", "四级")

		// Bad input: 422, the messages beside the fields, the values kept, nothing stored.
		bad := questionnaire("before", "2026-10-12")
		bad.Del(policy.IndicatorField("security_protection"))
		bad.Set(policy.ScenarioField("finance"), "")
		bad.Set("assessor", "第三方评测")
		payPost(t, insp, newForm, "/apps/"+appA+"/assessments", bad, http.StatusUnprocessableEntity,
			"请选择「网络与数据安全保障」", "请评定「财务管理」场景的等级", `value="第三方评测"`, `value="d" checked`)
		if list, _ := db.Assessments(context.Background(), p.awA.ApplicationID); len(list) != 0 {
			t.Fatalf("refused form stored %d assessments", len(list))
		}

		resp := payPost(t, insp, newForm, "/apps/"+appA+"/assessments", questionnaire("before", "2026-10-12"), http.StatusSeeOther)
		detail := resp.Header.Get("Location")
		payGet(t, insp, detail, "数字化水平评测：二级", "二级：得分40分≥40分；达到二级及以上的场景6个≥6个，其中约束性场景3个≥3个：达到二级",
			"数字化基础", "37", "设备系统", "指标版本：2024.1", "三级：得分40分&lt;60分")

		// 市工信局 enters the third-party report after the retrofit.
		reportForm := "/apps/" + appA + "/assessments/report"
		rep := url.Values{"phase": {"after"}, "report_no": {"JLPC-2026-118"}, "assessor": {"吉林省工业技术研究院"},
			"assessed_on": {"2026-10-30"}, "score": {"55"}, "level": {"3"}}
		payPost(t, city, reportForm, reportForm, rep, http.StatusUnprocessableEntity, "报告等级为三级，但得分55分&lt;三级所需60分",
			`value="JLPC-2026-118"`)
		rep.Set("score", "62.5")
		resp = payPost(t, city, reportForm, reportForm, rep, http.StatusSeeOther)
		payGet(t, city, resp.Header.Get("Location"), "依据第三方评测报告录入（报告编号 JLPC-2026-118）", "以报告为准")
		payGet(t, city, "/apps/"+appA+"/assessments", "二级 → 三级（提升 1 级）", "40 → 62.5")

		// Readers within scope; out of scope is not found.
		applicant, distA, distB := p.as("applicant"), p.as("district_a"), p.as("district_b")
		payGet(t, applicant, "/apps/"+appA+"/assessments", "三级")
		payGet(t, applicant, "/apps/"+appA, "/apps/"+appA+"/assessments")
		payGet(t, distA, detail, "二级")
		for _, c := range []struct {
			who  *client
			path string
		}{{applicant, "/apps/" + appB + "/assessments"}, {distB, detail}, {distB, "/apps/" + appA + "/assessments"}} {
			if resp, _ := c.who.get(c.path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("out of scope %s: %d, want 404", c.path, resp.StatusCode)
			}
		}
		body := payGet(t, distB, "/assessments", p.awB.AppNumber)
		if strings.Contains(body, p.awA.AppNumber) {
			t.Error("高新区 sees 汽开区's award in the assessment list")
		}
		// Writers only; an application without an award cannot be assessed.
		if resp, _ := distA.get(newForm); resp.StatusCode != http.StatusForbidden {
			t.Errorf("district official opens the questionnaire: %d", resp.StatusCode)
		}
		bare := &dtfund.Application{CallID: p.awA.ApprovalID, OrgID: p.orgA.ID, DistrictCode: "220174", State: dtfund.StateSubmitted,
			Title: "未获奖补", Spending: []dtfund.Spending{{Type: "software", AmountFen: 100, InvoiceNo: "X-1"}}}
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			ap, err := tx.Application(ctx, p.awA.ApplicationID)
			if err != nil {
				return err
			}
			bare.CallID = ap.CallID
			return tx.CreateApplication(ctx, bare)
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp, _ := insp.get("/apps/" + itoa(bare.ID) + "/assessments/new"); resp.StatusCode != http.StatusConflict {
			t.Errorf("questionnaire of an application without an award: %d, want 409", resp.StatusCode)
		}
	})
}

func TestIndicatorCorrectionOverHTTP(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPayWeb(t, db)
		admin := p.as("admin")
		page := "/admin/assessment-indicators"
		payGet(t, admin, "/home", "数字化水平评测指标")
		payGet(t, admin, page, "设备系统", "规划实施", "7.5", "待核实", "财务管理", "其中约束性场景不少于", "工信厅企业〔2024〕56号", "尚无更正")
		form := url.Values{"key": {"level.2.min_score"}, "value": {"45"}, "from": {"2026-10-15"}, "source": {""}}
		payPost(t, admin, page, page, form, http.StatusUnprocessableEntity, "更正必须注明依据", `value="45"`)
		form.Set("source", "工信厅企业〔2024〕56号附件 分级条件")
		form.Set("confirmed", "on")
		payPost(t, admin, page, page, form, http.StatusSeeOther)
		body := payGet(t, admin, page, "版本 2024.1&#43;r1", "40 → 45", "工信厅企业〔2024〕56号附件 分级条件", "已核实", "2026-10-15")
		if !strings.Contains(body, "二级所需最低得分") {
			t.Error("history does not name the corrected figure")
		}
		payGet(t, admin, page+"?revision=0", "版本 2024.1</strong>")
		if resp, _ := admin.get(page + "?revision=9"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown revision: %d", resp.StatusCode)
		}
		// The questionnaire computes with the new version from its date on.
		insp := p.as("inspector")
		appA := itoa(p.awA.ApplicationID)
		resp := payPost(t, insp, "/apps/"+appA+"/assessments/new", "/apps/"+appA+"/assessments",
			questionnaire("before", "2026-10-20"), http.StatusSeeOther)
		payGet(t, insp, resp.Header.Get("Location"), "指标版本：2024.1&#43;r1", "二级：得分40分&lt;45分", "数字化水平评测：一级")
	})
}
