package web

import (
	"net/http"
	"strings"

	"dtfund"
	"dtfund/internal/api"
)

// The JSON API (/api/v1) is the operation table of package api, mounted
// here as routes: each operation's Access becomes the route's, so the
// guard, the authorization matrix and the route list treat the API like
// any page.
//
// Authentication: `Authorization: Bearer <token>` (a personal access token,
// tokens.go) authenticates a request as the token's user; cookies are then
// neither read nor set, and no CSRF token is needed since nothing ambient is
// sent. Without the header the session cookie is used as for pages, and a
// state-changing call must carry the CSRF token in X-CSRF-Token (GET
// /api/v1/me returns it) and pass the browser's cross-origin check; an
// anonymous call to a public operation passes the cross-origin check only.
func (s *Server) apiRoutes() []Route {
	var out []Route
	for _, o := range api.Operations() {
		acc := Access{Public: o.Access.Public, Roles: o.Access.Roles, MaxBody: o.MaxBody}
		if o.Stateless != "" {
			acc.NoCSRF, acc.Reason = true, o.Stateless
		}
		out = append(out, Route{o.Method, api.Prefix + o.Path, acc, s.apiHandler(o)})
	}
	return out
}

func (s *Server) apiHandler(o *api.Operation) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		c := &api.Call{App: s.App, Actor: actor(r), Request: r, Log: st.Log}
		if st.Session != nil && st.APIToken == nil {
			c.CSRFToken = s.csrfToken(r)
		}
		o.Serve(w, r, c)
	}
}

// bearer authenticates an API request by its personal access token and
// reports whether to go on; on failure it has answered 401 (or 429).
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) bool {
	st := state(r)
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		s.renderStatus(w, r, http.StatusUnauthorized, "Authorization 头的格式应为“Bearer <访问令牌>”")
		return false
	}
	u, t, err := s.App.AuthenticateToken(r.Context(), strings.TrimSpace(secret), st.IP)
	if err != nil {
		if dtfund.ErrorCode(err) == dtfund.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dtfund", error="invalid_token"`)
		}
		s.renderError(w, r, err)
		return false
	}
	st.User, st.APIToken = u, t
	return true
}
