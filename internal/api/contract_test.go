package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/api"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// request is one contract call: who, which path parameters, query and body,
// and the status it must get (0: the operation's success status).
type request struct {
	as        string // username; "" anonymous
	path      map[string]int64
	pathText  map[string]string // path parameters that are not IDs ({kind}, {date})
	query     url.Values
	body      any
	multipart func() (*bytes.Buffer, string)
	want      int
	// then reads what the call answered, for the calls after it.
	then func(body []byte)
}

// contract walks every operation of the table, in its order, over the demo
// data: each call is made by a user of a role allowed to make it, with a
// request that makes it meaningful; the response must have the status the
// scenario expects, documented for the operation, and its body must be
// valid against the documented schema. An operation without a scenario
// fails the test: a new operation cannot ship untested.
func TestContract(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	sc := newScenarios(f)
	successes := 0
	for _, o := range api.Operations() {
		build, ok := sc.byOp[o.ID]
		if !ok {
			t.Errorf("operation %s (%s %s) has no contract scenario: add one to newScenarios", o.ID, o.Method, o.Path)
			continue
		}
		req := build()
		token := ""
		if req.as != "" {
			token = f.token(req.as)
		}
		path := api.Prefix + fill(fillText(o.Path, req.pathText), req.path)
		if len(req.query) > 0 {
			path += "?" + req.query.Encode()
		}
		var r response
		if req.multipart != nil {
			body, ct := req.multipart()
			r = f.call(o.Method, path, token, body, ct)
		} else {
			r = f.call(o.Method, path, token, req.body, "")
		}
		want := req.want
		if want == 0 {
			want = o.Success
		}
		if r.status != want {
			t.Errorf("%s %s as %q: status %d, want %d: %s", o.Method, path, req.as, r.status, want, r.body)
		}
		for _, p := range f.conforms(o, r) {
			t.Errorf("%s %s: %s", o.ID, path, p)
		}
		if r.status == o.Success {
			successes++
		}
		if req.then != nil && r.status == want {
			req.then(r.body)
		}
	}
	t.Logf("%d operations, %d answered with their success status", len(api.Operations()), successes)
}

// scenarios holds the requests of the contract walk and the IDs the walk
// creates on its way.
type scenarios struct {
	f    *fixture
	ids  map[string]int64
	byOp map[string]func() request
}

// captureID keeps the "id" of a response under name.
func (s *scenarios) captureID(name string) func([]byte) {
	return func(b []byte) {
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(b, &v)
		s.ids[name] = v.ID
	}
}

// appIn is an application of the demo in a state.
func (s *scenarios) appIn(state dtfund.AppState) *dtfund.Application {
	s.f.t.Helper()
	apps, _, err := s.f.db.FindApplications(context.Background(), store.ApplicationFilter{States: []dtfund.AppState{state}, Page: store.Page{Limit: 1}})
	if err != nil || len(apps) == 0 {
		s.f.t.Fatalf("demo has no application in state %s: %v", state, err)
	}
	return apps[0]
}

// awaitingFinance is an application of the demo in 评审通过 that the city
// industry bureau has signed and the finance bureau not yet: its re-check
// passes with the finance bureau's signature.
func (s *scenarios) awaitingFinance() *dtfund.Application {
	s.f.t.Helper()
	ctx := context.Background()
	apps, _, err := s.f.db.FindApplications(ctx, store.ApplicationFilter{States: []dtfund.AppState{dtfund.StateReviewed},
		Page: store.Page{Limit: 100}})
	if err != nil {
		s.f.t.Fatal(err)
	}
	for _, a := range apps {
		sigs, err := s.f.db.RecheckSignatures(ctx, a.ID)
		if err != nil {
			s.f.t.Fatal(err)
		}
		if len(sigs) == 1 && sigs[0].Role == dtfund.RoleCityMIIT && sigs[0].Pass {
			return a
		}
	}
	s.f.t.Fatal("demo has no application waiting for the finance bureau's re-check signature")
	return nil
}

