package dtfund_test

import (
	"math/rand/v2"
	"testing"

	"dtfund"
)

// The happy path of 第十四条, with the role taking each step.
func TestProcessHappyPath(t *testing.T) {
	steps := []struct {
		action dtfund.AppAction
		role   dtfund.Role
		want   dtfund.AppState
	}{
		{dtfund.ActSubmit, dtfund.RoleApplicant, dtfund.StateSubmitted},
		{dtfund.ActReturn, dtfund.RoleDistrictMIIT, dtfund.StateReturned},
		{dtfund.ActSubmit, dtfund.RoleApplicant, dtfund.StateSubmitted},
		{dtfund.ActRecommend, dtfund.RoleDistrictMIIT, dtfund.StateRecommended},
		{dtfund.ActStartReview, dtfund.RoleCityMIIT, dtfund.StateExpertReview},
		{dtfund.ActPassReview, dtfund.RoleCityMIIT, dtfund.StateReviewed},
		{dtfund.ActRecheckPass, dtfund.RoleCityFinance, dtfund.StateRechecked},
		{dtfund.ActPublish, dtfund.RoleCityMIIT, dtfund.StateInPublicity},
		{dtfund.ActClosePublicity, dtfund.RoleCityMIIT, dtfund.StatePublicityPassed},
		{dtfund.ActApprove, dtfund.RoleCityMIIT, dtfund.StateApproved},
	}
	s := dtfund.StateDraft
	for _, st := range steps {
		next, err := dtfund.Transition(s, st.action, st.role)
		if err != nil || next != st.want {
			t.Fatalf("%s by %s from %s = %s, %v; want %s", st.action, st.role, s, next, err, st.want)
		}
		s = next
	}
	if !s.Terminal() {
		t.Fatal("approved must be terminal for the application workflow")
	}
}

func TestProcessRefusals(t *testing.T) {
	cases := []struct {
		from   dtfund.AppState
		action dtfund.AppAction
		role   dtfund.Role
		code   string
	}{
		{dtfund.StateSubmitted, dtfund.ActSubmit, dtfund.RoleApplicant, dtfund.ECONFLICT},            // double submission
		{dtfund.StateSubmitted, dtfund.ActRecommend, dtfund.RoleCityFinance, dtfund.EFORBIDDEN},      // only the first reviewer recommends
		{dtfund.StateDraft, dtfund.ActRecommend, dtfund.RoleDistrictMIIT, dtfund.ECONFLICT},          // drafts are not visible for review
		{dtfund.StateInPublicity, dtfund.ActApprove, dtfund.RoleCityMIIT, dtfund.ECONFLICT},          // no approval before publicity ends
		{dtfund.StateApproved, dtfund.ActWithdraw, dtfund.RoleApplicant, dtfund.ECONFLICT},           // no withdrawal after approval
		{dtfund.StateReviewed, dtfund.ActPublish, dtfund.RoleCityMIIT, dtfund.ECONFLICT},             // re-check before publicity
		{dtfund.StateReviewed, dtfund.ActRecheckPass, dtfund.RoleDistrictFinance, dtfund.EFORBIDDEN}, // city bureaus only
		{dtfund.StateDraft, "bogus", dtfund.RoleAdmin, dtfund.EINVALID},
	}
	for _, c := range cases {
		next, err := dtfund.Transition(c.from, c.action, c.role)
		if dtfund.ErrorCode(err) != c.code || next != c.from {
			t.Errorf("%s by %s from %s: %s, %v; want %s and no change", c.action, c.role, c.from, next, err, c.code)
		}
		if err != nil && dtfund.ErrorMessage(err) == "" {
			t.Errorf("%s: empty message", c.action)
		}
	}
}

// TestProcessRandomWalk applies random actions by random roles and checks
// the machine's invariants after every step.
func TestProcessRandomWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 14))
	reachable := map[dtfund.AppState]bool{dtfund.StateDraft: true}
	for walk := 0; walk < 1000; walk++ {
		s := dtfund.StateDraft
		history := []dtfund.AppState{s}
		for step := 0; step < 40; step++ {
			a := dtfund.AppActions[r.IntN(len(dtfund.AppActions))]
			role := dtfund.Roles[r.IntN(len(dtfund.Roles))]
			if r.IntN(2) == 0 {
				// Half the steps pick among the legal moves, so that walks
				// reach deep states; the other half probe refusals.
				a, role = legalMove(r, s, a, role)
			}
			next, err := dtfund.Transition(s, a, role)
			if err != nil {
				if next != s {
					t.Fatalf("refused %s changed the state %s → %s", a, s, next)
				}
				continue
			}
			if s.Terminal() {
				t.Fatalf("left terminal state %s by %s", s, a)
			}
			if next == dtfund.StateApproved && s != dtfund.StatePublicityPassed {
				t.Fatalf("approved from %s, not after publicity", s)
			}
			if next == dtfund.StateInPublicity && s != dtfund.StateRechecked {
				t.Fatalf("publicity from %s, not after re-check", s)
			}
			if role == dtfund.RoleExpert || role == dtfund.RoleAdmin || role == dtfund.RoleInspector {
				t.Fatalf("%s moved an application (%s)", role, a)
			}
			s = next
			reachable[s] = true
			history = append(history, s)
		}
		if s == dtfund.StateApproved && !contains(history, dtfund.StateRecommended) {
			t.Fatalf("approved without district recommendation: %v", history)
		}
	}
	for _, s := range dtfund.AppStates {
		if !reachable[s] {
			t.Errorf("state %s never reached by the random walk", s)
		}
		if s.Label() == string(s) {
			t.Errorf("state %s has no Chinese label", s)
		}
	}
}

// legalMove returns a random legal (action, role) in state s, or the given
// pair when there is none.
func legalMove(r *rand.Rand, s dtfund.AppState, a dtfund.AppAction, role dtfund.Role) (dtfund.AppAction, dtfund.Role) {
	type move struct {
		a    dtfund.AppAction
		role dtfund.Role
	}
	var moves []move
	for _, ro := range dtfund.Roles {
		for _, ac := range dtfund.ActionsFor(s, ro) {
			moves = append(moves, move{ac, ro})
		}
	}
	if len(moves) == 0 {
		return a, role
	}
	// Withdrawal and cancellation are legal almost everywhere; taking them rarely lets walks
	// reach the end of the process.
	if r.IntN(10) > 0 {
		var forward []move
		for _, m := range moves {
			if m.a != dtfund.ActWithdraw && m.a != dtfund.ActCancel {
				forward = append(forward, m)
			}
		}
		if len(forward) > 0 {
			moves = forward
		}
	}
	m := moves[r.IntN(len(moves))]
	return m.a, m.role
}

func contains(ss []dtfund.AppState, s dtfund.AppState) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestActionsFor(t *testing.T) {
	got := dtfund.ActionsFor(dtfund.StateSubmitted, dtfund.RoleDistrictMIIT)
	want := []dtfund.AppAction{dtfund.ActReturn, dtfund.ActDecline, dtfund.ActRecommend}
	if len(got) != len(want) {
		t.Fatalf("ActionsFor(submitted, district) = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ActionsFor(submitted, district) = %v, want %v", got, want)
		}
	}
	if len(dtfund.ActionsFor(dtfund.StateApproved, dtfund.RoleApplicant)) != 0 {
		t.Fatal("actions offered on an approved application")
	}
	for _, a := range dtfund.AppActions {
		if a.Label() == "" || a.Article() == "" {
			t.Errorf("action %s lacks label or article", a)
		}
	}
}
