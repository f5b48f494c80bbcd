package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

var publicSiteAccess = map[string][]string{
	"GET /public/measures":              {"public"},
	"GET /public/calls":                 {"public"},
	"GET /public/calls/{id}":            {"public"},
	"GET /public/announcements":         {"public"},
	"GET /public/publicity/{id}/notice": {"public"},
	"GET /public/calendar/days":         {"public"},
	"GET /public/announcements/{id}":    {"public"},
	"GET /announcements":                {"city_miit"},
	"GET /announcements/new":            {"city_miit"},
	"POST /announcements":               {"city_miit"},
	"GET /announcements/{id}/edit":      {"city_miit"},
	"POST /announcements/{id}/edit":     {"city_miit"},
	"POST /announcements/{id}/withdraw": {"city_miit"},
}

func init() {
	for k, v := range publicSiteAccess {
		expectedAccess[k] = v
	}
}

func TestMeasuresPageShowsEveryArticleWithItsImplementation(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		resp, body := f.client().get("/public/measures")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{`id="a1"`, `id="a21"`, "第二十一条", "企业出一点、服务商让一点、政府补一点", "第七条 如何执行", "规则判定", "policy.PilotIndustry"} {
			if !strings.Contains(body, want) {
				t.Errorf("measures page lacks %q", want)
			}
		}
	})
}

// The city bureau drafts, publishes and withdraws an announcement; the
// public sees it only while published; a bad form names the field and
// keeps the values.
func TestAnnouncementsLifecycle(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		city, anon := f.client(), f.client()
		city.login("city")
		resp, body := city.post("/announcements", url.Values{"csrf_token": {city.csrf("/announcements/new")}, "title": {"关于<开展>申报的通知"},
			"kind": {"notice"}, "body": {""}, "publish": {"1"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写公告正文") || !strings.Contains(body, "关于&lt;开展&gt;申报的通知") {
			t.Fatalf("invalid form: %d", resp.StatusCode)
		}
		if _, n, _ := db.FindAnnouncements(t.Context(), store.AnnouncementFilter{}); n != 0 {
			t.Fatalf("an invalid form wrote %d announcements", n)
		}
		resp, _ = city.post("/announcements", url.Values{"csrf_token": {city.csrf("/announcements/new")}, "title": {"关于开展申报的通知"},
			"kind": {"notice"}, "body": {"请各企业按时申报。"}, "publish": {"0"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save draft: %d", resp.StatusCode)
		}
		anns, _, err := db.FindAnnouncements(t.Context(), store.AnnouncementFilter{})
		if err != nil || len(anns) != 1 || anns[0].State != store.AnnDraft {
			t.Fatalf("draft: %+v %v", anns, err)
		}
		id := itoa(anns[0].ID)
		if resp, _ := anon.get("/public/announcements/" + id); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the public sees a draft: %d", resp.StatusCode)
		}
		city.post("/announcements/"+id+"/edit", url.Values{"csrf_token": {city.csrf("/announcements/" + id + "/edit")}, "title": {"关于开展申报的通知"},
			"kind": {"notice"}, "body": {"请各企业按时申报。"}, "publish": {"1"}})
		if _, body := anon.get("/public/announcements"); !strings.Contains(body, "关于开展申报的通知") {
			t.Fatal("published announcement not listed")
		}
		if _, body := anon.get("/"); !strings.Contains(body, "关于开展申报的通知") {
			t.Fatal("published announcement not on the home page")
		}
		city.post("/announcements/"+id+"/withdraw", url.Values{"csrf_token": {city.csrf("/announcements")}})
		if resp, _ := anon.get("/public/announcements/" + id); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("withdrawn announcement still public: %d", resp.StatusCode)
		}
		applicant := f.client()
		applicant.login("applicant")
		if resp, _ := applicant.get("/announcements"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("applicant manages announcements: %d", resp.StatusCode)
		}
	})
}

func TestCalendarDaysForThePicker(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client()
		resp, body := c.get("/public/calendar/days?year=2026")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var got struct {
			Year int
			Off  map[string]string
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Off["2026-10-01"] != "法定节假日（国庆节）" || got.Off["2026-11-28"] != "周末" {
			t.Fatalf("holidays = %q, %q", got.Off["2026-10-01"], got.Off["2026-11-28"])
		}
		if _, ok := got.Off["2026-11-26"]; ok {
			t.Fatal("a Thursday marked non-working")
		}
		if n := len(got.Off); n < 104 || n > 130 {
			t.Fatalf("%d non-working days in 2026", n)
		}
		if resp, _ := c.get("/public/calendar/days?year=abc"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad year: %d", resp.StatusCode)
		}
	})
}
