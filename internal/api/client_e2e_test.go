package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestClientWalksTheProcess takes one application through 第十四条 and the
// payment with the Go client only, each step by the role that takes it,
// over the real server: the city publishes a call; the applicant drafts,
// attaches and submits (twice with one key: one submission); the district
// recommends and issues the letter; the city draws a panel; the experts
// declare and score; the city finalises; both bureaus sign the re-check;
// the city publishes, closes the publicity after its period and records
// the approval; the money goes through a plan, a batch and the district to
// the applicant. Every state is read back through the API.
func TestClientWalksTheProcess(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		city, finance := f.client("shigongxin"), f.client("shicaizheng")
		applicant, district := f.client("qiye"), f.client("qixian")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		state := func(c *apiclient.Client, id int64, want dtfund.AppState) *apiclient.ApplicationDetail {
			t.Helper()
			a, err := c.GetApplication(ctx, &apiclient.ByID{ID: id})
			must(err)
			if a.State != apiclient.AppState(want) {
				t.Fatalf("application %s is %s, want %s", a.Number, a.State, want)
			}
			return a
		}

		// 第十四条（一）: the call, the draft, the submission.
		now := f.app.Now()
		call, err := city.CreateCall(ctx, &apiclient.CallInput{Category: "7.1", Title: "2026年第二批数字化改造", OpensAt: now.Add(-time.Minute),
			ClosesAt: now.Add(40 * 24 * time.Hour), WindowFrom: "2025-01-01", WindowTo: "2027-12-31", Materials: []string{"申报书"},
			Rubric: apiclient.Rubric{PassMark: 60, Criteria: []apiclient.Criterion{{Name: "方案先进性", Weight: 40}, {Name: "预期成效", Weight: 60}}}})
		must(err)
		if call.Status != "open" {
			t.Fatalf("new call status %s", call.Status)
		}
		draft, err := applicant.StartApplication(ctx, &apiclient.StartInput{CallID: call.ID})
		must(err)
		if draft.State != "draft" || draft.OrgID != f.user("qiye").OrgID {
			t.Fatalf("started %+v", draft.Application)
		}
		content := &apiclient.DraftInput{ID: draft.ID, Title: "冲压车间设备联网改造", Description: "18台压力机联网，建设设备状态监测平台",
			RequestedFen: 5_000_000, Declarations: apiclient.Declarations{Integrity: true, TaxCompliant: true, NoMajorIncident: true},
			Spending: []apiclient.SpendingInput{{Type: "software", Supplier: "长春启明数字科技有限公司", AmountFen: 12_000_000, ContractDate: "2026-13-01"}},
			Goals:    []apiclient.Goal{{Indicator: "设备联网率", Baseline: "10%", Target: "95%"}}}
		// A bad date is refused with the field named, and nothing is saved.
		_, err = applicant.SaveDraft(ctx, content)
		var apiErr *apiclient.Error
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnprocessableEntity || apiErr.Fields["spending.0.contract_date"] == "" {
			t.Fatalf("bad date: %v", err)
		}
		if a := state(applicant, draft.ID, dtfund.StateDraft); a.Title != "" {
			t.Fatalf("refused draft saved: %q", a.Title)
		}
		content.Spending[0].ContractDate = "2026-03-01"
		content.Spending[0].InvoiceDate, content.Spending[0].PaymentDate = "2026-04-01", "2026-04-20"
		_, err = applicant.SaveDraft(ctx, content)
		must(err)
		// Submitting without the call's material says what is missing.
		_, err = applicant.SubmitApplication(ctx, &apiclient.SubmitInput{ID: draft.ID, IdempotencyKey: "walk-1"})
		if !errors.As(err, &apiErr) || apiErr.Fields["attachments"] == "" {
			t.Fatalf("submission without materials: %v", err)
		}
		att, err := applicant.UploadAttachment(ctx, &apiclient.AttachmentUpload{ID: draft.ID, Kind: "申报书",
			File: &apiclient.Upload{Name: "申报书.pdf", Content: bytes.NewReader(pdf())}})
		must(err)
		got, err := applicant.DownloadAttachment(ctx, &apiclient.AttachmentRef{ID: draft.ID, AttachmentID: att.ID})
		must(err)
		if b, _ := io.ReadAll(got.Content); !bytes.Equal(b, pdf()) || got.Name != "申报书.pdf" {
			t.Fatalf("downloaded %q (%d bytes)", got.Name, got.Size)
		}
		for range 2 { // a resent submission is the same submission
			sub, err := applicant.SubmitApplication(ctx, &apiclient.SubmitInput{ID: draft.ID, IdempotencyKey: "walk-1"})
			must(err)
			if sub.State != "submitted" || sub.Version != 1 || sub.Decision == nil || len(sub.Decision.Findings) == 0 {
				t.Fatalf("submitted: state %s, version %d, decision %v", sub.State, sub.Version, sub.Decision)
			}
		}

		// 第十四条（二）: the district recommends and issues the letter.
		queue, err := district.ListApplications(ctx, &apiclient.ApplicationQuery{State: "submitted", CallID: call.ID})
		must(err)
		if queue.Total != 1 || queue.Items[0].ID != draft.ID || len(queue.Items[0].ActionsForYou) != 3 {
			t.Fatalf("district queue: %+v", queue)
		}
		_, err = district.DistrictReview(ctx, &apiclient.DistrictReviewInput{ID: draft.ID, Action: "recommend", Reason: "同意推荐"})
		must(err)
		letter, err := district.CreateLetter(ctx, &apiclient.LetterInput{CallID: call.ID})
		must(err)
		if letter.Count != 1 || letter.Items[0].ApplicationID != draft.ID {
			t.Fatalf("letter: %+v", letter)
		}
		state(city, draft.ID, dtfund.StateRecommended)

		// 第十四条（三）: the panel, the experts, the result.
		panel, err := city.CreatePanel(ctx, &apiclient.PanelInput{CallID: call.ID, ApplicationIDs: []int64{draft.ID}, Size: 3})
		must(err)
		if len(panel.Members) != 3 || !panel.Verified {
			t.Fatalf("panel: %d members, verified %v", len(panel.Members), panel.Verified)
		}
		state(city, draft.ID, dtfund.StateExpertReview)
		for _, m := range panel.Members {
			u, err := f.db.User(ctx, m.ExpertID)
			must(err)
			expert := f.client(u.Username)
			ref := apiclient.PanelAppRef{PanelID: panel.ID, ApplicationID: draft.ID}
			must(expert.DeclareConflict(ctx, &apiclient.ConflictInput{PanelAppRef: ref, Conflict: false}))
			score := 85
			task, err := expert.SaveScores(ctx, &apiclient.ScoreInput{PanelAppRef: ref, Comment: "方案可行",
				Scores:      []apiclient.ScoreEntry{{Score: &score}, {Score: &score}},
				Investments: []apiclient.Approved{{SpendingSeq: 1, ApprovedFen: 10_000_000}}})
			must(err)
			if task.Sheet == nil || task.Sheet.TotalHundredths != 8500 {
				t.Fatalf("expert %s sheet: %+v", u.Username, task.Sheet)
			}
		}
		out, err := city.FinaliseReview(ctx, &apiclient.FinaliseInput{PanelAppRef: apiclient.PanelAppRef{PanelID: panel.ID, ApplicationID: draft.ID}})
		must(err)
		if !out.Passed || out.ResultHundredths != 8500 || out.ApprovedTotalFen != 10_000_000 || out.Application.State != "reviewed" {
			t.Fatalf("outcome: %+v", out)
		}

		// 第十四条（四）: both bureaus sign.
		for i, c := range []*apiclient.Client{city, finance} {
			_, err := c.SignRecheck(ctx, &apiclient.RecheckInput{ID: draft.ID, Pass: true, Opinion: "符合条件", IdempotencyKey: "walk-recheck-" + itoa(i)})
			must(err)
		}
		state(finance, draft.ID, dtfund.StateRechecked)

		// 第十四条（五）（六）: publicity, its period, the approval.
		batch, err := city.CreatePublicityBatch(ctx, &apiclient.PublicityBatchInput{Title: "第二批公示", StartDate: calendar.DateOf(f.app.Now()).String()})
		must(err)
		item, err := city.PublishApplication(ctx, &apiclient.PublishInput{BatchID: batch.ID, ApplicationID: draft.ID})
		must(err)
		if item.AmountFen <= 0 || item.AppState != "in_publicity" {
			t.Fatalf("published: %+v", item)
		}
		public, err := apiclient.New(f.ts.URL, "").ListPublicBatchItems(ctx, &apiclient.BatchItemsQuery{ID: batch.ID})
		must(err)
		if public.Total != 1 || public.Items[0].AmountFen != item.AmountFen {
			t.Fatalf("public list: %+v", public)
		}
		f.advance(21 * 24 * time.Hour) // past the five working days
		closed, err := city.ClosePublicityBatch(ctx, &apiclient.ByID{ID: batch.ID})
		must(err)
		if closed.Passed != 1 {
			t.Fatalf("closed: %+v", closed)
		}
		year := calendar.DateOf(f.app.Now()).Year // the budget of the approval's year, if the walk crossed into a new one
		_, err = finance.ReleaseBudget(ctx, &apiclient.BudgetReleaseInput{Year: year, Source: "central", DocNumber: "财建〔2026〕77号",
			DocDate: calendar.DateOf(f.app.Now()).String(), AmountFen: 100_000_000})
		must(err)
		_, err = finance.AllocateBudget(ctx, &apiclient.AllocationInput{Year: year, Source: "central", Category: "7.1", AmountFen: 90_000_000})
		must(err)
		res, err := city.ApproveBatchWithScan(ctx, &apiclient.ApprovalUpload{BatchID: batch.ID, DocNumber: "长府批〔2026〕21号",
			DocDate: calendar.DateOf(f.app.Now()).String(), IdempotencyKey: "walk-approve",
			File: &apiclient.Upload{Name: "批复.pdf", Content: bytes.NewReader(pdf())}})
		must(err)
		if len(res.Awards) != 1 || res.Awards[0].AmountFen != item.AmountFen {
			t.Fatalf("approval: %+v", res)
		}
		scan, err := city.DownloadApprovalScan(ctx, &apiclient.ByID{ID: res.ApprovalID})
		must(err)
		if b, _ := io.ReadAll(scan.Content); !bytes.Equal(b, pdf()) || scan.Name != "批复.pdf" {
			t.Fatalf("approval scan %q (%d bytes)", scan.Name, scan.Size)
		}
		award := res.Awards[0]
		awards, err := applicant.ListAwards(ctx, &apiclient.Paging{})
		must(err)
		if !containsAward(awards.Items, award.ID) {
			t.Fatalf("the applicant does not see its award: %+v", awards)
		}

		// The money (第六条): plan, batch, the district, the applicant.
		plan, err := city.ProposePlan(ctx, &apiclient.PlanInput{Year: year, Title: "第二批拨付", Items: []apiclient.PlanItemInput{{AwardID: award.ID, AmountFen: award.AmountFen}}})
		must(err)
		_, err = finance.DecidePlan(ctx, &apiclient.PlanDecisionInput{ID: plan.ID, Approve: true})
		must(err)
		pb, err := finance.CreatePaymentBatch(ctx, &apiclient.PaymentBatchInput{PlanID: plan.ID})
		must(err)
		issued, err := finance.IssuePaymentBatch(ctx, &apiclient.ByID{ID: pb.ID})
		must(err)
		if issued.Issued != 1 {
			t.Fatalf("issued: %+v", issued)
		}
		payer := f.client(f.official(dtfund.RoleDistrictFinance, "220174"))
		ins, err := payer.ListPaymentInstructions(ctx, &apiclient.InstructionQuery{BatchID: pb.ID})
		must(err)
		if ins.Total != 1 {
			t.Fatalf("district sees %d instructions", ins.Total)
		}
		must(payer.ConfirmReceipt(ctx, &apiclient.ByID{ID: ins.Items[0].ID}))
		for i := range 2 { // a resent payout posts once
			paid, err := payer.RecordPayout(ctx, &apiclient.PayoutInput{ID: ins.Items[0].ID, BankRef: "CCB20261201"})
			must(err)
			if paid.Replayed != (i == 1) {
				t.Fatalf("payout %d replayed %v", i, paid.Replayed)
			}
		}
		ledger, err := applicant.GetRecipientLedger(ctx, &apiclient.LedgerQuery{ID: award.OrgID})
		must(err)
		if ledger.BalanceFen < award.AmountFen {
			t.Fatalf("recipient balance %d, award %d", ledger.BalanceFen, award.AmountFen)
		}

		// Read back: the applicant's view of the whole story.
		final := state(applicant, draft.ID, dtfund.StateApproved)
		if final.Award == nil || final.Award.ID != award.ID || final.Recommendation == nil || len(final.RecheckSignatures) != 2 {
			t.Fatalf("final detail: award %v, recommendation %v, %d signatures", final.Award, final.Recommendation, len(final.RecheckSignatures))
		}
		var actions []string
		for _, e := range final.Events {
			actions = append(actions, e.Action)
		}
		want := []string{"submit", "recommend", "start_review", "pass_review", "recheck_sign", "recheck_pass", "publish", "close_publicity", "approve"}
		if !sameSequence(actions, want) {
			t.Fatalf("timeline %v, want %v", actions, want)
		}
		if len(final.ActionsForYou) != 0 {
			t.Fatalf("approved application still offers %v", final.ActionsForYou)
		}

		walkAfterAward(t, f, draft.ID)
		walkMatching(t, f)
	})
}

