package app_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// TestActRandomised applies random actions by random actors (including an
// official of another district and an expert) to a few applications through
// App.Act and the database, and after every step checks the invariants: a
// refused action changes nothing; an accepted one moves the state exactly as
// the state machine says, by a role and jurisdiction allowed to; the
// timeline is a chain (each event starts where the previous ended) with one
// event per accepted action; and at the end the audit chain is intact.
func TestActRandomised(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newProcessFixture(t, db)
		expert := app.Actor{User: &dtfund.User{ID: 999999, Username: "nobody", Role: dtfund.RoleExpert}}
		actors := []app.Actor{f.applicant, f.district, f.other, f.city, f.finance, expert}
		apps := []*dtfund.Application{f.draft(t), f.draft(t), f.draft(t)}
		model := map[int64]dtfund.AppState{}
		accepted := map[int64]int{}
		for _, a := range apps {
			model[a.ID] = dtfund.StateDraft
		}
		r := rand.New(rand.NewPCG(14, 2026))
		steps := 300
		if testing.Short() {
			steps = 100
		}
		for i := 0; i < steps; i++ {
			a := apps[r.IntN(len(apps))]
			actor := actors[r.IntN(len(actors))]
			action := dtfund.AppActions[r.IntN(len(dtfund.AppActions))]
			if r.IntN(3) > 0 { // bias towards legal moves so that walks go deep
				if moves := dtfund.ActionsFor(model[a.ID], actor.User.Role); len(moves) > 0 {
					action = moves[r.IntN(len(moves))]
				}
			}
			_, err := f.a.Act(ctx, actor, app.Step{AppID: a.ID, Action: action, Reason: "随机测试"})
			want, legal := expected(model[a.ID], action, actor, a)
			switch {
			case legal && err != nil:
				t.Fatalf("step %d: %s by %s on %s refused: %v", i, action, actor.User.Username, model[a.ID], err)
			case !legal && err == nil:
				t.Fatalf("step %d: %s by %s on %s accepted, want refused", i, action, actor.User.Username, model[a.ID])
			case legal:
				model[a.ID] = want
				accepted[a.ID]++
			}
			checkApplication(t, db, a.ID, model[a.ID], accepted[a.ID])
		}
		v, err := db.VerifyAudit(ctx, store.AuditHead{})
		if err != nil || !v.OK() {
			t.Fatalf("audit chain after the random walk: %v %v", v.Problems, err)
		}
	})
}

// expected is the independent model: the state machine, plus who may see the
// application (drafts are the applicant's; district officials see their own
// district; experts see nothing unassigned) and who does the first review.
func expected(from dtfund.AppState, action dtfund.AppAction, actor app.Actor, a *dtfund.Application) (dtfund.AppState, bool) {
	u := actor.User
	visible := true
	switch u.Role {
	case dtfund.RoleApplicant:
		visible = u.OrgID == a.OrgID
	case dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance:
		visible = from != dtfund.StateDraft && u.DistrictCode == a.DistrictCode
	case dtfund.RoleExpert:
		visible = false
	default:
		visible = from != dtfund.StateDraft
	}
	if !visible {
		return from, false
	}
	to, err := dtfund.Transition(from, action, u.Role)
	if err != nil {
		return from, false
	}
	if action == dtfund.ActCancel {
		return from, false // only a violation decision cancels (app.DecideSanction)
	}
	firstReview := action == dtfund.ActReturn || action == dtfund.ActDecline || action == dtfund.ActRecommend
	if firstReview && u.Role == dtfund.RoleCityMIIT && a.DistrictCode != "" {
		return from, false
	}
	return to, true
}

func checkApplication(t *testing.T, db *store.DB, id int64, want dtfund.AppState, accepted int) {
	t.Helper()
	got, err := db.Application(context.Background(), id, store.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != want {
		t.Fatalf("application %d is %s, model says %s", id, got.State, want)
	}
	events, err := db.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != accepted {
		t.Fatalf("application %d has %d events, %d actions were accepted", id, len(events), accepted)
	}
	prev := dtfund.StateDraft
	for _, e := range events {
		if e.From != prev {
			t.Fatalf("application %d: timeline broken: event %s starts at %s after %s", id, e.Action, e.From, prev)
		}
		prev = e.To
	}
	if prev != want {
		t.Fatalf("application %d: timeline ends at %s, state is %s", id, prev, want)
	}
}
