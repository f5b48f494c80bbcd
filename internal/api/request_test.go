package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"dtfund/apiclient"
	"dtfund/internal/api"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// errorOf decodes an error response.
func errorOf(t *testing.T, r response) (code, message string, fields map[string]string) {
	t.Helper()
	var e struct {
		Error struct {
			Code      string            `json:"code"`
			Message   string            `json:"message"`
			Fields    map[string]string `json:"fields"`
			RequestID string            `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.RequestID == "" || r.header.Get("X-Request-Id") != e.Error.RequestID {
		t.Fatalf("not the API's error format (%v): %s", err, r.body)
	}
	return e.Error.Code, e.Error.Message, e.Error.Fields
}

// TestRequestsAreReadStrictly: unknown fields and parameters, wrong types,
// wrong content types and oversized bodies are refused with the field
// named, and nothing is changed; the app's validation answers 422 with the
// fields in the API's names.
func TestRequestsAreReadStrictly(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	tok := f.token("shigongxin")
	cases := []struct {
		name, method, path, body, contentType string
		status                                int
		field, message                        string
	}{
		{"unknown field", "POST", "/publicity/batches", `{"title":"x","start_date":"2030-01-01","colour":"red"}`, "", 400, "colour", "未知字段"},
		{"wrong type", "POST", "/publicity/batches", `{"title":5}`, "", 400, "title", "文本"},
		{"malformed", "POST", "/publicity/batches", `{"title":`, "", 400, "", "JSON"},
		{"two objects", "POST", "/publicity/batches", `{} {}`, "", 400, "", "一个 JSON 对象"},
		{"form body", "POST", "/publicity/batches", `title=x`, "application/x-www-form-urlencoded", 415, "", "application/json"},
		{"unknown query parameter", "GET", "/applications?stat=draft", "", "", 400, "stat", "未知的查询参数"},
		{"bad query value", "GET", "/applications?call_id=abc", "", "", 400, "call_id", "整数"},
		{"unknown state", "GET", "/applications?state=lost", "", "", 400, "state", "未知的申报状态"},
		{"page too large", "GET", "/applications?per_page=101", "", "", 400, "per_page", "1 至 100"},
		{"non-numeric id", "GET", "/applications/abc", "", "", 404, "", "不存在"},
		{"validation", "POST", "/publicity/batches", `{"title":"","start_date":"2020-01-01"}`, "", 422, "start_date", "不能早于今天"},
		{"app field renamed", "POST", "/panels", `{"call_id":0,"size":1}`, "", 422, "call_id", "申报批次"},
		{"too large", "POST", "/publicity/batches", `{"title":"` + strings.Repeat("长", 1<<20) + `"}`, "", 413, "", "上限"},
	}
	for _, c := range cases {
		var body any
		if c.body != "" {
			body = strings.NewReader(c.body)
			if c.contentType == "" {
				c.contentType = "application/json"
			}
		}
		before, _, _ := f.db.FindPublicityBatches(t.Context(), storeBatchFilter())
		r := f.call(c.method, api.Prefix+c.path, tok, body, c.contentType)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
			continue
		}
		code, msg, fields := errorOf(t, r)
		if code != "invalid" && c.status != 404 || c.status == 404 && code != "not_found" {
			t.Errorf("%s: code %s", c.name, code)
		}
		if !strings.Contains(msg, c.message) {
			t.Errorf("%s: message %q does not say %q", c.name, msg, c.message)
		}
		if c.field != "" && fields[c.field] == "" {
			t.Errorf("%s: fields %v do not name %s", c.name, fields, c.field)
		}
		if after, _, _ := f.db.FindPublicityBatches(t.Context(), storeBatchFilter()); len(after) != len(before) {
			t.Errorf("%s: a refused request created a batch", c.name)
		}
	}
}

var (
	snake     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	pathParam = regexp.MustCompile(`\{(\w+)\}`)
)

// TestDocumentConventions checks the document against the API's rules:
// snake_case names, money as integer *_fen, no floating point anywhere,
// instants as date-time, a Chinese summary and a unique ID per operation.
func TestDocumentConventions(t *testing.T) {
	doc := api.BuildDocument(api.Operations())
	for name, s := range doc.Components.Schemas {
		for prop, p := range s.Properties {
			if !snake.MatchString(prop) {
				t.Errorf("%s.%s is not snake_case", name, prop)
			}
			if strings.HasSuffix(prop, "_fen") && p.Type != "integer" && !(p.Type == "array" && p.Items.Type == "integer") {
				t.Errorf("%s.%s: money must be an integer of fen, is %q", name, prop, p.Type)
			}
			if p.Type == "number" {
				t.Errorf("%s.%s is a floating-point number", name, prop)
			}
			if (strings.HasSuffix(prop, "_at") || prop == "at") && p.Format != "date-time" {
				t.Errorf("%s.%s: an instant must be date-time", name, prop)
			}
		}
	}
	ids := map[string]bool{}
	for _, o := range api.Operations() {
		if ids[o.ID] {
			t.Errorf("operation ID %s twice", o.ID)
		}
		ids[o.ID] = true
		if !strings.ContainsFunc(o.Summary, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s: summary %q is not Chinese", o.ID, o.Summary)
		}
		if !slices.ContainsFunc(api.Tags, func(tag struct{ Name, Description string }) bool { return tag.Name == o.Tag }) {
			t.Errorf("%s: tag %q is not one of api.Tags", o.ID, o.Tag)
		}
		// Every {name} of the path is a path field of the request and back.
		var inPath, inType []string
		for _, m := range pathParam.FindAllStringSubmatch(o.Path, -1) {
			inPath = append(inPath, m[1])
		}
		for _, f := range apiclient.WireFields(o.In) {
			if f.In == "path" {
				inType = append(inType, f.Name)
			}
		}
		slices.Sort(inPath)
		slices.Sort(inType)
		if !slices.Equal(inPath, inType) {
			t.Errorf("%s: path parameters %v, request type's path fields %v", o.ID, inPath, inType)
		}
		if o.Method == http.MethodGet && o.Success != http.StatusOK {
			t.Errorf("%s: a GET answers %d", o.ID, o.Success)
		}
	}
}

func storeBatchFilter() store.BatchFilter { return store.BatchFilter{Page: store.Page{Limit: 200}} }

// TestMultipartFieldsAreTyped: a multipart form's fields are read into
// their types (an integer that is not one is refused, 400, naming the
// field), an unknown field is refused, an optional file may be left out,
// and the app's field names read in the API's.
func TestMultipartFieldsAreTyped(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	tok := f.token("shigongxin")
	post := func(fields map[string]string) response {
		body, ct := form(fields, "", nil)()
		return f.call("POST", api.Prefix+"/supervision/cases", tok, body, ct)
	}
	before, _, _ := f.db.FindCases(t.Context(), store.CaseFilter{Page: store.Page{Limit: 100}})
	r := post(map[string]string{"award_id": "abc", "goal": "x", "facts": "y", "found_on": "2026-01-01"})
	if _, msg, fields := errorOf(t, r); r.status != 400 || fields["award_id"] == "" || !strings.Contains(msg, "整数") {
		t.Errorf("non-numeric award_id: %d %s", r.status, r.body)
	}
	r = post(map[string]string{"award_id": "1", "colour": "red"})
	if _, _, fields := errorOf(t, r); r.status != 400 || fields["colour"] == "" {
		t.Errorf("unknown form field: %d %s", r.status, r.body)
	}
	r = post(map[string]string{"award_id": "1", "goal": "设备联网率", "facts": "", "found_on": "2099-01-01"})
	if _, _, fields := errorOf(t, r); r.status != 422 || fields["facts"] == "" || fields["found_on"] == "" {
		t.Errorf("invalid deviation: %d %s", r.status, r.body)
	}
	if after, _, _ := f.db.FindCases(t.Context(), store.CaseFilter{Page: store.Page{Limit: 100}}); len(after) != len(before) {
		t.Error("a refused request opened a case")
	}
}