// walkAfterAward goes on with the award of the walk: its retrofit project
// (第十五条、第十九条) through goals and the self-evaluation to the request for
// acceptance; the third-party assessment after the retrofit entered from its
// report; the acceptance, refused before the assessment and passed after it;
// and both bureaus' performance evaluation (第十六条).
func walkAfterAward(t *testing.T, f *fixture, appID int64) {
	t.Helper()
	ctx := context.Background()
	applicant, city, finance, inspector := f.client("qiye"), f.client("shigongxin"), f.client("shicaizheng"), f.client("hecha")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	fieldErr := func(err error, field string) {
		t.Helper()
		var e *apiclient.Error
		if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || e.Fields[field] == "" {
			t.Fatalf("want 422 naming %s, got %v", field, err)
		}
	}
	today := calendar.DateOf(f.app.Now()).String()

	projects, err := applicant.ListProjects(ctx, &apiclient.ProjectQuery{State: "in_progress"})
	must(err)
	var projectID int64
	for _, p := range projects.Items {
		if p.ApplicationID == appID {
			projectID = p.ID
		}
	}
	if projectID == 0 {
		t.Fatalf("no project in progress for the award: %+v", projects.Items)
	}
	p, err := applicant.GetProject(ctx, &apiclient.ByID{ID: projectID})
	must(err)
	if len(p.Goals) != 1 || p.Goals[0].Indicator != "设备联网率" || !p.ActionsForYou.EditPlan || p.ActionsForYou.RequestAcceptance {
		t.Fatalf("new project: goals %+v, actions %+v", p.Goals, p.ActionsForYou)
	}
	p, err = applicant.SaveProjectGoals(ctx, &apiclient.GoalsInput{ProjectID: projectID, Goals: []apiclient.Goal{
		{Indicator: "设备联网率", Baseline: "10%", Target: "95%"}, {Indicator: "设备综合效率", Baseline: "60%", Target: "75%"}}})
	must(err)
	if len(p.Goals) != 2 {
		t.Fatalf("goals: %+v", p.Goals)
	}
	// Without the self-evaluation the request is refused, and says why.
	_, err = applicant.RequestAcceptance(ctx, &apiclient.AcceptanceRequestInput{ProjectID: projectID})
	fieldErr(err, "request")
	_, err = applicant.SaveSelfEvaluation(ctx, &apiclient.SelfEvaluationInput{ProjectID: projectID, Narrative: "压力机全部联网，监测平台上线。",
		Actuals: []apiclient.GoalActual{{Seq: 1, Actual: "96%"}, {Seq: 2, Actual: "77%"}}})
	must(err)
	for range 2 { // a resent request is the same request
		p, err = applicant.RequestAcceptance(ctx, &apiclient.AcceptanceRequestInput{ProjectID: projectID, IdempotencyKey: "walk-request"})
		must(err)
		if p.State != "acceptance_requested" || p.RequestedAt == nil {
			t.Fatalf("requested: %s", p.State)
		}
	}

	// 验收: the call requires the level the assessment after the retrofit reaches.
	accept := &apiclient.AcceptanceInput{ProjectID: projectID, HeldOn: today, Pass: true, Opinion: "改造内容与申报方案一致，同意通过验收。",
		Experts: []string{"陈教授", "刘研究员", "王高工"}, IdempotencyKey: "walk-accept"}
	_, err = city.RecordAcceptance(ctx, accept)
	fieldErr(err, "pass")
	as, err := inspector.RecordAssessmentReport(ctx, &apiclient.AssessmentReportInput{ApplicationID: appID, Phase: "after", AssessedOn: today,
		Assessor: "吉林省中小企业数字化水平评测中心（第三方）", ReportNo: "JLSZ-WALK-0001", ScoreHundredths: 5850, Level: 2})
	must(err)
	if as.Level != 2 || as.Source != "report" || len(as.Findings) == 0 {
		t.Fatalf("assessment: %+v", as)
	}
	res, err := city.RecordAcceptance(ctx, accept)
	must(err)
	if res.Project.State != "accepted" || res.Acceptance == nil || !res.Acceptance.Passed || res.Acceptance.Level == nil ||
		*res.Acceptance.Level != 2 || res.Acceptance.AssessmentID == nil || *res.Acceptance.AssessmentID != as.ID || len(res.Acceptance.Findings) == 0 {
		t.Fatalf("acceptance: %+v", res)
	}
	if res.Acceptance.Findings[0].Outcome != "pass" {
		t.Fatalf("acceptance finding: %+v", res.Acceptance.Findings)
	}

	// 绩效评价 by both bureaus.
	for i, c := range []*apiclient.Client{city, finance} {
		_, err := c.SignEvaluation(ctx, &apiclient.EvaluationInput{ProjectID: projectID, Score: 90 - 4*i, Opinion: "绩效目标实现"})
		must(err)
	}
	p, err = applicant.GetProject(ctx, &apiclient.ByID{ID: projectID})
	must(err)
	if p.EvaluationSummary == nil || p.EvaluationSummary.ScoreHundredths != 8800 || p.EvaluationSummary.Grade != "良" || len(p.Evaluations) != 2 {
		t.Fatalf("evaluation: %+v", p.EvaluationSummary)
	}
	var actions []string
	for _, e := range p.Events {
		actions = append(actions, e.Action)
	}
	if want := []string{"create", "goals", "self_evaluation", "request", "accept", "evaluate", "evaluate"}; !sameSequence(actions, want) {
		t.Fatalf("project timeline %v, want %v", actions, want)
	}
}

