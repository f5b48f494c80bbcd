package app_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// A run proposes the award to each enterprise that meets the policy,
// explains every exclusion, and running it again proposes nothing new.
func TestMatchingRunIsIdempotentAndExplains(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		large := m.org2(t, "长春大型零部件集团有限公司", "220174", "3670", 2000, 90000)
		food := m.org2(t, "长春食品有限公司", "220106", "1351", 50, 3000)
		applied := m.org2(t, "长春已申报电子有限公司", "220173", "3982", 60, 2000)
		m.org2(t, "长春无云服务配件有限公司", "220174", "3670", 60, 2000) // no adoption: counted, not listed
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.adopt(t, m.org, "设备上云", "2026-09-30", "confirmed")    // last day of the period
		m.adopt(t, m.org, "云PLM", "2026-10-01", "confirmed")    // after it
		m.adopt(t, m.org, "云财务", "2026-03-01", "proposed")      // not confirmed by the enterprise
		m.adopt(t, m.org, "本地部署MES", "2026-03-01", "confirmed") // not a cloud service
		m.adopt(t, large, "云MES", "2026-03-01", "confirmed")
		m.adopt(t, food, "云MES", "2026-03-01", "confirmed")
		m.adopt(t, applied, "云MES", "2026-03-01", "confirmed")
		// The last one already applied under the call itself.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateApplication(ctx, &dtfund.Application{CallID: m.call72.ID, OrgID: applied.ID, DistrictCode: "220173",
				State: dtfund.StateSubmitted, Title: "上云", Subtype: "cloud", RequestedFen: 3 * wan})
		}); err != nil {
			t.Fatal(err)
		}
		p := m.cloudPolicy(t, 10)
		run := m.run(t, p)
		// 甲公司, the provider and the four enterprises above are applicant enterprises.
		if run.Enterprises != 6 || run.Candidates != 4 || run.Matched != 1 || run.Proposed != 1 || run.Deadline != "2026-10-09" ||
			run.AsOf != "2026-09-29" || run.WithoutCloud() != 2 || run.PolicyName != p.Name {
			t.Fatalf("run = %+v", run)
		}
		prop := m.proposalOf(t, m.org)
		if prop.AmountFen != 2*wan || prop.Services != 2 || prop.State != store.ProposalProposed || prop.DistrictCode != "220174" ||
			prop.Deadline != "2026-10-09" || prop.RunID != run.ID {
			t.Fatalf("proposal = %+v", prop)
		}
		if !strings.Contains(prop.FindingsJSON, "云服务2项×每项1万元=2万元") {
			t.Errorf("proposal findings lack the amount rule: %s", prop.FindingsJSON)
		}
		_, results, total, err := m.a.MatchRunDetail(ctx, m.city, store.ResultFilter{RunID: run.ID})
		if err != nil || total != 4 {
			t.Fatalf("results: %d, %v", total, err)
		}
		want := map[int64]struct{ outcome, rule, article, text string }{
			m.org.ID:   {store.OutcomeProposed, "CloudAward", "第七条（二）", "奖补20,000.00元"},
			large.ID:   {store.OutcomeExcluded, "MatchSME", "第五条", "为大型企业"},
			food.ID:    {store.OutcomeExcluded, "MatchIndustry", "第四条", "行业代码1351不属于"},
			applied.ID: {store.OutcomeExcluded, "NoDuplicate", "第十五条", "（已申报）"},
		}
		for _, r := range results {
			w := want[r.OrgID]
			found := false
			for _, f := range r.Findings {
				found = found || f.Rule == w.rule && f.Article == w.article && strings.Contains(f.Message, w.text)
			}
			if r.Outcome != w.outcome || !found {
				t.Errorf("%s: %s, %+v; want %s with %s (%s) saying %q", r.OrgName, r.Outcome, r.Findings, w.outcome, w.rule, w.article, w.text)
			}
			if r.Outcome == store.OutcomeExcluded && len(r.Findings) != 1 {
				t.Errorf("%s: excluded with %d findings, want only the failing one", r.OrgName, len(r.Findings))
			}
		}
		ns, _ := db.Notifications(ctx, 0, m.org.ID, store.Page{})
		if len(ns) != 1 || !strings.Contains(ns[0].Body, "2026-10-09") {
			t.Fatalf("notifications of the matched enterprise: %+v", ns)
		}
		// Run again: the same proposal, nothing new, the match shown as already proposed.
		again := m.run(t, p)
		if again.Matched != 1 || again.Proposed != 0 || again.ID == run.ID {
			t.Fatalf("second run = %+v", again)
		}
		if got := m.proposalOf(t, m.org); got.ID != prop.ID || got.RunID != run.ID {
			t.Fatalf("second run changed the proposal: %+v", got)
		}
		_, results, _, _ = m.a.MatchRunDetail(ctx, m.city, store.ResultFilter{RunID: again.ID, Outcome: "matched"})
		if len(results) != 1 || results[0].Outcome != store.OutcomeAlready || results[0].ProposalID != prop.ID {
			t.Fatalf("second run's match: %+v", results)
		}
		if ns, _ := db.Notifications(ctx, 0, m.org.ID, store.Page{}); len(ns) != 1 {
			t.Errorf("second run notified again: %d notifications", len(ns))
		}
		audits, _ := db.FindAudit(ctx, store.AuditFilter{Action: "matching.run"})
		if len(audits) != 2 {
			t.Errorf("audit records of runs = %d, want 2", len(audits))
		}
	})
}

