package demo_test

import (
	"context"
	"strings"
	"testing"

	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// testProjects checks the demo's retrofit projects: one per award, every
// state shown, the stories the account notes tell (re-accepted after
// rectification; terminated with its award revoked and recovered; overdue),
// both bureaus' evaluation, 第十条（三） fed from the records, and the pilot view.
func (s *seeded) testProjects(t *testing.T) {
	ctx := context.Background()
	city := s.actor(t, "shigongxin")
	ps, total, err := s.a.FindProjects(ctx, city, store.ProjectFilter{Page: store.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	_, awards, _, _ := s.db.FindAwards(ctx, store.AwardFilter{})
	if total != awards {
		t.Fatalf("%d projects for %d awards", total, awards)
	}
	states := map[string]int{}
	for _, p := range ps {
		states[p.State]++
	}
	for _, st := range store.ProjectStates {
		if states[st] == 0 {
			t.Errorf("no demo project %s (%s): %v", st, store.ProjectStateLabel(st), states)
		}
	}
	of := func(user string) *store.Project {
		t.Helper()
		u := s.actor(t, user)
		got, n, err := s.a.FindProjects(ctx, u, store.ProjectFilter{})
		if err != nil || n != 1 {
			t.Fatalf("projects of %s: %d, %v", user, n, err)
		}
		return got[0]
	}
	// Re-accepted after rectification.
	accs, _ := s.db.Acceptances(ctx, of("jinggong").ID)
	if len(accs) != 2 || accs[0].Passed || accs[0].RectifyDeadline == "" || !accs[1].Passed || of("jinggong").State != store.ProjectAccepted {
		t.Errorf("精工's acceptances: %+v", accs)
	}
	// Terminated after a second failure, its paid award revoked with a receivable.
	hongyun := of("hongyun")
	rev, err := s.db.Revocation(ctx, hongyun.AwardID)
	if hongyun.State != store.ProjectTerminated || err != nil || rev.ReceivableFen == 0 || rev.Article != "第十五条、第十八条" {
		t.Errorf("宏运: %+v, revocation %+v %v", hongyun, rev, err)
	}
	// 第十条（三） from the records: 宏运 is now excluded from central funds.
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		ap, err := tx.Application(ctx, hongyun.ApplicationID)
		if err != nil {
			return err
		}
		d, err := app.Decide(ctx, tx, ap)
		if err != nil {
			return err
		}
		for _, f := range d.Findings {
			if f.Rule == "UnacceptedProject" && (f.Outcome != policy.Fail || !strings.Contains(f.Message, hongyun.AppNumber)) {
				t.Errorf("第十条（三） for 宏运: %+v", f)
			}
		}
		return errRollback
	})
	if err != errRollback {
		t.Fatal(err)
	}
	// Overdue, in the 待办 of the city and of 汽开区.
	today := calendar.DateOf(s.db.Now()).String()
	if p := of("fengtai"); p.State != store.ProjectInProgress || !p.Overdue(today) {
		t.Errorf("丰泰's project: %s due %s, want in progress and overdue on %s", p.State, p.DueDate(), today)
	}
	if _, n, _ := s.a.FindProjects(ctx, s.actor(t, "qixian"), store.ProjectFilter{OverdueOn: today}); n == 0 {
		t.Error("no overdue project in 汽开区")
	}
	// The chain leader's project: accepted, evaluated by both bureaus.
	es, _ := s.db.Evaluations(ctx, of("lianzhu").ID)
	if sum := app.SummariseEvaluations(es); !sum.Complete {
		t.Errorf("chain leader's evaluations: %+v", es)
	}
	if _, n, _ := s.a.FindProjects(ctx, s.actor(t, "shicaizheng"), store.ProjectFilter{NoEvaluationBy: "city_finance"}); n == 0 {
		t.Error("nothing waits for the finance bureau's evaluation")
	}
	// Every project has its timeline, goals, and its milestones where worked on.
	for _, p := range ps {
		evs, _ := s.db.ProjectEvents(ctx, p.ID)
		goals, _ := s.db.ProjectGoals(ctx, p.ID)
		if len(evs) == 0 || len(goals) == 0 && p.Category == "7.1" {
			t.Errorf("project %s: %d events, %d goals", p.AppNumber, len(evs), len(goals))
		}
	}
	rep, err := s.a.PilotProgress(ctx, city)
	if err != nil {
		t.Fatal(err)
	}
	counted := 0
	for _, ind := range rep.Industries {
		counted += ind.Total
	}
	if counted == 0 {
		t.Error("the pilot view counts no enterprise")
	}
}

type rollback struct{}

func (rollback) Error() string { return "rollback" }

var errRollback error = rollback{}
