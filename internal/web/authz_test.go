package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/testdb"
)

// expectedAccess is the authorization matrix written down independently of
// the route table: for every route, who may call it. "public" means anyone,
// "user" any logged-in user. A route in the table but missing here fails the
// test, so a new route cannot ship without a declared and tested rule.
var expectedAccess = map[string][]string{
	"GET /{$}":                           {"public"},
	"GET /healthz":                       {"public"},
	"GET /readyz":                        {"public"},
	"GET /favicon.ico":                   {"public"},
	"GET /login":                         {"public"},
	"POST /login":                        {"public"},
	"POST /logout":                       {"user"},
	"GET /home":                          {"user"},
	"GET /profile/org":                   {"applicant"},
	"POST /profile/org":                  {"applicant"},
	"GET /orgs":                          {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /orgs/{id}":                     {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /admin/users":                   {"admin"},
	"POST /admin/users":                  {"admin"},
	"GET /admin/users/{id}":              {"admin"},
	"POST /admin/users/{id}":             {"admin"},
	"POST /admin/users/{id}/password":    {"admin"},
	"POST /admin/users/{id}/revoke":      {"admin"},
	"GET /admin/calendar":                {"admin"},
	"POST /admin/calendar":               {"admin"},
	"POST /admin/calendar/import":        {"admin"},
	"POST /admin/calendar/{date}/delete": {"admin"},
	"GET /public/calculator":             {"public"},
	"POST /public/calculator":            {"public"},
	"GET /public/calendar":               {"public"},
	"POST /api/v1/policy/evaluate":       {"public"},
	"GET /admin/audit":                   {"admin", "city_miit", "city_finance"},
	"GET /admin/demo-clock":              {"admin", "city_miit"},
	"POST /admin/demo-clock":             {"admin", "city_miit"},
}

// matrixUsers are the fixture's accounts, one per role that has one.
var matrixUsers = map[string]string{
	"applicant": "applicant", "district_miit": "district_a", "city_miit": "city", "expert": "expert", "admin": "admin",
}

func allowed(rule []string, role string) bool {
	for _, r := range rule {
		if r == "public" || (r == "user" && role != "") || r == role {
			return true
		}
	}
	return false
}

func TestAuthorizationMatrix(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	routes := f.srv.Routes()
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		if _, ok := expectedAccess[key]; !ok {
			t.Errorf("route %s has no expected access in the matrix: add it to expectedAccess", key)
		}
	}
	for key := range expectedAccess {
		if !seen[key] {
			t.Errorf("matrix lists %s, which is not a route", key)
		}
	}
	// The declaration beside each route must match the matrix for every role.
	for _, rt := range routes {
		rule := expectedAccess[rt.Method+" "+rt.Path]
		if rt.Access.Allows(nil) != allowed(rule, "") {
			t.Errorf("%s %s: declared access for anonymous visitors differs from the matrix", rt.Method, rt.Path)
		}
		for _, role := range dtfund.Roles {
			if rt.Access.Allows(&dtfund.User{Role: role}) != allowed(rule, string(role)) {
				t.Errorf("%s %s: declared access for %s differs from the matrix", rt.Method, rt.Path, role)
			}
		}
	}
	spare := &dtfund.User{Username: "spare", DisplayName: "备用", Role: dtfund.RoleExpert}
	if err := f.app.CreateUser(context.Background(), app.SystemActor("test"), spare, testPassword); err != nil {
		t.Fatal(err)
	}
	// And the server must behave as declared.
	clients := map[string]*client{"": f.client()}
	for role, user := range matrixUsers {
		c := f.client()
		c.login(user)
		clients[role] = c
	}
	for _, rt := range routes {
		rule := expectedAccess[rt.Method+" "+rt.Path]
		path := concretePath(rt.Path, f, spare.ID)
		for role, c := range clients {
			if rt.Path == "/logout" {
				continue // logging out would end the client's session; covered in TestLogout
			}
			status, loc := c.call(rt.Method, path)
			denied := status == http.StatusForbidden || status == http.StatusUnauthorized ||
				(status == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next="))
			want := allowed(rule, role)
			if want && denied {
				t.Errorf("%s %s as %q: denied (%d), want allowed", rt.Method, path, role, status)
			}
			if !want && !denied {
				t.Errorf("%s %s as %q: status %d, want denied", rt.Method, path, role, status)
			}
		}
	}
}

// concretePath fills path parameters with IDs that exist.
// User routes act on a spare account, so that revoking sessions or resetting
// a password does not log out the clients of the test.
func concretePath(p string, f *fixture, spareUser int64) string {
	r := strings.NewReplacer("{$}", "", "{id}", itoa(f.orgA.ID), "{date}", "2027-01-04")
	if strings.HasPrefix(p, "/admin/users/") {
		return strings.ReplaceAll(p, "{id}", itoa(spareUser))
	}
	return r.Replace(p)
}

// call sends a request with the client's CSRF token on unsafe methods, so
// that only authorization decides.
func (c *client) call(method, path string) (int, string) {
	c.f.t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodGet {
		resp, err = c.c.Get(c.f.ts.URL + path)
	} else {
		page := "/login"
		if resp, _ := c.get("/home"); resp.StatusCode == http.StatusOK {
			page = "/home" // logged in: the token is bound to the session
		}
		token := c.csrf(page)
		req, _ := http.NewRequest(method, c.f.ts.URL+path, strings.NewReader(url.Values{"csrf_token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", token)
		resp, err = c.c.Do(req)
	}
	if err != nil {
		c.f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func TestAnotherDistrictsOfficialSeesNothingOfOurs(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	other := f.client()
	other.login("district_b") // 高新区; orgA is in 汽开区
	for _, p := range []string{"/orgs/" + itoa(f.orgA.ID)} {
		if status, _ := other.call("GET", p); status != http.StatusNotFound {
			t.Errorf("%s as another district's official: %d, want 404", p, status)
		}
	}
}
