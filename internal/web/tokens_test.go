package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/testdb"
)

var secretRE = regexp.MustCompile(`dtf_[A-Za-z0-9_-]{40,}`)

// bearer sends a request with a token and no cookies.
func (f *fixture) bearer(method, path, token, body string) (int, string) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTokenPageShowsTheSecretOnceAndRevokes(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	token := c.csrf("/profile/tokens")
	resp, body := c.post("/profile/tokens", url.Values{"name": {""}, "csrf_token": {token}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "令牌名称不能为空") {
		t.Fatalf("token without a name: %d", resp.StatusCode)
	}
	resp, body = c.post("/profile/tokens", url.Values{"name": {"财务系统对接"}, "expires_on": {""}, "csrf_token": {token}})
	secret := secretRE.FindString(body)
	if resp.StatusCode != http.StatusCreated || secret == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, secret %q", resp.StatusCode, secret)
	}
	if _, body := c.get("/profile/tokens"); strings.Contains(body, secret) || !strings.Contains(body, "财务系统对接") {
		t.Fatal("the list shows the secret again, or not the token")
	}
	status, body := f.bearer("GET", "/api/v1/me", secret, "")
	if status != 200 || !strings.Contains(body, `"username": "applicant"`) || !strings.Contains(body, `"csrf_token": null`) {
		t.Fatalf("me with the token: %d %s", status, body)
	}
	toks, err := f.app.Tokens(context.Background(), app.Actor{User: userNamed(t, f, "applicant")}, userNamed(t, f, "applicant").ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens: %v %v", toks, err)
	}
	// Another user cannot revoke it; the owner can.
	other := f.client()
	other.login("city")
	if resp, _ := other.post("/profile/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{"csrf_token": {other.csrf("/profile/tokens")}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's revocation: %d, want 404", resp.StatusCode)
	}
	if status, _ := f.bearer("GET", "/api/v1/me", secret, ""); status != 200 {
		t.Fatal("a refused revocation revoked the token")
	}
	if resp, _ := c.post("/profile/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{"csrf_token": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	status, body = f.bearer("GET", "/api/v1/me", secret, "")
	if status != http.StatusUnauthorized || !strings.Contains(body, `"code": "unauthorized"`) {
		t.Fatalf("revoked token: %d %s", status, body)
	}
}

func TestAdminRevokesAUsersTokens(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	u := userNamed(t, f, "city")
	secret, _, err := f.app.CreateToken(context.Background(), app.Actor{User: u}, "统计报送", "")
	if err != nil {
		t.Fatal(err)
	}
	admin := f.client()
	admin.login("admin")
	page := "/admin/users/" + itoa(u.ID) + "/tokens"
	if _, body := admin.get(page); !strings.Contains(body, "统计报送") || strings.Contains(body, secret) {
		t.Fatal("the admin page does not list the token, or shows its secret")
	}
	if resp, _ := admin.post(page+"/revoke", url.Values{"csrf_token": {admin.csrf(page)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke all: %d", resp.StatusCode)
	}
	if status, _ := f.bearer("GET", "/api/v1/me", secret, ""); status != http.StatusUnauthorized {
		t.Fatalf("token after the admin revoked all: %d", status)
	}
}

// TestAPICSRFRule: a state-changing API call authenticated by the session
// cookie needs the CSRF token (X-CSRF-Token, as GET /api/v1/me gives it);
// one authenticated by a bearer token does not (no cookie is involved, and
// cookies are ignored when a token is sent); an anonymous call to a public
// operation is refused when the browser says it is cross-site.
func TestAPICSRFRule(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	orgBody := `{"uscc":"` + f.orgA.USCC + `","name":"甲汽车零部件有限公司（改）","kind":"enterprise","legal_person":true,"region_code":"220174","district_code":"220174","industry_code":"3670","is_applicant":true}`
	put := func(token string) int {
		req, _ := http.NewRequest("PUT", f.ts.URL+"/api/v1/profile/organization", strings.NewReader(orgBody))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := put(""); status != http.StatusForbidden {
		t.Fatalf("cookie PUT without the CSRF token: %d, want 403", status)
	}
	if status := put("forged"); status != http.StatusForbidden {
		t.Fatalf("cookie PUT with a forged token: %d, want 403", status)
	}
	o, _ := f.app.DB.Organization(context.Background(), f.orgA.ID, "")
	if o.Name != f.orgA.Name {
		t.Fatal("a refused request changed the organisation")
	}
	resp, body := c.get("/api/v1/me")
	var me struct {
		CSRFToken *string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil || resp.StatusCode != 200 || me.CSRFToken == nil {
		t.Fatalf("me with the cookie: %d %s", resp.StatusCode, body)
	}
	if status := put(*me.CSRFToken); status != http.StatusOK {
		t.Fatalf("cookie PUT with the CSRF token: %d", status)
	}
	// A token needs no CSRF token, even with another user's cookie jar.
	secret, _, err := f.app.CreateToken(context.Background(), app.Actor{User: userNamed(t, f, "applicant")}, "脚本", "")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := f.bearer("PUT", "/api/v1/profile/organization", secret, orgBody); status != http.StatusOK {
		t.Fatalf("bearer PUT: %d %s", status, body)
	}
	// Anonymous public calls: allowed, unless a browser says cross-site.
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/public/publicity/batches/1/objections", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site anonymous objection: %d, want 403", resp2.StatusCode)
	}
	req, _ = http.NewRequest("POST", f.ts.URL+"/api/v1/public/publicity/batches/1/objections", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	resp3, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode == http.StatusForbidden || resp3.StatusCode == http.StatusUnauthorized {
		t.Fatalf("anonymous objection from a program: %d", resp3.StatusCode)
	}
	if resp3.Header.Get("Set-Cookie") != "" {
		t.Fatal("an API call got a cookie")
	}
}

func TestBearerHeaderFormat(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	for _, h := range []string{"Basic YWJj", "Bearer", "Bearer dtf_nope"} {
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("Authorization %q: %d %s", h, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

func userNamed(t *testing.T, f *fixture, username string) *dtfund.User {
	t.Helper()
	u, err := f.app.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