// walkMatching is 免申即享 (第十五条): the enterprise the demo's second
// policy proposed confirms with its account and gets an application for the
// joint re-check; the account number is masked for the finance bureau
// until the award is approved and shown in full to the enterprise.
func walkMatching(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	enterprise, finance := f.client("qiye2"), f.client("shicaizheng")
	props, err := enterprise.ListProposals(ctx, &apiclient.ProposalQuery{State: "proposed"})
	if err != nil || props.Total != 1 {
		t.Fatalf("proposals awaiting qiye2: %+v %v", props, err)
	}
	p := props.Items[0]
	app, err := enterprise.ConfirmProposal(ctx, &apiclient.ProposalConfirmation{ID: p.ID, Wish: true, AccountName: p.OrgName,
		BankName: "中国工商银行长春南湖支行", AccountNo: "0712345678901234567"})
	if err != nil {
		t.Fatal(err)
	}
	if app.State != "reviewed" || app.Origin != "matching" || app.RequestedFen != p.AmountFen {
		t.Fatalf("application from the proposal: %+v", app.Application)
	}
	mine, err := enterprise.GetProposal(ctx, &apiclient.ByID{ID: p.ID})
	if err != nil || mine.AccountNo != "0712345678901234567" || !mine.FullAccount || mine.State != "confirmed" {
		t.Fatalf("the enterprise's view: %+v %v", mine, err)
	}
	theirs, err := finance.GetProposal(ctx, &apiclient.ByID{ID: p.ID})
	if err != nil || theirs.AccountNo != "***************4567" || theirs.FullAccount {
		t.Fatalf("the finance bureau's view before approval: %+v %v", theirs, err)
	}
}