func TestMatchingPolicyValidationAndRoles(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.a.Acceptances = nil // a deployment without acceptance results refuses the criterion
		in := app.MatchPolicyInput{Name: " ", CallID: m.call.ID, PeriodFrom: "2026-09-30", PeriodTo: "2026-01-01", MinServices: 0,
			ConfirmDays: 91, RequireAcceptance: true}
		_, err := m.a.CreateMatchPolicy(ctx, m.city, in)
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Fatalf("bad policy: %v", err)
		}
		fields := v.ByField()
		for _, k := range []string{"name", "period_to", "min_services", "confirm_days", "require_acceptance"} {
			if fields[k] == "" {
				t.Errorf("no error for %s: %v", k, fields)
			}
		}
		// A call of another category is refused, naming the field.
		in = app.MatchPolicyInput{Name: "上云", CallID: m.call.ID, PeriodFrom: "2026-01-01", PeriodTo: "2026-09-30", MinServices: 1, ConfirmDays: 10}
		var de *dtfund.Error
		if _, err := m.a.CreateMatchPolicy(ctx, m.city, in); !errors.As(err, &de) || de.Field != "call_id" {
			t.Fatalf("7.1 call: %v", err)
		}
		in.CallID = m.call72.ID
		if _, err := m.a.CreateMatchPolicy(ctx, m.finance, in); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("city finance defining a policy: %v", err)
		}
		if _, err := m.a.RunMatching(ctx, m.applicant, 1); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("an enterprise running matching: %v", err)
		}
		if ps, _, _ := db.FindMatchPolicies(ctx, false, store.Page{}); len(ps) != 0 {
			t.Fatalf("refused policies were saved: %d", len(ps))
		}
		// A policy switched off does not run.
		p := m.cloudPolicy(t, 10)
		in.ID, in.Active = p.ID, false
		if _, err := m.a.UpdateMatchPolicy(ctx, m.city, in); err != nil {
			t.Fatal(err)
		}
		if _, err := m.a.RunMatching(ctx, m.city, p.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("running an inactive policy: %v", err)
		}
	})
}

// fakeAcceptances is a test source of acceptance results.
type fakeAcceptances map[int64][]policy.AcceptedProject

func (f fakeAcceptances) AcceptedProjects(context.Context, calendar.Date) (map[int64][]policy.AcceptedProject, error) {
	return f, nil
}

