package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// Stored XSS: what an applicant types is shown escaped to the officials.
func TestStoredXSSIsEscaped(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	form := profileForm(c)
	payload := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	form.Set("name", payload)
	form.Set("address", payload)
	if resp, body := c.post("/profile/org", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	city := f.client()
	city.login("city")
	for _, p := range []string{"/orgs", "/orgs/" + itoa(f.orgA.ID)} {
		resp, body := city.get(p)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Fatalf("%s renders the payload unescaped", p)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Fatalf("%s does not show the escaped payload", p)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Fatalf("%s without CSP", p)
		}
	}
}

// Reflected XSS through query parameters of lists and public pages.
func TestReflectedXSSIsEscaped(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("city")
	payload := url.QueryEscape(`"><script>alert(1)</script>`)
	for _, p := range []string{"/apps?q=" + payload, "/orgs?q=" + payload, "/public/calendar?date=" + payload,
		"/admin/audit?actor=" + payload, "/login?next=" + payload} {
		_, body := c.get(p)
		if strings.Contains(body, "<script>alert(1)") {
			t.Errorf("%s reflects the payload unescaped", p)
		}
	}
}

// SQL injection through every filter and search parameter: the queries are
// parameterised, so the input is data: no error, no rows from outside the
// caller's scope, and the tables are intact.
func TestSQLInjectionThroughFilters(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ap := submittedApp(t, f) // in 汽开区
		other := f.client()
		other.login("district_b")
		payloads := []string{`' OR '1'='1`, `1; DROP TABLE applications; --`, `%' OR 1=1 --`, `\' UNION SELECT * FROM users --`}
		params := []string{"q", "state", "category", "industry", "district", "call", "page"}
		for _, pl := range payloads {
			for _, p := range params {
				resp, body := other.get("/apps?" + p + "=" + url.QueryEscape(pl))
				if resp.StatusCode >= 500 {
					t.Fatalf("/apps?%s=%q: status %d", p, pl, resp.StatusCode)
				}
				if strings.Contains(body, ap.Number) {
					t.Fatalf("/apps?%s=%q leaks another district's application", p, pl)
				}
			}
			if resp, body := other.get("/orgs?q=" + url.QueryEscape(pl)); resp.StatusCode >= 500 || strings.Contains(body, f.orgA.Name) {
				t.Fatalf("/orgs?q=%q: %d or leak", pl, resp.StatusCode)
			}
		}
		if _, total, err := db.FindApplications(context.Background(), store.ApplicationFilter{}); err != nil || total != 1 {
			t.Fatalf("applications table after the attempts: %d, %v", total, err)
		}
	})
}

// Session fixation: a session cookie planted before login is not adopted.
func TestSessionFixation(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	u, _ := url.Parse(f.ts.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dtfund_session", Value: "attacker-chosen-token", Path: "/"}})
	c.login("city")
	var got string
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "dtfund_session" {
			got = ck.Value
		}
	}
	if got == "" || got == "attacker-chosen-token" {
		t.Fatalf("session token after login = %q: the planted token was kept", got)
	}
	attacker := f.client()
	attacker.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dtfund_session", Value: "attacker-chosen-token", Path: "/"}})
	if resp, _ := attacker.get("/home"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("planted token opens a session: %d", resp.StatusCode)
	}
}

// Path traversal through static and attachment URLs.
func TestPathTraversal(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	for _, p := range []string{"/static/../../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod",
		"/apps/1/attachments/..%2f..%2fgo.mod"} {
		resp, body := c.get(p)
		if resp.StatusCode == http.StatusOK && strings.Contains(body, "module dtfund") {
			t.Fatalf("%s served a file outside the assets", p)
		}
	}
}
