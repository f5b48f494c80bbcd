package web

import (
	"net/http"
	"net/url"

	"dtfund"
	"dtfund/internal/store"
)

// auditRoutes: the audit log viewer for the administrator and the city
// bureaus, who answer for what the system did.
func (s *Server) auditRoutes() []Route {
	return []Route{
		{"GET", "/admin/audit", roles(dtfund.RoleAdmin, dtfund.RoleCityMIIT, dtfund.RoleCityFinance), s.auditLog},
	}
}

const auditPageSize = 100

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, offset := pageParam(q.Get("page"), auditPageSize)
	entries, err := s.App.DB.FindAudit(r.Context(), store.AuditFilter{ObjectType: q.Get("type"), ObjectID: q.Get("object"),
		Action: q.Get("action"), Actor: q.Get("actor"), Page: store.Page{Offset: offset, Limit: auditPageSize}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rest := url.Values{}
	for _, k := range []string{"type", "object", "action", "actor"} {
		if v := q.Get(k); v != "" {
			rest.Set(k, v)
		}
	}
	v := s.newView(r, "审计日志", map[string]any{"Entries": entries, "Page": page, "HasNext": len(entries) == auditPageSize,
		"Rest": rest.Encode()})
	v.Form = q
	s.render(w, r, "audit", v)
}