// The acceptance criterion is a hook: with no source it cannot be set;
// with one, only enterprises with an accepted project match.
func TestMatchingAcceptanceHook(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		other := m.org2(t, "长春乙零部件有限公司", "220174", "3670", 60, 2000)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.adopt(t, other, "云MES", "2026-02-01", "confirmed")
		m.a.Acceptances = fakeAcceptances{m.org.ID: {{Project: "SB2025-000001 MES 改造", AcceptedOn: policy.NewDate(2026, 6, 30)}}}
		p, err := m.a.CreateMatchPolicy(ctx, m.city, app.MatchPolicyInput{Name: "验收后上云奖补", CallID: m.call72.ID, PeriodFrom: "2026-01-01",
			PeriodTo: "2026-09-30", MinServices: 1, RequireSME: true, RequirePilot: true, RequireAcceptance: true, ConfirmDays: 10, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		run := m.run(t, p)
		if run.Matched != 1 || m.proposalOf(t, m.org).State != store.ProposalProposed {
			t.Fatalf("run with acceptances = %+v", run)
		}
		_, res, _, _ := m.a.MatchRunDetail(ctx, m.city, store.ResultFilter{RunID: run.ID, Outcome: store.OutcomeExcluded})
		if len(res) != 1 || res[0].OrgID != other.ID || res[0].Findings[0].Rule != "AcceptedRetrofit" {
			t.Fatalf("excluded without an accepted project: %+v", res)
		}
		// Unwired again: the run says the results are not available and proposes nobody.
		m.a.Acceptances = nil
		run = m.run(t, p)
		_, res, _, _ = m.a.MatchRunDetail(ctx, m.city, store.ResultFilter{RunID: run.ID, Outcome: store.OutcomeExcluded})
		if run.Proposed != 0 || run.Matched != 0 || len(res) != 2 {
			t.Fatalf("run without a source: %+v, %+v", run, res)
		}
		for _, r := range res {
			if len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, "验收结果尚未接入本系统") {
				t.Errorf("%s excluded with %+v", r.OrgName, r.Findings)
			}
		}
	})
}

// A proposal lapses from 00:00 (Shanghai) of the day after its last day,
// not before; lapsing is idempotent, audited and told to the enterprise.
func TestProposalLapsesAfterTheDeadline(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.run(t, m.cloudPolicy(t, 10)) // last day 2026-10-09
		prop := m.proposalOf(t, m.org)
		m.setClock(atShanghai(t, "2026-10-09 23:59"))
		if n, err := m.a.LapseProposals(ctx, m.city); err != nil || n != 0 {
			t.Fatalf("lapse on the last day: %d, %v", n, err)
		}
		if n, _ := m.a.AwaitingProposals(ctx, m.applicant); n != 1 {
			t.Errorf("awaiting on the last day = %d, want 1", n)
		}
		m.setClock(atShanghai(t, "2026-10-10 00:00")) // 2026-10-09 16:00 UTC
		if n, _ := m.a.AwaitingProposals(ctx, m.applicant); n != 0 {
			t.Errorf("awaiting after the last day = %d, want 0", n)
		}
		// Too late to confirm even before the job has marked it.
		if _, err := m.a.ConfirmProposal(ctx, m.applicant, m.goodAccount(prop.ID)); dtfund.ErrorCode(err) != dtfund.ECONFLICT ||
			!strings.Contains(err.Error(), "2026-10-09") {
			t.Fatalf("late confirmation: %v", err)
		}
		if n, err := m.a.LapseProposals(ctx, app.SystemActor("scheduler")); err != nil || n != 1 {
			t.Fatalf("lapse after the last day: %d, %v", n, err)
		}
		if n, err := m.a.LapseProposals(ctx, m.city); err != nil || n != 0 {
			t.Fatalf("second lapse: %d, %v", n, err)
		}
		if got := m.proposalOf(t, m.org); got.State != store.ProposalLapsed || got.ApplicationID != 0 {
			t.Fatalf("proposal = %+v", got)
		}
		audits, _ := db.FindAudit(ctx, store.AuditFilter{Action: "matching.lapse"})
		ns, _ := db.Notifications(ctx, 0, m.org.ID, store.Page{})
		if len(audits) != 1 || len(ns) != 2 || !strings.Contains(ns[0].Subject+ns[1].Subject, "已失效") {
			t.Fatalf("lapse: %d audit records, notifications %+v", len(audits), ns)
		}
		if _, err := m.a.LapseProposals(ctx, m.applicant); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("an enterprise lapsing proposals: %v", err)
		}
	})
}

