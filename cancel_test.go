package dtfund_test

import (
	"testing"

	"dtfund"
)

// A violation decision (第二十条) cancels an application in every live state
// before the government's approval, and in no other; only the city
// industry bureau takes it.
func TestCancelTransition(t *testing.T) {
	pending := map[dtfund.AppState]bool{dtfund.StateDraft: true, dtfund.StateSubmitted: true, dtfund.StateReturned: true,
		dtfund.StateRecommended: true, dtfund.StateExpertReview: true, dtfund.StateReviewed: true, dtfund.StateRechecked: true,
		dtfund.StateInPublicity: true, dtfund.StatePublicityPassed: true}
	for _, s := range dtfund.AppStates {
		to, err := dtfund.Transition(s, dtfund.ActCancel, dtfund.RoleCityMIIT)
		if pending[s] != (err == nil) {
			t.Errorf("cancel from %s: %v, want allowed=%v", s, err, pending[s])
		}
		if err == nil && to != dtfund.StateCancelled {
			t.Errorf("cancel from %s leads to %s", s, to)
		}
		for _, r := range dtfund.Roles {
			if _, err := dtfund.Transition(s, dtfund.ActCancel, r); r != dtfund.RoleCityMIIT && err == nil {
				t.Errorf("%s may cancel from %s", r, s)
			}
		}
	}
	if !dtfund.StateCancelled.Terminal() || dtfund.StateCancelled.Label() != "已取消申报资格" {
		t.Error("cancelled must be terminal, labelled 已取消申报资格")
	}
	if dtfund.ActCancel.Article() != "第二十条" {
		t.Errorf("cancel cites %s", dtfund.ActCancel.Article())
	}
}