// ownerOf is an applicant account of the application's organisation.
func (s *scenarios) ownerOf(a *dtfund.Application) string {
	s.f.t.Helper()
	users, _, err := s.f.db.FindUsers(context.Background(), store.UserFilter{Role: dtfund.RoleApplicant, Page: store.Page{Limit: 200}})
	if err != nil {
		s.f.t.Fatal(err)
	}
	for _, u := range users {
		if u.OrgID == a.OrgID {
			return u.Username
		}
	}
	s.f.t.Fatalf("no account for organisation %d", a.OrgID)
	return ""
}

func (s *scenarios) today() string { return calendar.DateOf(s.f.app.Now()).String() }

// pdf is a small file whose content is a PDF.
func pdf() []byte { return []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n") }

func newScenarios(f *fixture) *scenarios {
	s := &scenarios{f: f, ids: map[string]int64{}}
	ctx := context.Background()
	city, finance, admin, inspector := "shigongxin", "shicaizheng", "admin", "hecha"
	applicant := defaultUser[dtfund.RoleApplicant]
	applicantOrg := f.user(applicant).OrgID
	draft := s.appIn(dtfund.StateDraft)
	submitted := s.appIn(dtfund.StateSubmitted)
	recommended := s.appIn(dtfund.StateRecommended)
	inReview := s.appIn(dtfund.StateExpertReview)
	reviewed := s.awaitingFinance()
	passed := s.appIn(dtfund.StatePublicityPassed)
	approved := s.appIn(dtfund.StateApproved)
	reviewer := f.official(dtfund.RoleDistrictMIIT, submitted.DistrictCode)
	now := f.app.Now()
	callBody := map[string]any{"category": "7.1", "title": "接口测试批次", "opens_at": now.Add(-time.Hour), "closes_at": now.Add(30 * 24 * time.Hour),
		"window_from": "2025-01-01", "window_to": "2027-12-31", "rubric": map[string]any{"pass_mark": 60,
			"criteria": []map[string]any{{"name": "方案", "weight": 50}, {"name": "成效", "weight": 50}}}}
	draftBody := map[string]any{"title": "焊装车间数字化改造", "description": "焊接机器人联网与质量追溯",
		"requested_fen": 10_000_000, "declarations": map[string]any{"integrity": true, "tax_compliant": true, "no_major_incident": true},
		"spending": []map[string]any{{"type": "software", "supplier": "长春启明数字科技有限公司", "amount_fen": 30_000_000,
			"contract_date": "2025-03-01", "invoice_date": "2025-04-01", "payment_date": "2025-04-15"}},
		"goals": []map[string]any{{"indicator": "设备联网率", "baseline": "20%", "target": "90%"}}}

	// The expert who has not scored the application in review yet, and
	// what the rubric and the spending ask of them.
	pa, err := f.db.PanelAppOf(ctx, inReview.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	panel, err := f.db.Panel(ctx, pa.PanelID)
	if err != nil {
		f.t.Fatal(err)
	}
	var scorer string
	for _, m := range panel.Members {
		if sheet, _ := f.db.ScoreSheet(ctx, panel.ID, inReview.ID, m.ExpertID); sheet == nil {
			u, err := f.db.User(ctx, m.ExpertID)
			if err != nil {
				f.t.Fatal(err)
			}
			scorer = u.Username
		}
	}
	task, err := f.app.ExpertTask(ctx, app.Actor{User: f.user(scorer)}, panel.ID, inReview.ID)
	if err != nil {
		f.t.Fatalf("expert task of %s: %v", scorer, err)
	}
	var scores, investments []map[string]any
	for range task.Call.Rubric.Criteria {
		scores = append(scores, map[string]any{"score": 80, "comment": "方案可行"})
	}
	for _, sp := range task.App.Spending {
		investments = append(investments, map[string]any{"spending_seq": sp.Seq, "approved_fen": sp.AmountFen / 2})
	}
	panelApp := map[string]int64{"id": panel.ID, "application_id": inReview.ID}

	// The closed batch whose applications passed publicity, and an open
	// one whose item the public may object to.
	passedItem, err := f.db.PublicityItemOfApp(ctx, passed.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	public, err := f.db.PublicityItemOfApp(ctx, s.appIn(dtfund.StateInPublicity).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	objections, _, err := f.db.FindObjections(ctx, store.ObjectionFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(objections) == 0 {
		f.t.Fatalf("demo has no objection: %v", err)
	}
	openObjections, _, _ := f.db.FindObjections(ctx, store.ObjectionFilter{State: store.ObjectionOpen, Page: store.Page{Limit: 1}})
	letters, _, err := f.db.FindLetters(ctx, store.LetterFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(letters) == 0 {
		f.t.Fatalf("demo has no letter: %v", err)
	}
	plans, _, err := f.db.FindPlans(ctx, store.Page{Limit: 1})
	if err != nil || len(plans) == 0 {
		f.t.Fatalf("demo has no plan: %v", err)
	}
	calls, _, err := f.db.FindCalls(ctx, store.CallFilter{OpenAt: now, Page: store.Page{Limit: 1}})
	if err != nil || len(calls) == 0 {
		f.t.Fatalf("demo has no open call: %v", err)
	}
	approvedAward, err := f.db.AwardOfApp(ctx, approved.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	year := calendar.DateOf(now).Year

	s.byOp = map[string]func() request{
		"GetMe":      func() request { return request{as: applicant} },
		"GetOpenAPI": func() request { return request{} },

		"ListOrganizations":  func() request { return request{as: reviewer, query: url.Values{"per_page": {"5"}}} },
		"GetOrganization":    func() request { return request{as: city, path: map[string]int64{"id": applicantOrg}} },
		"GetOwnOrganization": func() request { return request{as: applicant} },
		"UpdateOwnOrganization": func() request {
			o, err := f.db.Organization(ctx, applicantOrg, "")
			if err != nil {
				f.t.Fatal(err)
			}
			body := map[string]any{"uscc": o.USCC, "name": o.Name, "kind": o.Kind, "legal_person": true, "region_code": o.RegionCode,
				"district_code": o.DistrictCode, "industry_code": o.IndustryCode, "is_applicant": true, "contact_name": "李明",
				"contact_phone": "0431-88886666", "size_facts": []map[string]any{{"year": 2025, "employees": 320, "revenue_fen": 52_000_000_000, "assets_fen": 38_000_000_000}}}
			return request{as: applicant, body: body}
		},
		"ListCreditRecords": func() request { return request{as: city, path: map[string]int64{"id": submitted.OrgID}} },
		"AddCreditRecord": func() request {
			return request{as: finance, path: map[string]int64{"id": draft.OrgID}, body: map[string]any{"kind": "tax_violation",
				"start_date": "2024-05-10", "end_date": "2024-05-10", "source": "税务行政处罚决定书"}}
		},

		"ListCalls":  func() request { return request{as: applicant} },
		"GetCall":    func() request { return request{as: reviewer, path: map[string]int64{"id": calls[0].ID}} },
		"CreateCall": func() request { return request{as: city, body: callBody, then: s.captureID("call")} },
		"UpdateCall": func() request {
			callBody["notice"] = "补充通知：材料清单见附件"
			return request{as: city, path: map[string]int64{"id": s.ids["call"]}, body: callBody}
		},

		"ListApplications": func() request {
			return request{as: reviewer, query: url.Values{"state": {"submitted"}, "page": {"1"}, "per_page": {"10"}}}
		},
		"GetApplication": func() request { return request{as: city, path: map[string]int64{"id": approved.ID}} },
		"StartApplication": func() request {
			return request{as: applicant, path: map[string]int64{"id": s.ids["call"]}, then: s.captureID("app")}
		},
		"SaveDraft": func() request {
			return request{as: applicant, path: map[string]int64{"id": s.ids["app"]}, body: draftBody}
		},
		"SubmitApplication": func() request {
			return request{as: applicant, path: map[string]int64{"id": s.ids["app"]}, body: map[string]any{"idempotency_key": "contract-1"}}
		},
		"WithdrawApplication": func() request {
			return request{as: applicant, path: map[string]int64{"id": s.ids["app"]}, body: map[string]any{"reason": "调整方案后另行申报"}}
		},
		"ListAttachments": func() request { return request{as: s.ownerOf(draft), path: map[string]int64{"id": draft.ID}} },
		"UploadAttachment": func() request {
			return request{as: s.ownerOf(draft), path: map[string]int64{"id": draft.ID}, then: s.captureID("attachment"),
				multipart: func() (*bytes.Buffer, string) {
					var b bytes.Buffer
					w := multipart.NewWriter(&b)
					w.WriteField("kind", app.OtherMaterial)
					fw, _ := w.CreateFormFile("file", "说明.pdf")
					fw.Write(pdf())
					w.Close()
					return &b, w.FormDataContentType()
				}}
		},
		"DownloadAttachment": func() request {
			return request{as: s.ownerOf(draft), path: map[string]int64{"id": draft.ID, "attachment_id": s.ids["attachment"]}}
		},
		"DeleteAttachment": func() request {
			return request{as: s.ownerOf(draft), path: map[string]int64{"id": draft.ID, "attachment_id": s.ids["attachment"]}}
		},
		"ListNotifications": func() request { return request{as: s.ownerOf(submitted)} },

		"DistrictReview": func() request {
			return request{as: reviewer, path: map[string]int64{"id": submitted.ID},
				body: map[string]any{"action": "recommend", "reason": "材料齐全，同意推荐", "idempotency_key": "contract-review"}}
		},
		"ListLetters":  func() request { return request{as: reviewer} },
		"GetLetter":    func() request { return request{as: finance, path: map[string]int64{"id": letters[0].ID}} },
		"CreateLetter": func() request { return request{as: reviewer, body: map[string]any{"call_id": submitted.CallID}} },

		"ListExperts": func() request { return request{as: city, query: url.Values{"q": {""}}} },
		"ListPanels":  func() request { return request{as: city} },
		"GetPanel":    func() request { return request{as: city, path: map[string]int64{"id": panel.ID}} },
		"CreatePanel": func() request {
			return request{as: city, body: map[string]any{"call_id": recommended.CallID, "application_ids": []int64{recommended.ID},
				"size": 3, "seed": "20260301"}}
		},
		"ListExpertAssignments": func() request { return request{as: scorer} },
		"GetExpertTask":         func() request { return request{as: scorer, path: panelApp} },
		"DeclareConflict": func() request {
			return request{as: scorer, path: panelApp, body: map[string]any{"conflict": false}}
		},
		"SaveScores": func() request {
			return request{as: scorer, path: panelApp, body: map[string]any{"scores": scores, "investments": investments, "comment": "同意"}}
		},
		"FinaliseReview": func() request {
			return request{as: city, path: panelApp, body: map[string]any{"idempotency_key": "contract-final"}}
		},

		"ListRecheckQueue": func() request { return request{as: finance} },
		"GetRecheck":       func() request { return request{as: finance, path: map[string]int64{"id": reviewed.ID}} },
		"SignRecheck": func() request {
			return request{as: finance, path: map[string]int64{"id": reviewed.ID}, body: map[string]any{"pass": true, "opinion": "资金来源合规，同意"}}
		},

		"ListPublicityBatches": func() request { return request{as: city} },
		"CreatePublicityBatch": func() request {
			return request{as: city, body: map[string]any{"title": "接口测试公示", "start_date": s.today()}, then: s.captureID("batch")}
		},
		"GetPublicityBatch":       func() request { return request{as: city, path: map[string]int64{"id": s.ids["batch"]}} },
		"ListPublicityItems":      func() request { return request{as: city, path: map[string]int64{"id": public.BatchID}} },
		"ListPublicityCandidates": func() request { return request{as: city} },
		"PublishApplication": func() request {
			// The application the re-check just passed.
			return request{as: city, path: map[string]int64{"id": s.ids["batch"]}, body: map[string]any{"application_id": reviewed.ID}}
		},
		"ClosePublicityBatch": func() request {
			// Its periods have not ended: refused, and nothing changes.
			return request{as: city, path: map[string]int64{"id": s.ids["batch"]}, want: http.StatusConflict}
		},
		"ApproveBatchWithScan": func() request {
			return request{as: city, path: map[string]int64{"id": passedItem.BatchID}, then: s.capture("approval", "approval_id"),
				multipart: form(map[string]string{"doc_number": "长府批〔2026〕8号", "doc_date": s.today(), "idempotency_key": "contract-approve"},
					"批复.pdf", pdf())}
		},
		"ApproveBatch": func() request {
			// The scanned approval above approved the batch: nothing is left to approve.
			return request{as: city, path: map[string]int64{"id": passedItem.BatchID},
				body: map[string]any{"doc_number": "长府批〔2026〕9号", "doc_date": s.today()}, want: http.StatusConflict}
		},
		"ListObjections": func() request { return request{as: city, query: url.Values{"state": {"dismissed"}}} },
		"GetObjection":   func() request { return request{as: city, path: map[string]int64{"id": objections[0].ID}} },
		"DecideObjection": func() request {
			if len(openObjections) == 0 {
				return request{as: city, path: map[string]int64{"id": objections[0].ID}, body: map[string]any{"upheld": false, "finding": "经核查不成立"},
					want: http.StatusConflict}
			}
			return request{as: city, path: map[string]int64{"id": openObjections[0].ID}, body: map[string]any{"upheld": false, "finding": "经核查，异议所述情况不属实"}}
		},
		"ListAwards": func() request { return request{as: s.ownerOf(approved)} },

		"ListPublicItems":      func() request { return request{} },
		"ListPublicBatches":    func() request { return request{query: url.Values{"state": {"open"}}} },
		"GetPublicBatch":       func() request { return request{path: map[string]int64{"id": public.BatchID}} },
		"ListPublicBatchItems": func() request { return request{path: map[string]int64{"id": public.BatchID}} },
		"LodgeObjection": func() request {
			return request{path: map[string]int64{"id": public.BatchID}, body: map[string]any{"item_id": public.ID, "name": "张三",
				"contact": "13900000000", "reason": "该企业申报的改造项目实际尚未实施完成，请核查。"}}
		},
		"LodgeObjectionWithEvidence": func() request {
			return request{path: map[string]int64{"id": public.BatchID}, then: s.captureID("objection"),
				multipart: form(map[string]string{"item_id": itoa64(public.ID), "name": "李四", "contact": "13900000001",
					"reason": "该企业申报的设备采购发票与实际到货不符，附现场照片。"}, "现场照片.pdf", pdf())}
		},

		"GetBudget":          func() request { return request{as: finance, query: url.Values{"year": {itoa(year)}}} },
		"ListBudgetReleases": func() request { return request{as: city} },
		"ListBudgetTargets":  func() request { return request{as: finance} },
		"ReleaseBudget": func() request {
			return request{as: finance, body: map[string]any{"year": year, "source": "city", "doc_number": "长财预〔2026〕99号",
				"doc_date": s.today(), "amount_fen": 100_000_000}}
		},
		"AddBudgetTarget": func() request {
			return request{as: finance, body: map[string]any{"year": year, "indicator": "改造企业数", "target_value": "≥ 50", "unit": "家",
				"source_doc": "长财预〔2026〕99号"}}
		},
		"AllocateBudget": func() request {
			return request{as: finance, body: map[string]any{"year": year, "source": "city", "category": "7.1", "amount_fen": 10_000_000,
				"idempotency_key": "contract-alloc"}}
		},
		"ListPlans": func() request { return request{as: inspector} },
		"GetPlan":   func() request { return request{as: city, path: map[string]int64{"id": plans[0].ID}} },
		"ProposePlan": func() request {
			// The awards the approval above created, paid in full.
			var items []map[string]any
			awards, _, _, err := f.db.FindAwards(ctx, store.AwardFilter{Page: store.Page{Limit: 200}})
			if err != nil {
				f.t.Fatal(err)
			}
			for _, a := range awards {
				if a.ApplicationID == passed.ID {
					items = append(items, map[string]any{"award_id": a.ID, "amount_fen": a.AmountFen})
					s.ids["award"] = a.ID
				}
			}
			return request{as: city, body: map[string]any{"year": year, "title": "接口测试拨付计划", "items": items}, then: s.captureID("plan")}
		},
		"DecidePlan": func() request {
			return request{as: finance, path: map[string]int64{"id": s.ids["plan"]}, body: map[string]any{"approve": true}}
		},
		"CreatePaymentBatch": func() request {
			return request{as: finance, body: map[string]any{"plan_id": s.ids["plan"]}, then: s.captureID("pbatch")}
		},
		"GetPaymentBatch":   func() request { return request{as: admin, path: map[string]int64{"id": s.ids["pbatch"]}} },
		"IssuePaymentBatch": func() request { return request{as: finance, path: map[string]int64{"id": s.ids["pbatch"]}} },
		"ListPaymentInstructions": func() request {
			return request{as: finance, query: url.Values{"batch_id": {itoa64(s.ids["pbatch"])}}, then: func(b []byte) {
				var page struct {
					Items []struct {
						ID           int64  `json:"id"`
						DistrictCode string `json:"district_code"`
					} `json:"items"`
				}
				json.Unmarshal(b, &page)
				if len(page.Items) > 0 {
					s.ids["instruction"] = page.Items[0].ID
					s.ids["payer"] = 0
					if d := page.Items[0].DistrictCode; d != "" {
						s.ids["payer"] = f.user(f.official(dtfund.RoleDistrictFinance, d)).ID
					}
				}
			}}
		},
		"ConfirmReceipt": func() request {
			return request{as: s.payer(), path: map[string]int64{"id": s.ids["instruction"]}}
		},
		"RecordPayout": func() request {
			return request{as: s.payer(), path: map[string]int64{"id": s.ids["instruction"]}, body: map[string]any{"bank_ref": "CCB2026000123"}}
		},
		"RevokeAward": func() request {
			return request{as: city, path: map[string]int64{"id": s.ids["award"]}, body: map[string]any{"reason": "项目未按计划实施",
				"article": "第二十条", "due_date": calendar.DateOf(now).AddDays(30).String()}}
		},
		"ListReceivables": func() request { return request{as: finance, query: url.Values{"overdue": {"false"}}} },
		"RecordRepayment": func() request {
			return request{as: finance, path: map[string]int64{"id": s.ids["award"]}, body: map[string]any{"amount_fen": 100,
				"paid_on": s.today(), "bank_ref": "BOC2026000456", "idempotency_key": "contract-repay"}}
		},

		"GetExecutionReport": func() request { return request{as: inspector, query: url.Values{"by": {"category"}}} },
		"GetReconciliation":  func() request { return request{as: admin} },
		"GetRecipientLedger": func() request { return request{as: city, path: map[string]int64{"id": approvedAward.OrgID}} },
		"GetStatistics":      func() request { return request{as: reviewer} },
		"ListAudit":          func() request { return request{as: admin, query: url.Values{"action": {"application."}}} },

		"EvaluatePolicy": func() request { return request{body: json.RawMessage(policy.ExampleInput)} },
	}
	s.laterParts(ctx, now, panel.ID, public.BatchID, approved.ID, calls)
	return s
}

// payer is the district finance official who pays the instruction (or, for
// a recipient outside Changchun paid by the city directly, any one: the
// call is then refused).
func (s *scenarios) payer() string {
	if id := s.ids["payer"]; id != 0 {
		u, err := s.f.db.User(context.Background(), id)
		if err != nil {
			s.f.t.Fatal(err)
		}
		return u.Username
	}
	return defaultUser[dtfund.RoleDistrictFinance]
}

// TestDocumentMatchesRouter fails when a route under /api/v1 is missing
// from the document, or the document lists an operation the server does
// not route.
func TestDocumentMatchesRouter(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	doc := f.document()
	routed := map[string]bool{}
	for _, p := range routesUnderAPI(f) {
		routed[p] = true
		method, path, _ := strings.Cut(p, " ")
		if doc.Paths[path][strings.ToLower(method)] == nil {
			t.Errorf("route %s is not in the OpenAPI document", p)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if key := strings.ToUpper(method) + " " + path; !routed[key] {
				t.Errorf("the document lists %s, which the server does not route", key)
			}
		}
	}
	if len(routed) != len(api.Operations()) {
		t.Errorf("%d routes under %s, %d operations", len(routed), api.Prefix, len(api.Operations()))
	}
}
