package web

import (
	"net/http"
	"strconv"

	"dtfund"
	"dtfund/internal/store"
)

// The parts after the award meet on two pages: an awarded application's
// page links its retrofit project, and the project's page lists the
// supervision cases of its award (第十八条), each for the roles that may
// open them.

func init() { detailExtras = append(detailExtras, projectLinkExtras) }

// projectLinkExtras links an awarded application to its project.
func projectLinkExtras(s *Server, r *http.Request, a *dtfund.Application, data map[string]any) {
	if !allowed(state(r).User, "GET /projects/{id}") {
		return
	}
	if p, err := s.App.DB.ProjectOfApp(r.Context(), a.ID); err == nil && p != nil {
		data["ProjectLink"] = "/projects/" + strconv.FormatInt(p.ID, 10)
	}
}

// projectCases are the supervision cases of a project's award that the
// user may see (the app layer applies the district scope), or nil.
func (s *Server) projectCases(r *http.Request, awardID int64) []*store.SupervisionCase {
	if !allowed(state(r).User, "GET /supervision/{id}") {
		return nil
	}
	cases, _, err := s.App.FindCases(r.Context(), actor(r), store.CaseFilter{AwardID: awardID, Page: store.Page{Limit: 50}})
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "project supervision cases", "err", err)
		return nil
	}
	return cases
}
