package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"strconv"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The scenarios of the operations of the parts after the application's
// process: assessments, retrofit projects, supervision, providers and
// rankings, 免申即享, imports and exports, the site and administration. Each
// runs over the demo's story (internal/demo): the projects in every state,
// the suspended project of 旭阳 with its case, the random inspection and the
// decision on 中车, the providers' products, adoptions and rankings, the
// 免申即享 proposals, the announcements.

// form is a multipart body of fields and, when name is set, a file.
func form(fields map[string]string, name string, content []byte) func() (*bytes.Buffer, string) {
	return func() (*bytes.Buffer, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range fields {
			w.WriteField(k, v)
		}
		if name != "" {
			fw, _ := w.CreateFormFile("file", name)
			fw.Write(content)
		}
		w.Close()
		return &b, w.FormDataContentType()
	}
}

// capture keeps the number at a path of a response under name: object keys,
// or "-1" for the last element of an array.
func (s *scenarios) capture(name string, keys ...string) func([]byte) {
	return func(b []byte) {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		for _, k := range keys {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				if len(x) == 0 {
					return
				}
				v = x[len(x)-1]
			}
		}
		if n, ok := v.(json.Number); ok {
			s.ids[name], _ = n.Int64()
		}
	}
}

// day is today plus n days, as YYYY-MM-DD.
func (s *scenarios) day(n int) string { return calendar.DateOf(s.f.app.Now()).AddDays(n).String() }

