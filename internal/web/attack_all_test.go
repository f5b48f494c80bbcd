package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// attackClients logs in one client for every role (the fixture's accounts
// and three more for the roles it lacks) and keeps an anonymous one.
func attackClients(t *testing.T, f *fixture) map[string]*client {
	t.Helper()
	ctx := context.Background()
	users := map[string]string{}
	for role, u := range matrixUsers {
		users[role] = u
	}
	for _, u := range []*dtfund.User{
		{Username: "dfin_x", DisplayName: "县区财政", Role: dtfund.RoleDistrictFinance, DistrictCode: "220174"},
		{Username: "cfin_x", DisplayName: "市财政", Role: dtfund.RoleCityFinance},
		{Username: "insp_x", DisplayName: "第三方", Role: dtfund.RoleInspector},
	} {
		if err := f.app.CreateUser(ctx, app.SystemActor("test"), u, testPassword); err != nil {
			t.Fatal(err)
		}
		users[string(u.Role)] = u.Username
	}
	cs := map[string]*client{"": f.client()}
	for role, u := range users {
		c := f.client()
		c.login(u)
		cs[role] = c
	}
	return cs
}

// callerFor picks a client the route admits (its first role; any user for
// "user"; the visitor for public routes).
func callerFor(cs map[string]*client, rule []string) *client {
	for _, r := range rule {
		switch r {
		case "public":
			return cs[""]
		case "user":
			return cs["applicant"]
		default:
			if c, ok := cs[r]; ok {
				return c
			}
		}
	}
	return nil
}

func auditCount(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.CountAudit(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCSRFOnEveryStateChangingRoute sends every state-changing route of the
// table, as a user it admits, without the CSRF token: each is refused with
// 403 and nothing is written. Only the computations declared NoCSRF (with
// their reason) are exempt, and the JSON API's public operations, which
// carry no cookie authority (docs/ARCHITECTURE.md, “Tokens and CSRF”).
func TestCSRFOnEveryStateChangingRoute(t *testing.T) {
	db := testdb.SQLite(t)
	f := newFixture(t, db)
	cs := attackClients(t, f)
	before := auditCount(t, db)
	checked := 0
	for _, rt := range f.srv.Routes() {
		if rt.Method == http.MethodGet || rt.Access.NoCSRF || (rt.Access.Public && strings.HasPrefix(rt.Path, "/api/")) {
			continue
		}
		c := callerFor(cs, expectedAccess[rt.Method+" "+rt.Path])
		if c == nil {
			t.Errorf("%s %s: no client for its roles", rt.Method, rt.Path)
			continue
		}
		path := strings.NewReplacer("{$}", "", "{date}", "2027-01-04").Replace(regexp.MustCompile(`\{[a-zA-Z]+\}`).ReplaceAllString(rt.Path, "1"))
		req, _ := http.NewRequest(rt.Method, f.ts.URL+path, strings.NewReader(url.Values{"title": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s without a CSRF token: %d, want 403", rt.Method, path, resp.StatusCode)
		}
		checked++
	}
	if after := auditCount(t, db); after != before {
		t.Errorf("requests without a CSRF token wrote %d audit records", after-before)
	}
	if checked < 100 {
		t.Fatalf("only %d state-changing routes checked", checked)
	}
	t.Logf("%d state-changing routes refused without a CSRF token", checked)
}

// queryParams are the names of every query parameter a page reads, taken
// from the handlers' source, so that a new filter is attacked too.
func queryParams(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?:Query\(\)|\bq|\bquery|\bqs)\.Get\("([a-z_]+)"\)`)
	set := map[string]bool{"sort": true, "page": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestInjectionThroughEveryQueryParameter sends SQL and markup payloads in
// every query parameter the handlers read, to every page without path
// parameters, as a user each admits and as another district's official:
// no page fails with 5xx, none reflects the markup unescaped, none shows
// another district's application, and the tables are intact.
func TestInjectionThroughEveryQueryParameter(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ap := submittedApp(t, f) // 汽开区's
		cs := attackClients(t, f)
		params := queryParams(t)
		if len(params) < 15 {
			t.Fatalf("query parameters found in the handlers: %v", params)
		}
		other := f.client()
		other.login("district_b")
		payloads := []string{`' OR '1'='1`, `1); DROP TABLE applications; --`, `-a.id) UNION SELECT password_hash FROM users --`,
			`"><script>alert(1)</script>`}
		pages := 0
		for _, rt := range f.srv.Routes() {
			if rt.Method != http.MethodGet || strings.Contains(rt.Path, "{") && rt.Path != "/{$}" || strings.HasSuffix(rt.Path, ".xlsx") {
				continue
			}
			path := strings.TrimSuffix(rt.Path, "{$}")
			rule := expectedAccess[rt.Method+" "+path]
			if rt.Path == "/{$}" {
				rule = expectedAccess["GET /{$}"]
			}
			c := callerFor(cs, rule)
			callers := []*client{c}
			if allowed(rule, "district_miit") {
				callers = append(callers, other)
			}
			pages++
			for _, pl := range payloads {
				q := url.Values{}
				for _, p := range params {
					q.Set(p, pl)
				}
				for _, cl := range callers {
					if cl == nil {
						continue
					}
					resp, body := cl.get(path + "?" + q.Encode())
					if resp.StatusCode >= 500 {
						t.Errorf("%s with %q in every parameter: status %d", path, pl, resp.StatusCode)
					}
					if strings.Contains(body, "<script>alert(1)") {
						t.Errorf("%s reflects the markup unescaped", path)
					}
					if cl == other && strings.Contains(body, ap.Number) {
						t.Errorf("%s shows another district's application to %q", path, pl)
					}
				}
			}
			for _, p := range params { // one parameter at a time, so none is masked by another's refusal
				if c == nil {
					break
				}
				if resp, _ := c.get(path + "?" + url.Values{p: {payloads[1]}}.Encode()); resp.StatusCode >= 500 {
					t.Errorf("%s?%s=…: status %d", path, p, resp.StatusCode)
				}
			}
		}
		if pages < 40 {
			t.Fatalf("only %d pages attacked", pages)
		}
		t.Logf("%d pages attacked through %d parameters: %v", pages, len(params), params)
		if _, total, err := db.FindApplications(context.Background(), store.ApplicationFilter{}); err != nil || total != 1 {
			t.Fatalf("applications after the attempts: %d, %v", total, err)
		}
	})
}

// TestNoUnescapedMarkupFromData: every page is an html/template, which
// escapes by context; the only markup built in Go is the charts, which
// escape every label themselves (chart.go, TestChartsEscapeAndScale). A new
// template.HTML conversion elsewhere must be reviewed and listed here.
func TestNoUnescapedMarkupFromData(t *testing.T) {
	allowedFiles := map[string]bool{"chart.go": true, "stats.go": true}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`template\.(HTML|HTMLAttr|JS|JSStr|URL|CSS|Srcset)\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || allowedFiles[f] {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if re.Match(b) {
			t.Errorf("%s converts a string to trusted markup: review it for escaping and list it here", f)
		}
	}
}