// Bad confirmations are refused field by field and write nothing; only
// the enterprise itself can confirm or decline.
func TestConfirmProposalValidationAndScope(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.run(t, m.cloudPolicy(t, 10))
		prop := m.proposalOf(t, m.org)
		bad := app.ProposalConfirmation{ProposalID: prop.ID, AccountName: "乙公司", BankName: "", AccountNo: "6222-12ab"}
		_, err := m.a.ConfirmProposal(ctx, m.applicant, bad)
		var v dtfund.ValidationErrors
		if !errors.As(err, &v) {
			t.Fatalf("bad confirmation: %v", err)
		}
		fields := v.ByField()
		if !strings.Contains(fields["account_name"], "与单位名称“甲公司”不一致") || fields["wish"] == "" || fields["bank_name"] == "" ||
			fields["account_no"] == "" {
			t.Fatalf("field errors = %v", fields)
		}
		// Nothing written: still awaiting, no application, no audit record.
		if got := m.proposalOf(t, m.org); got.State != store.ProposalProposed || got.ApplicationID != 0 || got.AccountNo != "" {
			t.Fatalf("refused confirmation changed the proposal: %+v", got)
		}
		if apps, _, _ := db.FindApplications(ctx, store.ApplicationFilter{CallID: m.call72.ID}); len(apps) != 0 {
			t.Fatalf("refused confirmation made %d applications", len(apps))
		}
		if a, _ := db.FindAudit(ctx, store.AuditFilter{Action: "matching.confirm"}); len(a) != 0 {
			t.Fatal("refused confirmation audited")
		}
		// Another enterprise does not find it; an official may not confirm.
		stranger := m.user(t, m.org2(t, "长春丙电子有限公司", "220173", "3982", 50, 1000))
		if _, err := m.a.ConfirmProposal(ctx, stranger, m.goodAccount(prop.ID)); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another enterprise confirming: %v", err)
		}
		if err := m.a.DeclineProposal(ctx, stranger, prop.ID, ""); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another enterprise declining: %v", err)
		}
		if _, err := m.a.Proposal(ctx, stranger, prop.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another enterprise viewing: %v", err)
		}
		if _, err := m.a.Proposal(ctx, m.other, prop.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district viewing: %v", err)
		}
		if _, err := m.a.ConfirmProposal(ctx, m.district, m.goodAccount(prop.ID)); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("a district official confirming: %v", err)
		}
		// Half-width brackets in the name and spaces in the number are fine;
		// a resent confirmation returns the same application.
		good := m.goodAccount(prop.ID)
		first, err := m.a.ConfirmProposal(ctx, m.applicant, good)
		if err != nil {
			t.Fatal(err)
		}
		again, err := m.a.ConfirmProposal(ctx, m.applicant, good)
		if err != nil || again.ID != first.ID {
			t.Fatalf("resent confirmation: %v, %v", again, err)
		}
		got := m.proposalOf(t, m.org)
		if got.State != store.ProposalConfirmed || got.ApplicationID != first.ID || got.AccountNo != "4200224309200012345" ||
			got.AccountName != "甲公司" {
			t.Fatalf("confirmed proposal = %+v", got)
		}
		// Officials see the number masked; the enterprise sees it.
		view, err := m.a.Proposal(ctx, m.district, prop.ID)
		if err != nil || view.AccountNo != "***************2345" || view.FullAccount {
			t.Fatalf("district's view of the account: %q, %v", view.AccountNo, err)
		}
		if own, _ := m.a.Proposal(ctx, m.applicant, prop.ID); own.AccountNo != "4200224309200012345" {
			t.Errorf("enterprise's view of its account: %q", own.AccountNo)
		}
		audits, _ := db.FindAudit(ctx, store.AuditFilter{Action: "matching.confirm"})
		if len(audits) != 1 || strings.Contains(audits[0].After, "4200224309200012345") || !strings.Contains(audits[0].After, "2345") {
			t.Fatalf("confirmation audit (number must be masked): %+v", audits)
		}
		if err := m.a.DeclineProposal(ctx, m.applicant, prop.ID, "改主意"); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("declining a confirmed proposal: %v", err)
		}
	})
}

