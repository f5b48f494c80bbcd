package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/policy"
)

// seeded is a freshly seeded demo on db.
type seeded struct {
	a        *app.App
	db       *store.DB
	accounts []demo.Account
	started  time.Time
}

func seed(t *testing.T, db *store.DB) *seeded {
	t.Helper()
	a := app.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.Hasher = app.NewTestPasswordHasher()
	a.FilesDir = t.TempDir()
	s := &seeded{a: a, db: db, started: time.Now()}
	var err error
	if s.accounts, err = demo.Seed(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(s.started))
	return s
}

// actor is the demo user named username, as the web layer would build it.
func (s *seeded) actor(t *testing.T, username string) app.Actor {
	t.Helper()
	u, _, err := s.db.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("demo user %s: %v", username, err)
	}
	return app.Actor{User: u}
}

// inState returns the applications in state.
func (s *seeded) inState(t *testing.T, state dtfund.AppState) []*dtfund.Application {
	t.Helper()
	apps, _, err := s.db.FindApplications(context.Background(), store.ApplicationFilter{States: []dtfund.AppState{state},
		Page: store.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return apps
}

// one returns the single application in state among those applied for
// (the pre-built history's; awards proposed by a ranking or a 免申即享 match
// are not), failing unless exactly one.
func (s *seeded) one(t *testing.T, state dtfund.AppState) *dtfund.Application {
	t.Helper()
	apps := slices.DeleteFunc(s.inState(t, state), func(ap *dtfund.Application) bool { return ap.Origin != dtfund.OriginApplied })
	if len(apps) != 1 {
		t.Fatalf("%d applications %s, want 1", len(apps), state)
	}
	full, err := s.db.Application(context.Background(), apps[0].ID, store.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return full
}

func TestSeed(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		s := seed(t, db)
		t.Run("accounts", s.testAccounts)
		t.Run("organisations", s.testOrganisations)
		t.Run("every state", s.testStates)
		t.Run("history", s.testHistory)
		t.Run("experts", s.testExperts)
		t.Run("assessments", s.testAssessments)
		t.Run("open calls", s.testOpenCalls)
		t.Run("providers and rankings", s.testProviders)
		t.Run("clock restored", s.testClock)
		t.Run("audit chain", s.testAudit)
		t.Run("免申即享", s.testMatching) // matching_test.go
		t.Run("supervision", s.testSupervision)
		t.Run("projects", s.testProjects) // projects_test.go
	})
}

func (s *seeded) testAccounts(t *testing.T) {
	ctx := context.Background()
	roles := map[dtfund.Role]bool{}
	for _, acc := range s.accounts {
		roles[acc.Role] = true
		if _, _, err := s.a.Login(ctx, acc.Username, demo.Password, "127.0.0.1", "test"); err != nil {
			t.Errorf("demo account %s cannot log in: %v", acc.Username, err)
		}
	}
	for _, r := range dtfund.Roles {
		if !roles[r] {
			t.Errorf("no demo account for role %s", r)
		}
	}
}

func (s *seeded) testOrganisations(t *testing.T) {
	orgs, total, err := s.db.FindOrganizations(context.Background(), store.OrgFilter{Page: store.Page{Limit: 200}})
	if err != nil || total < 20 {
		t.Fatalf("demo organisations: %d, %v", total, err)
	}
	outside, providers := 0, 0
	for _, o := range orgs {
		if o.DistrictCode == "" {
			outside++
		}
		if o.IsProvider {
			providers++
		}
	}
	if outside < 2 || providers < 4 {
		t.Fatalf("want providers from outside Changchun: outside=%d providers=%d", outside, providers)
	}
}

func (s *seeded) testStates(t *testing.T) {
	for _, st := range dtfund.AppStates {
		if len(s.inState(t, st)) == 0 {
			t.Errorf("no demo application in state %s (%s)", st, st.Label())
		}
	}
	var districts []string
	for _, ap := range s.inState(t, dtfund.StateSubmitted) {
		districts = append(districts, ap.DistrictCode)
	}
	if !slices.Contains(districts, "220174") || !slices.Contains(districts, "220173") {
		t.Errorf("submitted applications in districts %v, want one waiting for 汽开区 and one for 高新区", districts)
	}
}

// testHistory checks that the pre-built applications carry what their
// states promise: reasons, letters, opinions, signatures, findings.
func (s *seeded) testHistory(t *testing.T) {
	ctx := context.Background()
	city := s.actor(t, "shigongxin")
	returned := s.one(t, dtfund.StateReturned)
	if ev := s.lastEvent(t, returned.ID); ev.To != dtfund.StateReturned || ev.Reason == "" {
		t.Errorf("returned application's last event: %+v, want a return with its reason", ev)
	}
	if _, err := s.a.Application(ctx, s.actor(t, "fujin"), returned.ID); err != nil {
		t.Errorf("the returned application's applicant cannot see it: %v", err)
	}
	if ev := s.lastEvent(t, s.one(t, dtfund.StateNotRecommended).ID); ev.Citation != "第十三条" {
		t.Errorf("refusal cites %q, want 第十三条", ev.Citation)
	}
	wantFailing(t, s.one(t, dtfund.StateNotRecommended), "第十三条")
	wantFailing(t, s.one(t, dtfund.StateRecheckFailed), "第十一条（一）")
	s.wantInLetter(t, s.one(t, dtfund.StateRecommended).ID)
	op, err := s.a.Opinion(ctx, city, s.one(t, dtfund.StateExpertReview).ID)
	if err != nil || !strings.Contains(op.Pending, "未完成评分") {
		t.Errorf("expert review: opinion %+v, %v; want one expert still to score", op, err)
	}
	sigs, err := s.db.RecheckSignatures(ctx, s.one(t, dtfund.StateReviewed).ID)
	if err != nil || len(sigs) != 1 || sigs[0].Role != dtfund.RoleCityMIIT {
		t.Errorf("reviewed application's signatures: %+v, %v; want the city bureau's only", sigs, err)
	}
	s.wantPublicity(t)
	s.wantAwards(t)
	s.wantPastDates(t)
}

func (s *seeded) lastEvent(t *testing.T, appID int64) dtfund.AppEvent {
	t.Helper()
	evs, err := s.db.Events(context.Background(), appID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %d: %v, %v", appID, evs, err)
	}
	return evs[len(evs)-1]
}

// wantFailing checks that the application's stored decision fails a rule
// of the article.
func wantFailing(t *testing.T, ap *dtfund.Application, article string) {
	t.Helper()
	var d policy.Decision
	if err := json.Unmarshal([]byte(ap.DecisionJSON), &d); err != nil {
		t.Fatalf("decision of %s: %v", ap.Number, err)
	}
	for _, f := range d.Findings {
		if f.Article == article && f.Outcome == policy.Fail {
			return
		}
	}
	t.Errorf("decision of %s (%s) fails no rule of %s: %+v", ap.Number, ap.State, article, d.Findings)
}

func (s *seeded) wantInLetter(t *testing.T, appID int64) {
	t.Helper()
	ctx := context.Background()
	letters, _, err := s.db.FindLetters(ctx, store.LetterFilter{Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		full, err := s.db.Letter(ctx, l.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(full.Items, func(it store.LetterItem) bool { return it.ApplicationID == appID }) {
			return
		}
	}
	t.Errorf("the recommended application is in none of %d letters", len(letters))
}

// wantPublicity: the application in publicity is on the public page with
// one open objection; the one that passed publicity waits for approval.
func (s *seeded) wantPublicity(t *testing.T) {
	ctx := context.Background()
	inPub := s.one(t, dtfund.StateInPublicity)
	items, _, err := s.a.PublicItems(ctx, 0, store.Page{Limit: 50})
	if err != nil || !slices.ContainsFunc(items, func(it *store.PublicityItem) bool { return it.ApplicationID == inPub.ID }) {
		t.Errorf("public page: %d items, %v; want %s on it", len(items), err, inPub.Number)
	}
	open, _, err := s.db.FindObjections(ctx, store.ObjectionFilter{State: store.ObjectionOpen, Page: store.Page{Limit: 50}})
	if err != nil || len(open) != 1 || open[0].ApplicationID != inPub.ID {
		t.Errorf("open objections: %+v, %v; want one, on %s", open, err, inPub.Number)
	}
	upheld, _, err := s.db.FindObjections(ctx, store.ObjectionFilter{State: store.ObjectionUpheld, Page: store.Page{Limit: 50}})
	if err != nil || len(upheld) != 1 || upheld[0].ApplicationID != s.one(t, dtfund.StateObjectionUpheld).ID {
		t.Errorf("upheld objections: %+v, %v", upheld, err)
	}
	batches, _, err := s.db.FindPublicityBatches(ctx, store.BatchFilter{State: store.BatchClosed, Page: store.Page{Limit: 50}})
	if err != nil || len(batches) != 2 {
		t.Errorf("closed batches: %d, %v; want the approved one and the one awaiting approval", len(batches), err)
	}
}

func (s *seeded) wantAwards(t *testing.T) {
	awards, _, _, err := s.db.FindAwards(context.Background(), store.AwardFilter{Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	funds := map[string]bool{}
	for _, aw := range awards {
		funds[aw.FundSource] = true
		if aw.AmountFen <= 0 || aw.DocNumber == "" {
			t.Errorf("award %+v: want an amount and the approval's number", aw)
		}
	}
	// The chain leader's and the large enterprise's, and the five whose
	// projects show acceptance (projects.go).
	if len(awards) != 7 || !funds[store.FundCentral] || !funds[store.FundLocal] {
		t.Errorf("awards %+v: want seven, central-funded and local-funded", awards)
	}
}

// wantPastDates: the history happened before the demo started — submissions
// months ago, the approval weeks ago — and nothing is dated in the future.
func (s *seeded) wantPastDates(t *testing.T) {
	approved := s.inState(t, dtfund.StateApproved)
	for _, ap := range approved {
		evs, _ := s.db.Events(context.Background(), ap.ID)
		first, last := evs[0].At, evs[len(evs)-1].At
		if s.started.Sub(first) < 60*24*time.Hour || s.started.Sub(last) < 7*24*time.Hour {
			t.Errorf("%s submitted %s, approved %s: want months and weeks before %s", ap.Number, first, last, s.started)
		}
	}
	for _, st := range dtfund.AppStates {
		if st == dtfund.StateDraft {
			continue // no events
		}
		for _, ap := range s.inState(t, st) {
			if ev := s.lastEvent(t, ap.ID); !ev.At.Before(s.started) {
				t.Errorf("%s: last event at %s, not before the demo started (%s)", ap.Number, ev.At, s.started)
			}
		}
	}
}

func (s *seeded) testExperts(t *testing.T) {
	experts, _, err := s.db.FindExperts(context.Background(), store.ExpertFilter{Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range experts {
		if e.HasProfile && e.Active && e.Field != "" && e.Affiliation != "" && e.Contact != "" {
			have[e.Username] = true
		}
	}
	for _, name := range []string{"zhuanjia", "zhuanjia2", "zhuanjia3", "zhuanjia4", "zhuanjia5"} {
		if !have[name] {
			t.Errorf("expert %s has no complete pool profile", name)
		}
	}
}

func (s *seeded) testOpenCalls(t *testing.T) {
	calls, _, err := s.db.FindCalls(context.Background(), store.CallFilter{OpenAt: time.Now(), Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range dtfund.CallCategories {
		if !slices.ContainsFunc(calls, func(c *dtfund.Call) bool { return c.Category == cat }) {
			t.Errorf("no open call of category %s", cat)
		}
	}
}

func (s *seeded) testClock(t *testing.T) {
	for name, now := range map[string]time.Time{"app": s.a.Now(), "database": s.db.Now()} {
		if d := time.Since(now); d < -time.Minute || d > time.Minute {
			t.Errorf("%s clock is %s after seeding, want now", name, now)
		}
	}
}

func (s *seeded) testAudit(t *testing.T) {
	v, err := s.db.VerifyAudit(context.Background(), store.AuditHead{})
	if err != nil || !v.OK() || v.Records < 100 {
		t.Fatalf("audit chain: %+v, %v", v, err)
	}
}

// TestSeedPayments checks the demo's money: a plan and a batch paying the
// approved awards, payouts by 汽开区 with bank references, one award revoked
// and partly repaid, and books that reconcile.
func TestSeedPayments(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		s := seed(t, db)
		ctx := context.Background()
		fin := s.actor(t, "shicaizheng")
		plans, n, err := s.a.Plans(ctx, fin, store.Page{})
		if err != nil || n != 1 || plans[0].State != store.PlanApproved || plans[0].BatchID == 0 {
			t.Fatalf("plans: %d %+v %v", n, plans, err)
		}
		ins, _, _, err := s.a.FindInstructions(ctx, fin, store.InstructionFilter{BatchID: plans[0].BatchID, Page: store.Page{Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, in := range ins {
			states[in.State]++
			if in.State == store.InstrPaidOut && in.DistrictCode != "" && in.BankRef == "" {
				t.Errorf("instruction %d paid without a bank reference", in.ID)
			}
		}
		if states[store.InstrPaidOut] == 0 || states[store.InstrRecalled]+states[store.InstrPaidOut] == 0 {
			t.Fatalf("instruction states: %v", states)
		}
		// Two revocations: the one recovered here, and the award of the
		// project terminated after its second failed acceptance (projects.go).
		revs, total, err := s.a.Receivables(ctx, fin, false, store.Page{})
		var repaid *store.Revocation
		for _, r := range revs {
			if r.RecoveredFen > 0 {
				repaid = r
			}
		}
		if err != nil || total != 2 || repaid == nil || repaid.ReceivableFen == 0 || repaid.OutstandFen == 0 ||
			repaid.RecoveredFen+repaid.OutstandFen != repaid.ReceivableFen {
			t.Fatalf("receivables: %d %+v %v", total, revs, err)
		}
		rec, err := s.a.Reconcile(ctx, fin)
		if err != nil || !rec.Holds || rec.PaidOutFen == 0 || rec.RecoveredFen != repaid.RecoveredFen {
			t.Fatalf("reconcile: %+v %v", rec, err)
		}
		t.Logf("demo payments: %d instructions %v, revoked %s, reconcile holds", len(ins), states, repaid.AppNumber)
	})
}

// TestDemoAuditTamperDetected: `dtfund audit verify` passes on the demo and
// names the record changed in a tampered copy.
func TestDemoAuditTamperDetected(t *testing.T) {
	db := testdb.SQLite(t)
	s := seed(t, db)
	ctx := context.Background()
	v, err := s.db.VerifyAudit(ctx, store.AuditHead{})
	if err != nil || !v.OK() {
		t.Fatalf("demo audit chain: %+v, %v", v, err)
	}
	mid := v.Records / 2
	if err := db.ExecForTest(ctx, fmt.Sprintf(`UPDATE audit_log SET after_json = '{"amount_fen":1}' WHERE id = %d`, mid)); err != nil {
		t.Fatal(err)
	}
	v, err = s.db.VerifyAudit(ctx, store.AuditHead{})
	if err != nil || v.OK() || !strings.Contains(strings.Join(v.Problems, "；"), fmt.Sprintf("记录 %d", mid)) {
		t.Fatalf("tampered record %d not named: %+v, %v", mid, v.Problems, err)
	}
}
