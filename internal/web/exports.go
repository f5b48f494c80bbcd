package web

import (
	"net/http"
	"strconv"

	"dtfund/internal/store"
)

// The export.xlsx links of the list pages. Each route sits beside its
// page's route, with the page's access; the app call behind it is the
// page's own, so jurisdiction is the same.

func (s *Server) orgExport(w http.ResponseWriter, r *http.Request) {
	e, err := s.App.ExportOrganizations(r.Context(), actor(r))
	s.sendExport(w, r, "organizations.xlsx", e, err)
}

func (s *Server) expertExport(w http.ResponseWriter, r *http.Request) {
	e, err := s.App.ExportExperts(r.Context(), actor(r))
	s.sendExport(w, r, "experts.xlsx", e, err)
}

func (s *Server) letterExport(w http.ResponseWriter, r *http.Request) {
	f := store.LetterFilter{CallID: reviewQueryID(r.URL.Query(), "call")}
	e, err := s.App.ExportLetters(r.Context(), actor(r), f)
	s.sendExport(w, r, "letters.xlsx", e, err)
}

func (s *Server) panelExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	e, err := s.App.ExportPanel(r.Context(), actor(r), id)
	s.sendExport(w, r, "panel-"+strconv.FormatInt(id, 10)+".xlsx", e, err)
}

func (s *Server) publicityExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	e, err := s.App.ExportPublicity(r.Context(), actor(r), id)
	s.sendExport(w, r, "publicity-"+strconv.FormatInt(id, 10)+".xlsx", e, err)
}

func (s *Server) publicPublicityExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	e, err := s.App.ExportPublicPublicity(r.Context(), id)
	s.sendExport(w, r, "publicity-"+strconv.FormatInt(id, 10)+".xlsx", e, err)
}

func (s *Server) executionExport(w http.ResponseWriter, r *http.Request) {
	e, err := s.App.ExportExecution(r.Context(), actor(r), r.URL.Query().Get("by"))
	s.sendExport(w, r, "execution.xlsx", e, err)
}

func (s *Server) districtLedgerExport(w http.ResponseWriter, r *http.Request) {
	e, err := s.App.ExportDistrictLedger(r.Context(), actor(r))
	s.sendExport(w, r, "district-ledger.xlsx", e, err)
}
