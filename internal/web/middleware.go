package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/logctx"
	"dtfund/internal/store"
)

// Cookie names.
const (
	sessionCookie = "dtfund_session"
	visitorCookie = "dtfund_visitor" // anonymous CSRF binding, before login
)

type ctxKey int

const reqKey ctxKey = 1

// reqState is what the middleware learns about a request.
type reqState struct {
	ID      string
	Log     *slog.Logger
	User    *dtfund.User
	Session *store.Session
	Token   string // the session cookie token
	Visitor string // the anonymous visitor cookie
	IP      string
	// APIToken is set when the request is authenticated by a personal
	// access token (Authorization: Bearer); cookies are then ignored.
	APIToken *store.APIToken
}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(reqKey).(*reqState); ok {
		return st
	}
	return &reqState{Log: slog.Default()}
}

// actor is the app.Actor of the request.
func actor(r *http.Request) app.Actor {
	st := state(r)
	return app.Actor{User: st.User, IP: st.IP, RequestID: st.ID}
}

func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		st := &reqState{ID: hex.EncodeToString(b), IP: clientIP(r)}
		// The request ID travels in the context too, so that the app's
		// own log lines (written with *Context methods) carry it.
		ctx := logctx.WithRequestID(context.WithValue(r.Context(), reqKey, st), st.ID)
		st.Log = s.Log.With("request_id", st.ID)
		w.Header().Set("X-Request-Id", st.ID)
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		next.ServeHTTP(rec, r.WithContext(ctx))
		st.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds(), "ip", st.IP)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// clientIP is the peer address. A deployment behind a proxy must make the
// proxy set the peer correctly; X-Forwarded-For is not trusted because a
// client could forge it to dodge login throttling.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// contentSecurityPolicy allows only this origin's scripts and styles: no
// inline script, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.TLS {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				state(r).Log.Error("panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withSession resolves the session cookie and makes sure every visitor has
// an anonymous cookie to bind the CSRF token of forms shown before login.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if isAPI(r) && r.Header.Get("Authorization") != "" {
			// A program with a token: no cookies are read or set (api.go).
			if s.bearer(w, r) {
				next.ServeHTTP(w, r)
			}
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, sess, err := s.App.Authenticate(r.Context(), c.Value)
			switch {
			case err == nil:
				st.User, st.Session, st.Token = u, sess, c.Value
			case dtfund.ErrorCode(err) == dtfund.EUNAUTHORIZED:
				s.clearCookie(w, sessionCookie)
			default:
				s.renderError(w, r, err)
				return
			}
		}
		if c, err := r.Cookie(visitorCookie); err == nil && len(c.Value) >= 16 {
			st.Visitor = c.Value
		} else if !isAPI(r) { // the API binds no CSRF token to a visitor (api.go)
			st.Visitor = randomToken()
			s.setCookie(w, visitorCookie, st.Visitor, 0)
		}
		next.ServeHTTP(w, r)
	})
}

// maxBody bounds request bodies; uploads of attachments will get their own
// limit per route when they exist.
const maxBody = 2 << 20

// guard enforces a route's declared access and, on state-changing methods,
// the CSRF token and the browser's cross-origin signals.
func (s *Server) guard(rt Route) http.Handler {
	var cop http.CrossOriginProtection
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if !rt.Access.Allows(st.User) {
			s.deny(w, r, st.User)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Bound every body before anything parses it.
			limit := int64(maxBody)
			if rt.Access.MaxBody > 0 {
				limit = rt.Access.MaxBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if rt.Access.MaxBody > 0 && tooLarge(r) {
				s.renderStatus(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("上传内容超过 %d MiB 上限", limit>>20))
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !rt.Access.NoCSRF && st.APIToken == nil {
			// A bearer-token request carries no cookie, so nothing can be
			// forged; an anonymous API call has no session to bind a token
			// to and gets the browser's cross-origin check alone; every
			// cookie-authenticated request needs the token (api.go).
			anonymousAPI := isAPI(r) && st.Session == nil
			if err := cop.Check(r); err != nil || (!anonymousAPI && !s.validCSRF(r)) {
				st.Log.Warn("csrf rejected", "path", r.URL.Path)
				s.renderStatus(w, r, http.StatusForbidden, "请求已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
				return
			}
		}
		rt.Handler(w, r)
	})
}

// tooLarge parses an upload route's multipart body (files beyond 1 MiB go to
// temporary files) and reports whether it exceeded the route's limit, so
// that the user reads why instead of a failed CSRF check.
func tooLarge(r *http.Request) bool {
	var mbe *http.MaxBytesError
	return errors.As(r.ParseMultipartForm(1<<20), &mbe)
}

// deny answers a refused route: anonymous visitors are sent to the login
// page, logged-in users get 403.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, u *dtfund.User) {
	if u == nil {
		if r.Method == http.MethodGet && !isAPI(r) {
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s.renderStatus(w, r, http.StatusUnauthorized, "请先登录")
		return
	}
	s.renderStatus(w, r, http.StatusForbidden, "您的角色（"+u.Role.Label()+"）无权访问此页面")
}

// csrfToken binds a token to the session, or to the visitor cookie before
// login, with the server's secret.
func (s *Server) csrfToken(r *http.Request) string {
	st := state(r)
	binding := "v:" + st.Visitor
	if st.Session != nil {
		binding = "s:" + st.Session.ID
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf|" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) validCSRF(r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf_token")
	}
	return got != "" && hmac.Equal([]byte(got), []byte(s.csrfToken(r)))
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.TLS}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.TLS})
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loadSecret reads the instance-shared HMAC key from the database, creating
// it on first start.
func loadSecret(ctx context.Context, a *app.App) ([]byte, error) {
	v, err := a.DB.EnsureSetting(ctx, "csrf_secret", randomToken()+randomToken())
	if err != nil {
		return nil, fmt.Errorf("load secret: %w", err)
	}
	return []byte(v), nil
}