func TestDeclineProposal(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		p := m.cloudPolicy(t, 10)
		m.run(t, p)
		prop := m.proposalOf(t, m.org)
		if err := m.a.DeclineProposal(ctx, m.applicant, prop.ID, strings.Repeat("长", 201)); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("too long a reason: %v", err)
		}
		if err := m.a.DeclineProposal(ctx, m.applicant, prop.ID, "已获其他渠道支持"); err != nil {
			t.Fatal(err)
		}
		if err := m.a.DeclineProposal(ctx, m.applicant, prop.ID, "已获其他渠道支持"); err != nil {
			t.Fatalf("declining again: %v", err)
		}
		got := m.proposalOf(t, m.org)
		if got.State != store.ProposalDeclined || got.DeclineReason != "已获其他渠道支持" || got.DecidedBy != m.applicant.User.ID {
			t.Fatalf("declined proposal = %+v", got)
		}
		if _, err := m.a.ConfirmProposal(ctx, m.applicant, m.goodAccount(prop.ID)); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("confirming a declined proposal: %v", err)
		}
		// A later run does not propose it again.
		if r := m.run(t, p); r.Proposed != 0 || r.Matched != 1 {
			t.Fatalf("run after the refusal: %+v", r)
		}
		if a, _ := db.FindAudit(ctx, store.AuditFilter{Action: "matching.decline"}); len(a) != 1 {
			t.Fatalf("decline audit records: %d", len(a))
		}
	})
}

// A confirmed proposal is an application in 评审通过 that passes the joint
// re-check on today's facts, publicity and approval, and is awarded the
// proposed amount from the central 第七条（二） line.
func TestConfirmedProposalThroughRecheckPublicityApproval(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		m.adopt(t, m.org, "云MES", "2026-02-01", "confirmed")
		m.adopt(t, m.org, "设备上云", "2026-03-01", "confirmed")
		m.run(t, m.cloudPolicy(t, 10))
		prop := m.proposalOf(t, m.org)
		ap, err := m.a.ConfirmProposal(ctx, m.applicant, m.goodAccount(prop.ID))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := m.a.Application(ctx, m.city, ap.ID)
		if got.State != dtfund.StateReviewed || got.Origin != dtfund.OriginMatching || got.OriginRef != "matching:"+strconv.FormatInt(prop.ID, 10) ||
			got.RequestedFen != 2*wan || got.Subtype != "cloud" || got.CallID != m.call72.ID || !got.Declarations.Integrity {
			t.Fatalf("application = %+v", got)
		}
		// The enterprise cannot start its own application under the same call now.
		if _, err := m.a.StartApplication(ctx, m.applicant, m.call72.ID); err == nil {
			t.Fatal("a second application under the call was allowed")
		}
		info, err := m.a.Recheck(ctx, m.finance, ap.ID)
		if err != nil || !info.Decision.CentralEligible || info.Decision.MaxSubsidyFen != 2*wan || info.Decision.MinSubsidyFen != wan {
			t.Fatalf("re-check decision: %+v, %v", info.Decision, err)
		}
		for _, who := range []app.Actor{m.city, m.finance} {
			if _, err := m.a.SignRecheck(ctx, who, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "免申即享数据核实无误"}); err != nil {
				t.Fatalf("sign as %s: %v", who.User.Role, err)
			}
		}
		if s := m.state(t, ap.ID); s != dtfund.StateRechecked {
			t.Fatalf("after the re-check: %s", s)
		}
		// Not paid yet: the finance bureau gets no account.
		if _, err := m.a.PaymentAccount(ctx, m.finance, ap.ID); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("account before approval: %v", err)
		}
		b := closedBatch(t, m.processFixture, got)
		res, err := m.a.ApproveBatch(ctx, m.city, app.ApprovalInput{BatchID: b.ID, DocNumber: "长府批〔2026〕30号", DocDate: "2026-10-13"})
		if err != nil || len(res.Awards) != 1 {
			t.Fatalf("approve: %+v, %v", res, err)
		}
		aw, err := db.AwardOfApp(ctx, ap.ID)
		if err != nil || aw.AmountFen != 2*wan || aw.Category != "7.2" || aw.FundSource != store.FundCentral || aw.OrgID != m.org.ID {
			t.Fatalf("award = %+v, %v", aw, err)
		}
		acc, err := m.a.PaymentAccount(ctx, m.finance, ap.ID)
		if err != nil || acc.Number != "4200224309200012345" || acc.Name != "甲公司" {
			t.Fatalf("payment account: %+v, %v", acc, err)
		}
		if view, _ := m.a.Proposal(ctx, m.finance, prop.ID); !view.FullAccount || view.AppState != dtfund.StateApproved {
			t.Errorf("finance bureau's view after approval: %+v", view)
		}
		if view, _ := m.a.Proposal(ctx, m.city, prop.ID); view.FullAccount {
			t.Error("the industry bureau sees the full account number")
		}
		verifyBooks(t, db)
	})
}