// project is the demo's first project in a state.
func (s *scenarios) project(state string) *store.Project {
	s.f.t.Helper()
	ps, _, err := s.f.db.FindProjects(context.Background(), store.ProjectFilter{States: []string{state}, Page: store.Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		s.f.t.Fatalf("demo has no project in state %s: %v", state, err)
	}
	return ps[0]
}

// evaluatedOnce is an accepted project the city finance bureau has not
// evaluated yet.
func (s *scenarios) evaluatedOnce() *store.Project {
	s.f.t.Helper()
	ps, _, err := s.f.db.FindProjects(context.Background(), store.ProjectFilter{NoEvaluationBy: dtfund.RoleCityFinance,
		Page: store.Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		s.f.t.Fatalf("demo has no accepted project awaiting the finance bureau's evaluation: %v", err)
	}
	return ps[0]
}

// userOf is an applicant account of an organisation.
func (s *scenarios) userOf(orgID int64) string {
	return s.ownerOf(&dtfund.Application{OrgID: orgID})
}

// orgOf is the organisation of an applicant account.
func (s *scenarios) orgOf(username string) *dtfund.Organization {
	s.f.t.Helper()
	o, err := s.f.db.Organization(context.Background(), s.f.user(username).OrgID, "")
	if err != nil {
		s.f.t.Fatal(err)
	}
	return o
}

func id(n int64) map[string]int64 { return map[string]int64{"id": n} }

// laterParts adds the scenarios of the later parts.
func (s *scenarios) laterParts(ctx context.Context, now time.Time, panelID, publicBatch, approvedApp int64, openCalls []*dtfund.Call) {
	f := s.f
	city, finance, admin, inspector := "shigongxin", "shicaizheng", "admin", "hecha"
	year := calendar.DateOf(now).Year
	add := func(m map[string]func() request) {
		for k, v := range m {
			s.byOp[k] = v
		}
	}
	pdfFile := func(fields map[string]string) func() (*bytes.Buffer, string) {
		return form(fields, "证明材料.pdf", pdf())
	}

	// ---- assessments (数字化水平评测) ----
	accepted, requested := s.project(store.ProjectAccepted), s.project(store.ProjectRequested)
	inProgress := s.project(store.ProjectInProgress)
	assessed, err := f.db.Assessments(ctx, accepted.ApplicationID)
	if err != nil || len(assessed) == 0 {
		f.t.Fatalf("demo: no assessment of %s: %v", accepted.AppNumber, err)
	}
	answers := map[string]any{}
	{
		set := policy.AssessmentBase()
		inds, scns := map[string]string{}, map[string]int{}
		for _, ind := range set.Indicators() {
			inds[ind.Code] = ind.Options[len(ind.Options)-1].Value
		}
		for _, sc := range set.Scenarios {
			scns[sc.Code] = 1
		}
		answers["indicators"], answers["scenarios"] = inds, scns
	}
	add(map[string]func() request{
		"ListAssessedAwards": func() request { return request{as: inspector, query: url.Values{"category": {"7.1"}}} },
		"GetAssessment":      func() request { return request{as: city, path: id(assessed[0].ID)} },
		"ListApplicationAssessments": func() request {
			return request{as: s.userOf(accepted.OrgID), path: id(accepted.ApplicationID)}
		},
		"RecordAssessment": func() request {
			return request{as: inspector, path: id(inProgress.ApplicationID), body: map[string]any{"phase": "before", "assessed_on": s.today(),
				"assessor": "第三方核查机构（问卷）", "answers": answers, "idempotency_key": "contract-assess"}}
		},
		"RecordAssessmentReport": func() request {
			// The report the acceptance below relies on: 二级, as the call requires.
			return request{as: inspector, path: id(requested.ApplicationID), body: map[string]any{"phase": "after", "assessed_on": s.today(),
				"assessor": "吉林省中小企业数字化水平评测中心（第三方）", "report_no": "JLSZ-API-0001", "score_hundredths": 5850, "level": 2}}
		},
		"GetIndicatorSet":          func() request { return request{as: "qiye", query: url.Values{"revision": {"0"}}} },
		"ListIndicatorCorrections": func() request { return request{as: admin} },
		"CorrectIndicator": func() request {
			return request{as: admin, body: map[string]any{"key": "level.2.min_score", "value": "45", "from": s.day(1),
				"citation": "工信厅企业〔2024〕56号附件《中小企业数字化水平评测指标（2024年版）》分级条件", "confirmed": true,
				"idempotency_key": "contract-correct"}}
		},
	})

	// ---- retrofit projects ----
	rectifying := s.project(store.ProjectRectifying)
	rectifier := s.userOf(rectifying.OrgID)
	evaluated := s.evaluatedOnce()
	reports, err := f.db.ProgressReports(ctx, rectifying.ID)
	if err != nil || len(reports) == 0 || reports[0].AttachmentName == "" {
		f.t.Fatalf("demo: no progress report with a file for %s: %v", rectifying.AppNumber, err)
	}
	add(map[string]func() request{
		"ListProjects":     func() request { return request{as: city, query: url.Values{"state": {store.ProjectRequested}}} },
		"GetPilotProgress": func() request { return request{as: finance} },
		"GetProject": func() request {
			return request{as: f.official(dtfund.RoleDistrictMIIT, requested.DistrictCode), path: id(requested.ID)}
		},
		"AddMilestone": func() request {
			return request{as: rectifier, path: id(rectifying.ID), then: s.capture("milestone", "milestones", "-1", "id"),
				body: map[string]any{"planned_date": s.day(20), "description": "完成良率分析系统数据采集点扩充", "idempotency_key": "contract-ms"}}
		},
		"CompleteMilestone": func() request {
			return request{as: rectifier, path: map[string]int64{"id": rectifying.ID, "milestone_id": s.ids["milestone"]},
				body: map[string]any{"done_date": s.today()}}
		},
		"ReportProgress": func() request {
			return request{as: rectifier, path: id(rectifying.ID), multipart: form(map[string]string{"reported_on": s.today(),
				"percent": "100", "body": "按验收意见完成整改：数据采集点由12个增至40个，工艺参数在线管理上线。"}, "整改进度报告.pdf", pdf())}
		},
		"DownloadProgressFile": func() request {
			return request{as: f.official(dtfund.RoleDistrictMIIT, rectifying.DistrictCode),
				path: map[string]int64{"id": rectifying.ID, "report_id": reports[0].ID}}
		},
		"SaveProjectGoals": func() request {
			goals, err := f.db.ProjectGoals(ctx, rectifying.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			var body []map[string]any
			for _, g := range goals {
				body = append(body, map[string]any{"indicator": g.Indicator, "baseline": g.Baseline, "target": g.Target})
			}
			body = append(body, map[string]any{"indicator": "工艺参数在线管理覆盖率", "baseline": "0%", "target": "80%"})
			return request{as: rectifier, path: id(rectifying.ID), body: map[string]any{"goals": body}}
		},
		"SaveSelfEvaluation": func() request {
			goals, err := f.db.ProjectGoals(ctx, rectifying.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			var actuals []map[string]any
			for _, g := range goals {
				actuals = append(actuals, map[string]any{"seq": g.Seq, "actual": "达到目标"})
			}
			return request{as: rectifier, path: id(rectifying.ID), body: map[string]any{"actuals": actuals,
				"narrative": "整改完成，各项目标均已达到。"}}
		},
		"RequestAcceptance": func() request {
			return request{as: rectifier, path: id(rectifying.ID), body: map[string]any{"idempotency_key": "contract-request"}}
		},
		"RecordAcceptance": func() request {
			return request{as: city, path: id(requested.ID), body: map[string]any{"held_on": s.today(),
				"experts": []string{"陈教授（吉林大学）", "刘研究员（长春光机所）", "王高工（长春汽车工业高专）"},
				"opinion": "改造内容与申报方案一致；第三方评测数字化水平二级，同意通过验收。", "pass": true, "idempotency_key": "contract-accept"}}
		},
		"TerminateProject": func() request {
			return request{as: city, path: id(inProgress.ID), body: map[string]any{"reason": "改造完成期限已过，设备数据采集模块仍未安装",
				"due_date": s.day(30), "idempotency_key": "contract-terminate"}}
		},
		"SignEvaluation": func() request {
			return request{as: finance, path: id(evaluated.ID), body: map[string]any{"score": 85, "opinion": "资金使用规范，绩效目标基本实现。"}}
		},
	})

	// ---- supervision, inspections, sanctions ----
	cases, _, err := f.db.FindCases(ctx, store.CaseFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(cases) == 0 {
		f.t.Fatalf("demo has no supervision case: %v", err)
	}
	demoCase := cases[0]
	var evidence int64
	events, _ := f.db.CaseEvents(ctx, demoCase.ID)
	for _, e := range events {
		if e.EvidenceName != "" {
			evidence = e.ID
		}
	}
	var demoOrder int64
	if orders, _ := f.db.Orders(ctx, demoCase.ID); len(orders) > 0 && orders[0].State == store.OrderOpen {
		demoOrder = orders[0].ID
	}
	supervisor := f.official(dtfund.RoleDistrictMIIT, accepted.DistrictCode)
	var findingItem int64
	if plans, _, _ := f.db.FindInspectionPlans(ctx, store.Page{Limit: 1}); len(plans) > 0 {
		items, _, _ := f.db.FindInspectionItems(ctx, store.InspectionFilter{PlanID: plans[0].ID, Page: store.Page{Limit: 10}})
		for _, it := range items {
			if it.EvidenceName != "" && it.AssigneeID == f.user(inspector).ID {
				findingItem = it.ID
			}
		}
	}
	sanctions, _, _ := f.db.FindSanctions(ctx, store.SanctionFilter{Page: store.Page{Limit: 1}})
	if evidence == 0 || demoOrder == 0 || findingItem == 0 || len(sanctions) == 0 || demoCase.DistrictCode != accepted.DistrictCode {
		f.t.Fatalf("demo: case evidence %d, open order %d, finding evidence %d, %d sanctions, case in %s", evidence, demoOrder, findingItem,
			len(sanctions), demoCase.DistrictCode)
	}
	banned := s.orgOf("xida")
	add(map[string]func() request{
		"ListCases": func() request { return request{as: supervisor, query: url.Values{"state": {store.CaseSuspended}}} },
		"GetCase":   func() request { return request{as: finance, path: id(demoCase.ID)} },
		"RecordDeviation": func() request {
			// The accepted project of 精工 in 汽开区, found behind its goals.
			return request{as: supervisor, then: s.captureID("case"), multipart: pdfFile(map[string]string{
				"award_id": itoa64(accepted.AwardID), "goal": "设备联网率：目标 85%", "found_on": s.today(),
				"facts": "现场核查：质量追溯系统仅覆盖两道工序，设备联网率 60%。"})}
		},
		"IssueRectification": func() request {
			return request{as: supervisor, path: id(s.ids["case"]),
				body: map[string]any{"requirement": "30日内完成全部工序接入并报送整改报告", "deadline": s.day(30)}}
		},
		"RecordRectification": func() request {
			// The demo case's overdue plan: handed in, not good enough; the case stays under rectification.
			return request{as: supervisor, path: map[string]int64{"id": demoCase.ID, "order_id": demoOrder},
				multipart: form(map[string]string{"accepted": "false", "note": "整改方案未明确软件供应商更换安排，整改不到位", "result_on": s.today()},
					"整改方案.pdf", pdf())}
		},
		"SuspendProject": func() request {
			return request{as: supervisor, path: id(s.ids["case"]), body: map[string]any{"reason": "整改不到位，暂缓项目执行", "on": s.today()}}
		},
		"LiftSuspension": func() request {
			return request{as: supervisor, path: id(s.ids["case"]), body: map[string]any{"reason": "企业已提交补充材料，恢复执行", "on": s.today()}}
		},
		"StopProject": func() request {
			return request{as: supervisor, path: id(s.ids["case"]), body: map[string]any{"reason": "再次核查仍严重偏离绩效目标",
				"on": s.today(), "due_date": s.day(30)}}
		},
		"DownloadCaseEvidence": func() request {
			return request{as: f.official(dtfund.RoleDistrictMIIT, demoCase.DistrictCode), path: map[string]int64{"id": demoCase.ID, "event_id": evidence}}
		},
		"ListInspectionPlans": func() request { return request{as: finance} },
		"PlanInspection": func() request {
			return request{as: city, then: s.captureID("plan"), body: map[string]any{"title": "接口测试随机抽查", "kind": "random",
				"basis": "依据办法第十七条随机抽查", "sample_size": 1, "seed": "7", "idempotency_key": "contract-plan"}}
		},
		"GetInspectionPlan": func() request { return request{as: finance, path: id(s.ids["plan"])} },
		"ListInspectionItems": func() request {
			return request{as: city, path: id(s.ids["plan"]), then: s.capture("item", "items", "-1", "id")}
		},
		"ListInspectionAssignees": func() request { return request{as: city} },
		"AssignInspection": func() request {
			return request{as: city, path: id(s.ids["item"]), body: map[string]any{"assignee_id": f.user(inspector).ID}}
		},
		"ListInspectionTasks": func() request { return request{as: inspector} },
		"GetInspectionItem":   func() request { return request{as: inspector, path: id(s.ids["item"])} },
		"RecordFinding": func() request {
			return request{as: inspector, path: id(s.ids["item"]), multipart: pdfFile(map[string]string{
				"finding": "票据与交付一致，未发现违规使用。", "violation": "false", "found_on": s.today()})}
		},
		"DownloadFindingEvidence": func() request { return request{as: inspector, path: id(findingItem)} },
		"ListSanctions":           func() request { return request{as: city, query: url.Values{"active": {"true"}}} },
		"DecideSanction": func() request {
			return request{as: city, then: s.capture("sanction", "sanction", "id"), multipart: pdfFile(map[string]string{
				"org_id": itoa64(banned.ID), "facts": "以虚假合同申报改造投入（接口测试）", "article": "第二十条", "decided_on": s.today(),
				"doc_number": "长工信罚〔" + strconv.Itoa(year) + "〕99号", "due_date": s.day(30),
				"referral_authority": "长春市公安局经济犯罪侦查支队", "referral_referred_on": s.today()})}
		},
		"GetSanction": func() request { return request{as: inspector, path: id(s.ids["sanction"])} },
		"AddReferral": func() request {
			return request{as: city, path: id(s.ids["sanction"]), body: map[string]any{"authority": "长春市市场监督管理局",
				"referred_on": s.today(), "note": "通报信用惩戒"}}
		},
		"DownloadSanctionEvidence": func() request { return request{as: city, path: id(sanctions[0].ID)} },
	})

	// ---- providers, products, adoptions, rankings ----
	provider := "qiming"
	ownProducts, _, err := f.db.FindProducts(ctx, store.ProductFilter{ProviderOrgID: f.user(provider).OrgID, State: store.ProductActive,
		Page: store.Page{Limit: 10}})
	if err != nil || len(ownProducts) < 2 {
		f.t.Fatalf("demo: %s has %d products: %v", provider, len(ownProducts), err)
	}
	proposed, _, err := f.db.FindAdoptions(ctx, store.AdoptionFilter{State: store.AdoptionProposed, Page: store.Page{Limit: 1}})
	if err != nil || len(proposed) == 0 {
		f.t.Fatalf("demo has no proposed adoption: %v", err)
	}
	effects := []map[string]any{{"name": "设备综合效率", "unit": "%", "before": "60", "after": "71"}}
	var chainCall, productCall int64
	if cs, _, err := f.db.FindCalls(ctx, store.CallFilter{OpenAt: now, Page: store.Page{Limit: 50}}); err == nil {
		for _, c := range cs {
			switch c.Category {
			case "7.5":
				chainCall = c.ID
			case "7.3":
				productCall = c.ID
			}
		}
	}
	chainLead, member := "hengtong", s.orgOf("fujin")
	add(map[string]func() request{
		"ListCatalogue":       func() request { return request{query: url.Values{"kind": {store.KindSolution}}} },
		"GetCatalogueProduct": func() request { return request{path: id(ownProducts[0].ID)} },
		"GetProviderProfile":  func() request { return request{as: provider} },
		"SaveProviderProfile": func() request {
			return request{as: provider, body: map[string]any{"service_scope": "汽车零部件企业的MES实施、设备联网与质量追溯",
				"qualifications": "软件企业证书；ISO 9001", "website": "https://qiming.example.com", "contact_email": "service@qiming.example.com"}}
		},
		"ListOwnProducts": func() request { return request{as: provider} },
		"CreateProduct": func() request {
			return request{as: provider, then: s.captureID("product"), body: map[string]any{"kind": store.KindCloudService,
				"name": "设备点检云服务", "description": "移动端点检、保养提醒与点检报表。", "scenarios": []string{"设备管理"},
				"properties": []string{"small", "fast"}, "price_fen": 800_000}}
		},
		"GetOwnProduct": func() request { return request{as: provider, path: id(s.ids["product"])} },
		"UpdateProduct": func() request {
			return request{as: provider, path: id(s.ids["product"]), body: map[string]any{"kind": store.KindCloudService,
				"name": "设备点检云服务（标准版）", "description": "移动端点检、保养提醒与点检报表。", "scenarios": []string{"设备管理", "安全生产"},
				"properties": []string{"small", "fast", "light"}, "price_fen": 600_000}}
		},
		"WithdrawProduct": func() request { return request{as: provider, path: id(s.ids["product"])} },
		"ListAdoptions":   func() request { return request{as: "qiye", query: url.Values{"state": {store.AdoptionConfirmed}}} },
		"GetAdoption":     func() request { return request{as: s.userOf(proposed[0].EnterpriseOrgID), path: id(proposed[0].ID)} },
		"RecordAdoption": func() request {
			return request{as: "qiye", then: s.captureID("adoption"), body: map[string]any{"product_id": ownProducts[1].ID,
				"contract_no": "API-ADOPT-001", "contract_date": s.day(-30), "scope": "冲压车间", "effects": effects}}
		},
		"ProposeAdoption": func() request {
			return request{as: provider, then: s.captureID("proposed"), body: map[string]any{"product_id": ownProducts[0].ID,
				"enterprise_uscc": s.orgOf(chainLead).USCC, "contract_no": "API-PROPOSE-001", "contract_date": s.day(-20), "scope": "焊装车间"}}
		},
		"ConfirmAdoption": func() request {
			return request{as: s.userOf(proposed[0].EnterpriseOrgID), path: id(proposed[0].ID), body: map[string]any{"effects": effects}}
		},
		"RejectAdoption": func() request {
			return request{as: chainLead, path: id(s.ids["proposed"]), body: map[string]any{"reason": "本企业未签订该合同"}}
		},
		"ReportAdoptionEffects": func() request {
			return request{as: "qiye", path: id(s.ids["adoption"]), body: map[string]any{"effects": effects}}
		},
		"ListChainMembers": func() request {
			// A chain application of 恒通 under the open 第七条（五） call.
			a, err := f.app.StartApplication(ctx, app.Actor{User: f.user(chainLead)}, chainCall)
			if err != nil {
				f.t.Fatalf("chain application: %v", err)
			}
			s.ids["chain"] = a.ID
			return request{as: chainLead, path: id(a.ID)}
		},
		"SetChainMembers": func() request {
			return request{as: chainLead, path: id(s.ids["chain"]), body: map[string]any{"members": []map[string]any{
				{"uscc": member.USCC, "relation": "一级供应商"}}}}
		},
		"ListRankingRuns": func() request { return request{as: inspector, query: url.Values{"kind": {"product"}}} },
		"RunRanking": func() request {
			return request{as: city, then: s.captureID("run"), body: map[string]any{"kind": "product",
				"from": strconv.Itoa(year-1) + "-01-01", "to": strconv.Itoa(year-1) + "-12-31"}}
		},
		"GetRankingRun": func() request { return request{as: finance, path: id(s.ids["run"])} },
		"ListRankingEntries": func() request {
			return request{as: admin, path: id(s.ids["run"]), query: url.Values{"max_rank": {"3"}}}
		},
		"RerunRanking": func() request { return request{as: city, path: id(s.ids["run"])} },
		"ProposeRankingAwards": func() request {
			return request{as: city, path: id(s.ids["run"]), body: map[string]any{"call_id": productCall, "top_n": 2}}
		},
	})

	// ---- 免申即享 ----
	pols, _, err := f.db.FindMatchPolicies(ctx, false, store.Page{Limit: 1})
	if err != nil || len(pols) == 0 {
		f.t.Fatalf("demo has no matching policy: %v", err)
	}
	waiting, _, err := f.db.FindProposals(ctx, store.ProposalFilter{State: store.ProposalProposed, Page: store.Page{Limit: 1}})
	if err != nil || len(waiting) == 0 {
		f.t.Fatalf("demo has no proposal awaiting confirmation: %v", err)
	}
	policyBody := map[string]any{"name": "企业上云上平台奖补（接口测试）", "call_id": pols[0].CallID, "period_from": strconv.Itoa(year-1) + "-01-01",
		"period_to": s.today(), "min_services": 1, "require_sme": true, "require_pilot": true, "confirm_days": 30, "active": true}
	add(map[string]func() request{
		"ListMatchPolicies": func() request { return request{as: finance} },
		"CreateMatchPolicy": func() request { return request{as: city, body: policyBody, then: s.captureID("policy")} },
		"GetMatchPolicy":    func() request { return request{as: finance, path: id(s.ids["policy"])} },
		"UpdateMatchPolicy": func() request {
			policyBody["note"] = "统计期延至今日"
			return request{as: city, path: id(s.ids["policy"]), body: policyBody}
		},
		"RunMatching":   func() request { return request{as: city, path: id(s.ids["policy"]), then: s.captureID("match_run")} },
		"ListMatchRuns": func() request { return request{as: finance, path: id(s.ids["policy"])} },
		"GetMatchRun":   func() request { return request{as: finance, path: id(s.ids["match_run"])} },
		"ListMatchResults": func() request {
			return request{as: city, path: id(s.ids["match_run"]), query: url.Values{"outcome": {"excluded"}}}
		},
		"LapseProposals": func() request { return request{as: city} },
		"ListProposals": func() request {
			return request{as: f.official(dtfund.RoleDistrictFinance, "220174"), query: url.Values{"state": {store.ProposalLapsed}}}
		},
		"GetProposal": func() request { return request{as: s.userOf(waiting[0].OrgID), path: id(waiting[0].ID)} },
		"ConfirmProposal": func() request {
			return request{as: s.userOf(waiting[0].OrgID), path: id(waiting[0].ID), body: map[string]any{"wish": true,
				"account_name": waiting[0].OrgName, "bank_name": "中国工商银行长春南湖支行", "account_no": "0712 3456 7890 1234 567"}}
		},
		"DeclineProposal": func() request {
			// A proposal the run above made.
			ps, _, err := f.db.FindProposals(ctx, store.ProposalFilter{PolicyID: s.ids["policy"], State: store.ProposalProposed,
				Page: store.Page{Limit: 1}})
			if err != nil || len(ps) == 0 {
				f.t.Fatalf("the contract's matching run proposed nothing: %v", err)
			}
			return request{as: s.userOf(ps[0].OrgID), path: id(ps[0].ID), body: map[string]any{"reason": "本年度不申领"}}
		},
	})

	// ---- imports and exports ----
	calendarCSV := []byte("日期,上班或休息,名称,来源\n2027-10-09,上班,国庆节调休,国务院办公厅关于2027年部分节假日安排的通知\n")
	add(map[string]func() request{
		"ListImportKinds":        func() request { return request{as: city} },
		"DownloadImportTemplate": func() request { return request{as: city, pathText: map[string]string{"kind": "organizations"}} },
		"UploadImport": func() request {
			return request{as: admin, then: s.captureID("import"), multipart: form(map[string]string{"kind": "calendar"}, "节假日.csv", calendarCSV)}
		},
		"ListImports":   func() request { return request{as: admin} },
		"GetImport":     func() request { return request{as: admin, path: id(s.ids["import"])} },
		"ConfirmImport": func() request { return request{as: admin, path: id(s.ids["import"])} },
		"DiscardImport": func() request {
			res, err := f.app.PreviewImport(ctx, app.Actor{User: f.user(admin)}, "calendar", "节假日.csv", calendarCSV, app.ImportOptions{})
			if err != nil {
				f.t.Fatal(err)
			}
			return request{as: admin, path: id(res.Record.ID)}
		},
		"DownloadMarkedImport":  func() request { return request{as: admin, path: id(s.ids["import"])} },
		"ExportOrganizations":   func() request { return request{as: supervisor} },
		"ExportExperts":         func() request { return request{as: city} },
		"ExportLetters":         func() request { return request{as: finance} },
		"ExportPanel":           func() request { return request{as: city, path: id(panelID)} },
		"ExportPublicity":       func() request { return request{as: city, path: id(publicBatch)} },
		"ExportPublicPublicity": func() request { return request{path: id(publicBatch)} },
		"ExportPaymentBatch":    func() request { return request{as: admin, path: id(s.ids["pbatch"])} },
		"ExportDistrictLedger":  func() request { return request{as: f.official(dtfund.RoleDistrictFinance, "220174")} },
		"ExportExecution":       func() request { return request{as: inspector, query: url.Values{"by": {"district"}}} },
		"DownloadApprovalScan":  func() request { return request{as: city, path: id(s.ids["approval"])} },
		"DownloadObjectionEvidence": func() request {
			return request{as: city, path: id(s.ids["objection"])}
		},
	})

	// ---- the site ----
	anns, _, err := f.db.FindAnnouncements(ctx, store.AnnouncementFilter{Page: store.Page{Limit: 50}})
	if err != nil || len(anns) == 0 {
		f.t.Fatalf("demo has no announcement: %v", err)
	}
	var published, draft int64
	for _, a := range anns {
		switch a.State {
		case store.AnnPublished:
			published = a.ID
		case store.AnnDraft:
			draft = a.ID
		}
	}
	add(map[string]func() request{
		"ListPublicAnnouncements": func() request { return request{query: url.Values{"kind": {store.AnnNotice}}} },
		"GetPublicAnnouncement":   func() request { return request{path: id(published)} },
		"ListAnnouncements":       func() request { return request{as: city} },
		"GetAnnouncement":         func() request { return request{as: city, path: id(draft)} },
		"CreateAnnouncement": func() request {
			return request{as: city, then: s.captureID("announcement"), body: map[string]any{"title": "关于开展专项资金绩效评价的通知",
				"body": "各有关单位：请于本月底前完成绩效自评。", "kind": store.AnnNotice}}
		},
		"UpdateAnnouncement": func() request {
			return request{as: city, path: id(s.ids["announcement"]), body: map[string]any{"title": "关于开展专项资金绩效评价的通知",
				"body": "各有关单位：请于本月底前在系统中完成绩效自评。", "kind": store.AnnNotice, "publish": true}}
		},
		"WithdrawAnnouncement": func() request { return request{as: city, path: id(s.ids["announcement"])} },
		"ListPublicCalls":      func() request { return request{query: url.Values{"per_page": {"5"}}} },
		"GetPublicCall":        func() request { return request{path: id(openCalls[0].ID)} },
		"GetMeasures":          func() request { return request{} },
		"GetCalendarDays":      func() request { return request{query: url.Values{"year": {strconv.Itoa(year)}}} },
		"Search":               func() request { return request{as: supervisor, query: url.Values{"q": {"长春"}}} },
		"ListRecentActivity":   func() request { return request{as: city, query: url.Values{"limit": {"5"}}} },
		"GetOpinion":           func() request { return request{as: finance, path: id(approvedApp)} },
	})

	// ---- administration ----
	add(map[string]func() request{
		"ListAccounts": func() request { return request{as: admin, query: url.Values{"role": {string(dtfund.RoleExpert)}}} },
		"CreateAccount": func() request {
			return request{as: admin, then: s.captureID("account"), body: map[string]any{"username": "zhuanjia_api", "display_name": "接口专家",
				"role": "expert", "password": "Passw0rdTest"}}
		},
		"GetAccount": func() request { return request{as: admin, path: id(s.ids["account"])} },
		"UpdateAccount": func() request {
			return request{as: admin, path: id(s.ids["account"]), body: map[string]any{"display_name": "接口专家（高工）", "email": "",
				"role": "expert", "district_code": "", "org_uscc": "", "disabled": false}}
		},
		"ResetPassword": func() request {
			return request{as: admin, path: id(s.ids["account"]), body: map[string]any{"password": "N3wPassw0rdTest"}}
		},
		"RevokeSessions":   func() request { return request{as: admin, path: id(s.ids["account"])} },
		"GetCalendarAdmin": func() request { return request{as: admin} },
		"PutCalendarOverride": func() request {
			return request{as: admin, pathText: map[string]string{"date": "2027-10-10"}, body: map[string]any{"working": true,
				"name": "国庆节调休", "source": "国务院办公厅关于2027年部分节假日安排的通知"}}
		},
		"DeleteCalendarOverride": func() request { return request{as: admin, pathText: map[string]string{"date": "2027-10-10"}} },
		"ImportCalendar": func() request {
			csv := "2027-10-10,工作日,国庆节调休,国务院办公厅关于2027年部分节假日安排的通知\n"
			return request{as: admin, multipart: form(nil, "calendar.csv", []byte(csv))}
		},
		"SaveExpert": func() request {
			return request{as: city, body: map[string]any{"username": "zhuanjia_api", "field": "工业互联网", "affiliation": "吉林大学",
				"active": true}}
		},
	})
}
