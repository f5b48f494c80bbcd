package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dtfund"
	"dtfund/internal/api"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

// Personal access tokens for the JSON API: every user lists, creates (the
// secret shown once) and revokes their own at /profile/tokens; the
// administrator sees and revokes any user's at /admin/users/{id}/tokens.
func (s *Server) tokenRoutes() []Route {
	admin := roles(dtfund.RoleAdmin)
	return []Route{
		{"GET", "/profile/tokens", loggedIn, s.tokenPage},
		{"POST", "/profile/tokens", loggedIn, s.tokenCreate},
		{"POST", "/profile/tokens/{id}/revoke", loggedIn, s.tokenRevoke},
		{"GET", "/admin/users/{id}/tokens", admin, s.adminTokens},
		{"POST", "/admin/users/{id}/tokens/revoke", admin, s.adminTokensRevoke},
	}
}

// tokenRow is a token as the pages show it.
type tokenRow struct {
	*store.APIToken
	Status string // 有效 | 已撤销 | 已过期
	Active bool
}

func (s *Server) tokenRows(r *http.Request, userID int64) ([]tokenRow, error) {
	ts, err := s.App.Tokens(r.Context(), actor(r), userID)
	if err != nil {
		return nil, err
	}
	now := s.App.Now()
	rows := make([]tokenRow, len(ts))
	for i, t := range ts {
		rows[i] = tokenRow{APIToken: t, Status: "有效", Active: t.Active(now)}
		switch {
		case !t.RevokedAt.IsZero():
			rows[i].Status = "已撤销"
		case !rows[i].Active:
			rows[i].Status = "已过期"
		}
	}
	return rows, nil
}

func (s *Server) tokenPage(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, url.Values{}, nil, "", 0)
}

// renderTokens shows the user's tokens; secret is a token just created,
// shown this once.
func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, form url.Values, errs map[string]string, secret string, status int) {
	rows, err := s.tokenRows(r, state(r).User.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "访问令牌", map[string]any{"Tokens": rows, "Secret": secret, "MaxDays": app.MaxTokenDays,
		"MaxActive": app.MaxActiveTokens, "DocURL": api.Prefix + "/openapi.json"})
	v.Form, v.Errors = form, errs
	s.renderCode(w, r, "tokens", v, status)
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	secret, _, err := s.App.CreateToken(r.Context(), actor(r), f.Get("name"), f.Get("expires_on"))
	if err != nil {
		code := dtfund.ErrorCode(err)
		if code != dtfund.EINVALID && code != dtfund.ECONFLICT {
			s.renderError(w, r, err)
			return
		}
		s.renderTokens(w, r, f, formErrors(err), "", statusFor(code))
		return
	}
	// The secret is rendered into this one response, never redirected
	// through a cookie or stored: it cannot be shown again.
	w.Header().Set("Cache-Control", "no-store")
	s.renderTokens(w, r, url.Values{}, nil, secret, http.StatusCreated)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	t, err := s.App.RevokeToken(r.Context(), actor(r), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	back := "/profile/tokens"
	if t.UserID != state(r).User.ID {
		back = "/admin/users/" + strconv.FormatInt(t.UserID, 10) + "/tokens"
	}
	s.redirect(w, r, back, "已撤销令牌“"+t.Name+"”")
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	rows, err := s.tokenRows(r, u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "tokens", s.newView(r, "访问令牌："+u.Username, map[string]any{"U": u, "Tokens": rows}))
}

func (s *Server) adminTokensRevoke(w http.ResponseWriter, r *http.Request) {
	u, ok := s.userFromPath(w, r)
	if !ok {
		return
	}
	n, err := s.App.RevokeUserTokens(r.Context(), actor(r), u.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/tokens", "已撤销 "+strconv.FormatInt(n, 10)+" 个令牌")
}
