package web_test

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/internal/web"
	"dtfund/uscc"
)

const testPassword = "Passw0rdTest"

// fixture is a running server over a fresh database with one user per role,
// two district officials of different districts and two organisations.
type fixture struct {
	t    *testing.T
	app  *app.App
	srv  *web.Server
	ts   *httptest.Server
	orgA *dtfund.Organization // 汽开区 220174
	orgB *dtfund.Organization // 高新区 220173
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(db, log)
	a.Hasher = app.NewTestPasswordHasher()
	srv, err := web.New(ctx, a, log, "test")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, app: a, srv: srv}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	sys := app.SystemActor("test")
	r := rand.New(rand.NewPCG(7, 8))
	f.orgA = &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', "220174"), Name: "甲汽车零部件有限公司", Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: "220174", DistrictCode: "220174", IndustryCode: "3670", IsApplicant: true}
	f.orgB = &dtfund.Organization{USCC: uscc.Generate(r, '9', '1', "220173"), Name: "乙电子有限公司", Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: "220173", DistrictCode: "220173", IndustryCode: "3982", IsApplicant: true}
	for _, o := range []*dtfund.Organization{f.orgA, f.orgB} {
		if err := a.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
	}
	users := []*dtfund.User{
		{Username: "applicant", DisplayName: "企业用户", Role: dtfund.RoleApplicant, OrgID: f.orgA.ID},
		{Username: "district_a", DisplayName: "汽开区工信", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220174"},
		{Username: "district_b", DisplayName: "高新区工信", Role: dtfund.RoleDistrictMIIT, DistrictCode: "220173"},
		{Username: "city", DisplayName: "市工信", Role: dtfund.RoleCityMIIT},
		{Username: "expert", DisplayName: "专家", Role: dtfund.RoleExpert},
		{Username: "admin", DisplayName: "管理员", Role: dtfund.RoleAdmin},
	}
	for _, u := range users {
		if err := a.CreateUser(ctx, sys, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// client is a browser-like client with its own cookie jar.
type client struct {
	f *fixture
	c *http.Client
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (*http.Response, string) {
	c.f.t.Helper()
	resp, err := c.c.Get(c.f.ts.URL + path)
	if err != nil {
		c.f.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf fetches a page and returns the CSRF token of its first form.
func (c *client) csrf(path string) string {
	c.f.t.Helper()
	_, body := c.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		c.f.t.Fatalf("no csrf token on %s", path)
	}
	return m[1]
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.f.t.Helper()
	resp, err := c.c.PostForm(c.f.ts.URL+path, form)
	if err != nil {
		c.f.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (c *client) login(username string) {
	c.f.t.Helper()
	token := c.csrf("/login")
	resp, body := c.post("/login", url.Values{"username": {username}, "password": {testPassword}, "csrf_token": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		c.f.t.Fatalf("login %s: status %d: %s", username, resp.StatusCode, body)
	}
}

func TestLogin(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		// Bad password: 401 with a message, no session.
		token := c.csrf("/login")
		resp, body := c.post("/login", url.Values{"username": {"city"}, "password": {"wrong"}, "csrf_token": {token}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
			t.Fatalf("bad password: %d %s", resp.StatusCode, body)
		}
		if resp, _ := c.get("/home"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("home without login: %d, want redirect to login", resp.StatusCode)
		}
		// Good password: redirect, then the home page of the role.
		c.login("city")
		resp, body = c.get("/home")
		if resp.StatusCode != 200 || !strings.Contains(body, "市工业和信息化局") || !strings.Contains(body, "单位查询") {
			t.Fatalf("home after login: %d", resp.StatusCode)
		}
	})
}

func TestLoginThrottled(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		for i := 0; i < app.MaxFailuresPerUser; i++ {
			token := c.csrf("/login")
			c.post("/login", url.Values{"username": {"admin"}, "password": {"wrong"}, "csrf_token": {token}})
		}
		// Now even the right password is refused until the window passes.
		token := c.csrf("/login")
		resp, body := c.post("/login", url.Values{"username": {"admin"}, "password": {testPassword}, "csrf_token": {token}})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "登录失败次数过多") {
			t.Fatalf("throttled login: %d, want 429", resp.StatusCode)
		}
		// Another account from the same address is not locked by this one.
		other := f.client()
		other.login("city")
	})
}

func TestCSRFRejected(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("applicant")
	form := url.Values{"name": {"改名"}}
	resp, body := c.post("/profile/org", form)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Fatalf("post without token: %d", resp.StatusCode)
	}
	form.Set("csrf_token", "forged")
	if resp, _ := c.post("/profile/org", form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("post with forged token: %d", resp.StatusCode)
	}
	// A token from another session does not work either.
	other := f.client()
	other.login("applicant")
	form.Set("csrf_token", other.csrf("/profile/org"))
	if resp, _ := c.post("/profile/org", form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("post with another session's token: %d", resp.StatusCode)
	}
	// A cross-site browser request is refused even with the right token.
	req, _ := http.NewRequest("POST", f.ts.URL+"/logout", strings.NewReader(url.Values{"csrf_token": {c.csrf("/home")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp2, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", resp2.StatusCode)
	}
	o, _ := f.app.DB.Organization(context.Background(), f.orgA.ID, "")
	if o.Name != f.orgA.Name {
		t.Fatal("organisation changed by a refused request")
	}
}

func TestWrongRoleForbiddenAndOtherDistrictNotFound(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		c.login("district_a")
		if resp, _ := c.get("/admin/users"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("district official on admin page: %d, want 403", resp.StatusCode)
		}
		if resp, _ := c.get("/profile/org"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("district official on applicant page: %d, want 403", resp.StatusCode)
		}
		if resp, body := c.get("/orgs/" + itoa(f.orgA.ID)); resp.StatusCode != 200 || !strings.Contains(body, f.orgA.Name) {
			t.Fatalf("own district's organisation: %d", resp.StatusCode)
		}
		if resp, _ := c.get("/orgs/" + itoa(f.orgB.ID)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other district's organisation: %d, want 404", resp.StatusCode)
		}
		_, body := c.get("/orgs")
		if !strings.Contains(body, f.orgA.Name) || strings.Contains(body, f.orgB.Name) {
			t.Fatal("organisation list not limited to the district")
		}
		e := f.client()
		e.login("expert")
		if resp, _ := e.get("/orgs"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("expert on organisation list: %d, want 403", resp.StatusCode)
		}
		city := f.client()
		city.login("city")
		if resp, _ := city.get("/orgs/" + itoa(f.orgB.ID)); resp.StatusCode != 200 {
			t.Fatalf("city official on any organisation: %d", resp.StatusCode)
		}
	})
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestRevokedSession(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		victim := f.client()
		victim.login("city")
		if resp, _ := victim.get("/home"); resp.StatusCode != 200 {
			t.Fatal("not logged in")
		}
		admin := f.client()
		admin.login("admin")
		u, err := f.app.UserByUsername(context.Background(), "city")
		if err != nil {
			t.Fatal(err)
		}
		token := admin.csrf("/admin/users/" + itoa(u.ID))
		resp, body := admin.post("/admin/users/"+itoa(u.ID)+"/revoke", url.Values{"csrf_token": {token}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", resp.StatusCode, body)
		}
		if resp, _ := victim.get("/home"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("revoked session still works: %d", resp.StatusCode)
		}
	})
}

func TestLogout(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("expert")
	token := c.csrf("/home")
	if resp, _ := c.post("/logout", url.Values{"csrf_token": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := c.get("/home"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("still logged in after logout")
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	for _, p := range []string{"/", "/login", "/nope", "/healthz"} {
		resp, _ := c.get(p)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: missing nosniff or request id", p)
		}
	}
	token := c.csrf("/login")
	resp, err := c.c.PostForm(f.ts.URL+"/login", url.Values{"username": {"admin"}, "password": {testPassword}, "csrf_token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var found bool
	for _, ck := range resp.Cookies() {
		if ck.Name == "dtfund_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set at login")
	}
}

func TestHealthAndReady(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	if resp, body := c.get("/healthz"); resp.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	if resp, body := c.get("/readyz"); resp.StatusCode != 200 || !strings.Contains(body, "ready") {
		t.Fatalf("readyz: %d %s", resp.StatusCode, body)
	}
	f.app.DB.Close()
	if resp, _ := c.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with closed database: %d, want 503", resp.StatusCode)
	}
}