func containsAward(as []apiclient.Award, id int64) bool {
	for _, a := range as {
		if a.ID == id {
			return true
		}
	}
	return false
}

func sameSequence(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClientErrors: the client returns the API's error with its status,
// code, fields and request ID; a revoked token stops working at once.
func TestClientErrors(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	ctx := context.Background()
	c := f.client("qiye")
	_, err := c.GetApplication(ctx, &apiclient.ByID{ID: 987654321})
	var e *apiclient.Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "not_found" || e.RequestID == "" {
		t.Fatalf("missing application: %v", err)
	}
	_, err = c.ListApplications(ctx, &apiclient.ApplicationQuery{Paging: apiclient.Paging{PerPage: 101}})
	if !errors.As(err, &e) || e.Status != 400 || e.Fields["per_page"] == "" {
		t.Fatalf("per_page 101: %v", err)
	}
	me, err := c.GetMe(ctx)
	if err != nil || me.Username != "qiye" || me.Role != "applicant" || me.CSRFToken != nil {
		t.Fatalf("me: %+v %v", me, err)
	}
	toks, err := f.app.Tokens(ctx, app.Actor{User: f.user("qiye")}, f.user("qiye").ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens: %v %v", toks, err)
	}
	if _, err := f.app.RevokeToken(ctx, app.Actor{User: f.user("qiye")}, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetMe(ctx)
	if !errors.As(err, &e) || e.Status != 401 || e.Code != "unauthorized" {
		t.Fatalf("revoked token: %v", err)
	}
}