// A benchmark (标杆, 5–20万元) is applied for and goes through the normal
// process; a request below 5万元 cannot pass the re-check, and publicity
// cannot propose less than 5万元.
func TestBenchmarkFloorThroughTheProcess(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMatchFixture(t, db)
		bench := func(requested int64) *dtfund.Application {
			ap := &dtfund.Application{CallID: m.call72.ID, OrgID: m.org.ID, DistrictCode: m.org.DistrictCode, State: dtfund.StateDraft,
				Title: "汽车零部件工业互联网平台标杆", Subtype: "benchmark", RequestedFen: requested,
				Declarations: dtfund.Declarations{Integrity: true}}
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
				t.Fatal(err)
			}
			for _, s := range []struct {
				who app.Actor
				act dtfund.AppAction
			}{{m.applicant, dtfund.ActSubmit}, {m.district, dtfund.ActRecommend}, {m.city, dtfund.ActStartReview}, {m.city, dtfund.ActPassReview}} {
				if _, err := m.a.Act(ctx, s.who, app.Step{AppID: ap.ID, Action: s.act}); err != nil {
					t.Fatalf("%s: %v", s.act, err)
				}
			}
			return ap
		}
		low := bench(3 * wan)
		_, err := m.a.SignRecheck(ctx, m.city, app.RecheckSign{AppID: low.ID, Pass: true, Opinion: "同意"})
		var de *dtfund.Error
		if !errors.As(err, &de) || de.Field != "pass" || !strings.Contains(de.Message, "低于标准下限5万元") {
			t.Fatalf("passing a 3万 benchmark: %v", err)
		}
		ap := bench(12 * wan)
		for _, who := range []app.Actor{m.city, m.finance} {
			if _, err := m.a.SignRecheck(ctx, who, app.RecheckSign{AppID: ap.ID, Pass: true, Opinion: "标杆成效显著"}); err != nil {
				t.Fatalf("sign as %s: %v", who.User.Role, err)
			}
		}
		fundBudget(t, m.a, m.finance, 2026)
		b := m.batch(t, "2026-09-30")
		under := int64(4 * wan)
		if _, err := m.a.Publish(ctx, m.city, app.Publication{BatchID: b.ID, AppID: ap.ID, AmountFen: &under}); !errors.As(err, &de) ||
			de.Field != "amount" || !strings.Contains(de.Message, "50000.00") {
			t.Fatalf("publishing 4万 for a benchmark: %v", err)
		}
		floor := int64(5 * wan)
		it, err := m.a.Publish(ctx, m.city, app.Publication{BatchID: b.ID, AppID: ap.ID, AmountFen: &floor})
		if err != nil || it.AmountFen != 5*wan {
			t.Fatalf("publishing 5万: %+v, %v", it, err)
		}
	})
}
