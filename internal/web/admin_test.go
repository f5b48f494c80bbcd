package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dtfund/calendar"
	"dtfund/internal/testdb"
)

func TestAdminCreatesUserWithValidation(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("admin")
	token := c.csrf("/admin/users")
	bad := url.Values{"csrf_token": {token}, "username": {"x"}, "display_name": {""}, "role": {"district_miit"}, "password": {"weak"}}
	resp, body := c.post("/admin/users", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "用户名须为3至32位") {
		t.Fatalf("bad user: %d", resp.StatusCode)
	}
	good := url.Values{"csrf_token": {token}, "username": {"new.official"}, "display_name": {"新干部"}, "role": {"district_miit"},
		"district_code": {"220173"}, "password": {"GoodPassw0rd"}}
	resp, body = c.post("/admin/users", good)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user: %d %s", resp.StatusCode, body)
	}
	u, err := f.app.UserByUsername(context.Background(), "new.official")
	if err != nil || u.DistrictCode != "220173" {
		t.Fatalf("created user = %+v, %v", u, err)
	}
	fresh := f.client()
	token = fresh.csrf("/login")
	if resp, _ := fresh.post("/login", url.Values{"username": {"new.official"}, "password": {"GoodPassw0rd"}, "csrf_token": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new user cannot log in: %d", resp.StatusCode)
	}
	// The list is searchable.
	if _, body := c.get("/admin/users?q=official"); !strings.Contains(body, "new.official") || strings.Contains(body, ">applicant<") {
		t.Fatal("user search does not filter")
	}
}

func TestAdminCalendarOverrides(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("admin")
	token := c.csrf("/admin/calendar")
	// Without a source the override is refused.
	resp, body := c.post("/admin/calendar", url.Values{"csrf_token": {token}, "date": {"2027-01-04"}, "working": {"false"}, "name": {"测试"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "来源") {
		t.Fatalf("override without source: %d", resp.StatusCode)
	}
	// A CSV upload of a year's schedule.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", token)
	fw, _ := mw.CreateFormFile("file", "2027.csv")
	fw.Write([]byte("2027-01-04,休息日,元旦调整,测试通知\n2027-01-09,工作日,调休,测试通知\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", f.ts.URL+"/admin/calendar/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r2, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", r2.StatusCode)
	}
	cal, err := f.app.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mon, _ := calendar.ParseDate("2027-01-04")
	sat, _ := calendar.ParseDate("2027-01-09")
	if cal.IsWorkingDay(mon) || !cal.IsWorkingDay(sat) {
		t.Fatal("imported overrides not applied to the calendar")
	}
	// The public page sees them too.
	if _, body := c.get("/public/calendar?date=2027-01-04"); !strings.Contains(body, "管理员设定") {
		t.Fatal("public calendar ignores overrides")
	}
	resp, _ = c.post("/admin/calendar/2027-01-04/delete", url.Values{"csrf_token": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	cal, _ = f.app.Calendar(context.Background())
	if !cal.IsWorkingDay(mon) {
		t.Fatal("deleted override still applied")
	}
	// A malformed file is refused with the line number.
	var bad bytes.Buffer
	mw = multipart.NewWriter(&bad)
	mw.WriteField("csrf_token", token)
	fw, _ = mw.CreateFormFile("file", "bad.csv")
	fw.Write([]byte("2027-01-04,休息日,元旦,来源\n2027-13-01,休息日,x,来源\n"))
	mw.Close()
	req, _ = http.NewRequest("POST", f.ts.URL+"/admin/calendar/import", &bad)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r3, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Body.Close()
	if r3.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad import: %d", r3.StatusCode)
	}
	cal, _ = f.app.Calendar(context.Background())
	if !cal.IsWorkingDay(mon) {
		t.Fatal("a rejected file changed the calendar")
	}
}

func TestStaticAssetsHashed(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	_, body := c.get("/login")
	i := strings.Index(body, "/static/app.")
	if i < 0 {
		t.Fatal("no hashed stylesheet link")
	}
	href := body[i : i+strings.Index(body[i:], `"`)]
	resp, css := c.get(href)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, "--brand") {
		t.Fatalf("asset %s: %d %q", href, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := c.get("/static/app.css"); resp.StatusCode != 404 {
		t.Fatalf("unhashed asset name served: %d", resp.StatusCode)
	}
}

func TestAuditViewer(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("admin")
	resp, body := c.get("/admin/audit?action=user.create")
	if resp.StatusCode != 200 || !strings.Contains(body, "user.create") || strings.Contains(body, ">login<") {
		t.Fatalf("audit viewer filtered by action: %d", resp.StatusCode)
	}
	_, body = c.get("/admin/audit?actor=admin&action=login")
	if !strings.Contains(body, ">login<") {
		t.Fatal("the admin's own login is not in the audit log")
	}
}

func TestDemoClock(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	c := f.client()
	c.login("admin")
	if resp, _ := c.get("/admin/demo-clock"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("demo clock outside the demo: %d, want 404", resp.StatusCode)
	}
	var moved int
	f.srv.DemoClock = func(days int) time.Time { moved += days; return time.Now().AddDate(0, 0, moved) }
	token := c.csrf("/admin/demo-clock")
	if resp, body := c.post("/admin/demo-clock", url.Values{"csrf_token": {token}, "days": {"99"}}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "1至60") {
		t.Fatalf("bad days: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/admin/demo-clock", url.Values{"csrf_token": {token}, "days": {"10"}}); resp.StatusCode != http.StatusSeeOther || moved != 10 {
		t.Fatalf("advance: %d, moved %d", resp.StatusCode, moved)
	}
	if _, body := c.get("/home"); !strings.Contains(body, "演示系统") {
		t.Fatal("no demo banner")
	}
}
