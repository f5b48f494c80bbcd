package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/api"
	"dtfund/internal/app"
	"dtfund/internal/demo"
	"dtfund/internal/store"
	"dtfund/internal/web"
)

// fixture is the real server (web.New, with every middleware) over a
// database seeded with the demo: organisations, accounts of every role, the
// expert pool, budgets and a history with applications in every state.
type fixture struct {
	t      *testing.T
	app    *app.App
	db     *store.DB
	srv    *web.Server
	ts     *httptest.Server
	shift  atomic.Int64 // the clock's offset from real time, in nanoseconds
	tokens map[string]string
	doc    *api.Document
}

// defaultUser is the demo account used for each role.
var defaultUser = map[dtfund.Role]string{
	dtfund.RoleApplicant: "qiye", dtfund.RoleDistrictMIIT: "qixian", dtfund.RoleDistrictFinance: "qicai",
	dtfund.RoleCityMIIT: "shigongxin", dtfund.RoleCityFinance: "shicaizheng", dtfund.RoleInspector: "hecha", dtfund.RoleAdmin: "admin",
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, log)
	a.Hasher = app.NewTestPasswordHasher()
	a.FilesDir = t.TempDir()
	f := &fixture{t: t, app: a, db: db, tokens: map[string]string{}}
	a.Now = func() time.Time { return time.Now().Add(time.Duration(f.shift.Load())) }
	db.SetClock(a.Now)
	if _, err := demo.Seed(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(context.Background(), a, log, "test")
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.ts = srv, httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	if experts, _, err := db.FindUsers(context.Background(), store.UserFilter{Role: dtfund.RoleExpert, Page: store.Page{Limit: 1}}); err == nil && len(experts) == 1 {
		defaultUser[dtfund.RoleExpert] = experts[0].Username
	}
	return f
}

// advance moves the server's clock forward.
func (f *fixture) advance(d time.Duration) { f.shift.Add(int64(d)) }

// user returns a demo account.
func (f *fixture) user(username string) *dtfund.User {
	f.t.Helper()
	u, _, err := f.db.UserByUsername(context.Background(), username)
	if err != nil {
		f.t.Fatalf("user %s: %v", username, err)
	}
	return u
}

// token returns a personal access token of the user, created once.
func (f *fixture) token(username string) string {
	f.t.Helper()
	if tok, ok := f.tokens[username]; ok {
		return tok
	}
	secret, _, err := f.app.CreateToken(context.Background(), app.Actor{User: f.user(username)}, "测试", "")
	if err != nil {
		f.t.Fatal(err)
	}
	f.tokens[username] = secret
	return secret
}

// client is the Go client as the user.
func (f *fixture) client(username string) *apiclient.Client {
	return apiclient.New(f.ts.URL, f.token(username))
}

// official returns a user of a district role for a district, creating one
// when the demo has none.
func (f *fixture) official(role dtfund.Role, district string) string {
	f.t.Helper()
	users, _, err := f.db.FindUsers(context.Background(), store.UserFilter{Role: role, Page: store.Page{Limit: 200}})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, u := range users {
		if u.DistrictCode == district {
			return u.Username
		}
	}
	u := &dtfund.User{Username: string(role) + "_" + district, DisplayName: "测试" + district, Role: role, DistrictCode: district}
	if err := f.app.CreateUser(context.Background(), app.SystemActor("test"), u, "Passw0rdTest"); err != nil {
		f.t.Fatal(err)
	}
	return u.Username
}

// response is what a raw call got.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends one request; token "" is anonymous. body is JSON-encoded
// unless it is an io.Reader (sent as is, with contentType).
func (f *fixture) call(method, path, token string, body any, contentType string) response {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		r, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, f.ts.URL+path, r)
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// document fetches the served OpenAPI document, anonymously.
func (f *fixture) document() *api.Document {
	f.t.Helper()
	if f.doc != nil {
		return f.doc
	}
	r := f.call("GET", api.Prefix+"/openapi.json", "", nil, "")
	if r.status != 200 {
		f.t.Fatalf("openapi.json: %d", r.status)
	}
	var d api.Document
	if err := json.Unmarshal(r.body, &d); err != nil {
		f.t.Fatalf("openapi.json does not decode: %v", err)
	}
	f.doc = &d
	return f.doc
}

// conforms checks a response against the operation's documentation: a
// documented status, and a body valid against that status's schema.
func (f *fixture) conforms(o *api.Operation, r response) []string {
	d := f.document().Paths[api.Prefix+o.Path][strings.ToLower(o.Method)]
	if d == nil {
		return []string{"operation not in the document"}
	}
	doc, ok := d.Responses[itoa(r.status)]
	if !ok {
		return []string{"status " + itoa(r.status) + " is not documented: " + string(r.body)}
	}
	if r.status == http.StatusNoContent {
		if len(r.body) != 0 {
			return []string{"204 with a body"}
		}
		return nil
	}
	media, ok := doc.Content["application/json"]
	if !ok {
		if _, binary := doc.Content["application/octet-stream"]; binary && r.header.Get("Content-Disposition") != "" {
			return nil
		}
		return []string{"no JSON schema documented for status " + itoa(r.status)}
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return []string{"content type " + ct}
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	return api.Validate(v, media.Schema, f.document().Components.Schemas)
}

// fillText puts textual path parameters into an operation's path.
func fillText(path string, params map[string]string) string {
	for k, v := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
	}
	return path
}

// fill puts path parameters into an operation's path.
func fill(path string, params map[string]int64) string {
	for k, v := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", itoa64(v))
	}
	return path
}

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// routesUnderAPI lists the server's routes under the API's prefix.
func routesUnderAPI(f *fixture) []string {
	var out []string
	for _, rt := range f.srv.Routes() {
		if strings.HasPrefix(rt.Path, api.Prefix+"/") {
			out = append(out, rt.Method+" "+rt.Path)
		}
	}
	return out
}
