package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
)

//go:embed templates static
var assets embed.FS

// staticAssets serves embedded files under content-hash URLs
// (/static/app.3f2a….css), cached for a year: a new release changes the URL.
type staticAssets struct {
	byName map[string]string // logical name → hashed URL
	files  map[string][]byte // hashed file name → content
}

func loadStatic() (staticAssets, error) {
	sa := staticAssets{byName: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		sa.byName[name] = "/static/" + hashed
		sa.files[hashed] = b
		return nil
	})
	return sa, err
}

func (sa staticAssets) url(name string) string {
	if u, ok := sa.byName[name]; ok {
		return u
	}
	return "/static/missing-" + name
}

func (sa staticAssets) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		b, ok := sa.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	})
}

// extraFuncs are template functions a part of the UI registers from its own
// file (in an init function), so that parts do not all edit one map.
var extraFuncs = template.FuncMap{}

// pageSet maps a page name to its template (the layout plus the page).
type pageSet map[string]*template.Template

func parsePages(sa staticAssets) (pageSet, error) {
	funcs := template.FuncMap{
		"asset":         sa.url,
		"yuan":          formatYuan,
		"wan":           formatWan,
		"datetime":      formatDateTime,
		"roleLabel":     func(r dtfund.Role) string { return r.Label() },
		"add":           func(a, b int) int { return a + b },
		"categoryLabel": dtfund.CategoryLabel,
		"actionLabel":   func(a string) string { return actionLabel(a) },
		"spendingLabel": spendingLabel,
	}
	for name, f := range extraFuncs {
		funcs[name] = f
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := pageSet{}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		ps[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return ps, nil
}

// view is what every page template receives.
type view struct {
	Title   string
	User    *dtfund.User
	CSRF    string
	Flash   string
	Errors  map[string]string // field → message
	Form    url.Values        // submitted values, kept on error
	Data    any
	Version string
	Demo    bool // serving the demo: the layout shows a banner and the clock link
}

// Field returns the submitted value of a form field.
func (v *view) Field(name string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Get(name)
}

// Err returns the error message for a field, shown beside it.
func (v *view) Err(name string) string { return v.Errors[name] }

// Checked reports whether a checkbox was ticked.
func (v *view) Checked(name string) bool { return v.Field(name) == "on" }

func (s *Server) newView(r *http.Request, title string, data any) *view {
	st := state(r)
	return &view{Title: title, User: st.User, CSRF: s.csrfToken(r), Data: data, Version: s.Version, Demo: s.DemoClock != nil}
}

// render writes a page with status 200 unless the view carries errors (422).
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, v *view) {
	s.renderCode(w, r, page, v, 0)
}

func (s *Server) renderCode(w http.ResponseWriter, r *http.Request, page string, v *view, status int) {
	t, ok := s.pages[page]
	if !ok {
		s.renderError(w, r, fmt.Errorf("no page template %q", page))
		return
	}
	if v.Flash == "" {
		v.Flash = s.takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		state(r).Log.Error("render", "page", page, "err", err)
		http.Error(w, "页面渲染失败", http.StatusInternalServerError)
		return
	}
	if status == 0 {
		status = http.StatusOK
		if len(v.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// statusFor maps an error code to the HTTP status.
func statusFor(code string) int {
	switch code {
	case dtfund.EINVALID:
		return http.StatusUnprocessableEntity
	case dtfund.ENOTFOUND:
		return http.StatusNotFound
	case dtfund.EFORBIDDEN:
		return http.StatusForbidden
	case dtfund.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case dtfund.ECONFLICT:
		return http.StatusConflict
	case dtfund.ETHROTTLED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// renderError shows an error page (or JSON for the API); internal errors are
// logged with the request ID and shown without detail.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := dtfund.ErrorCode(err)
	if code == dtfund.EINTERNAL {
		state(r).Log.Error("internal error", "err", err)
	}
	s.renderStatus(w, r, statusFor(code), dtfund.ErrorMessage(err))
}

// apiError is the one error format of the JSON API.
type apiError struct {
	Error struct {
		Code      string            `json:"code"`
		Message   string            `json:"message"`
		Fields    map[string]string `json:"fields,omitempty"`
		RequestID string            `json:"request_id"`
	} `json:"error"`
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		var e apiError
		e.Error.Code, e.Error.Message, e.Error.RequestID = codeFor(status), msg, state(r).ID
		writeJSON(w, status, e)
		return
	}
	v := s.newView(r, http.StatusText(status), map[string]any{"Status": status, "Message": msg, "RequestID": state(r).ID})
	s.renderCode(w, r, "error", v, status)
}

func codeFor(status int) string {
	for _, c := range []string{dtfund.EINVALID, dtfund.ENOTFOUND, dtfund.EFORBIDDEN, dtfund.EUNAUTHORIZED, dtfund.ECONFLICT, dtfund.ETHROTTLED} {
		if statusFor(c) == status {
			return c
		}
	}
	return dtfund.EINTERNAL
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderStatus(w, r, http.StatusNotFound, "页面不存在")
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// flash messages survive one redirect in a short-lived cookie.
const flashCookie = "dtfund_flash"

func (s *Server) flash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg)), time.Minute)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	s.clearCookie(w, flashCookie)
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ""
	}
	return string(b)
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		s.flash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formErrors turns a validation error into field messages; other errors
// become one general message under the "" key.
func formErrors(err error) map[string]string {
	var ve dtfund.ValidationErrors
	var de *dtfund.Error
	switch {
	case asValidation(err, &ve):
		return ve.ByField()
	case asError(err, &de) && de.Field != "":
		return map[string]string{de.Field: de.Message}
	}
	return map[string]string{"": dtfund.ErrorMessage(err)}
}

// formatYuan shows fen as 元 with two decimals and thousands separators.
func formatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := groupThousands(strconv.FormatInt(fen/100, 10)) + fmt.Sprintf(".%02d", fen%100)
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatWan shows fen as 万元 with up to four decimals, trailing zeros cut.
func formatWan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole, frac := fen/1000000, fen%1000000
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%06d", frac), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// formatDateTime shows a stored UTC time in Asia/Shanghai.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Shanghai).Format("2006-01-02 15:04")
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// actionLabel names an action of the timeline; events that are not state
// machine actions (e.g. a first re-check signature) carry their own label.
func actionLabel(a string) string {
	if l := dtfund.AppAction(a).Label(); l != "" {
		return l
	}
	if l, ok := extraActionLabels[a]; ok {
		return l
	}
	return a
}

// extraActionLabels names timeline events that are not transitions.
var extraActionLabels = map[string]string{"recheck_sign": "资格复核签署", "propose": "系统推荐（排名或免申即享）"}

var spendingLabels = map[string]string{"software": "软件", "cloud": "云服务", "data_equipment": "数据采集传输设备",
	"consulting": "咨询诊断服务", "other": "其他"}

func spendingLabel(t string) string {
	if l, ok := spendingLabels[t]; ok {
		return l
	}
	return t
}
