package web

import (
	"net/http"

	"dtfund"
)

func init() { detailExtras = append(detailExtras, processExtras) }

// processExtras adds what the later steps recorded about an application —
// the recommendation, the re-check signatures, the publicity item and the
// award — and the links to its documents. The application itself was
// already checked to be within the user's scope.
func processExtras(s *Server, r *http.Request, a *dtfund.Application, data map[string]any) {
	ctx, db := r.Context(), s.App.DB
	if rec, err := db.Recommendation(ctx, a.ID); err == nil && rec != nil {
		data["Recommendation"] = rec
	}
	if sigs, err := db.RecheckSignatures(ctx, a.ID); err == nil && len(sigs) > 0 {
		data["Signatures"] = sigs
	}
	if item, err := db.PublicityItemOfApp(ctx, a.ID); err == nil && item != nil {
		data["PublicityItem"] = item
	}
	if aw, err := db.AwardOfApp(ctx, a.ID); err == nil && aw != nil {
		data["Award"] = aw
	}
	role := state(r).User.Role
	data["OpinionLink"] = a.Version > 0 && reviewedStates[a.State] &&
		(role == dtfund.RoleCityMIIT || role == dtfund.RoleCityFinance || role == dtfund.RoleInspector)
}

// reviewedStates are the states after the panel's result, when the 评审意见书
// exists.
var reviewedStates = map[dtfund.AppState]bool{
	dtfund.StateReviewed: true, dtfund.StateReviewFailed: true, dtfund.StateRechecked: true, dtfund.StateRecheckFailed: true,
	dtfund.StateInPublicity: true, dtfund.StateObjectionUpheld: true, dtfund.StatePublicityPassed: true, dtfund.StateApproved: true,
}
