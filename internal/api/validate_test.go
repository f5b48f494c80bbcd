package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"dtfund/apiclient"
)

// TestValidateCatchesEachViolation: the contract tests' validator refuses
// each kind of departure from a generated schema, and accepts a conforming
// value, after a round trip through the document's JSON.
func TestValidateCatchesEachViolation(t *testing.T) {
	g := newSchemas()
	ref := g.of(reflect.TypeFor[apiclient.Notification]())
	raw, err := json.Marshal(g.components)
	if err != nil {
		t.Fatal(err)
	}
	var comps map[string]*Schema
	if err := json.Unmarshal(raw, &comps); err != nil {
		t.Fatal(err)
	}
	if !comps["Notification"].Closed {
		t.Fatal("additionalProperties: false lost in the round trip")
	}
	good := `{"id": 1, "application_id": null, "subject": "s", "body": "b", "created_at": "2026-03-01T01:00:00Z", "read_at": null}`
	cases := map[string]string{
		"":                               good,
		`required property "subject"`:    `{"id": 1, "application_id": null, "body": "b", "created_at": "2026-03-01T01:00:00Z", "read_at": null}`,
		"where an integer is required":   strings.Replace(good, `"id": 1`, `"id": 1.5`, 1),
		`property "extra" is not`:        strings.Replace(good, `"body": "b"`, `"body": "b", "extra": 1`, 1),
		"not an RFC 3339 instant in UTC": strings.Replace(good, `01:00:00Z`, `09:00:00+08:00`, 1),
		"null where string is required":  strings.Replace(good, `"subject": "s"`, `"subject": null`, 1),
		"where a string is required":     strings.Replace(good, `"body": "b"`, `"body": 3`, 1),
		"where an object is required":    `[]`,
		"null where integer is required": strings.Replace(good, `"id": 1`, `"id": null`, 1),
		"where an integer is required ":  strings.Replace(good, `"application_id": null`, `"application_id": "7"`, 1),
	}
	for want, doc := range cases {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		problems := Validate(v, ref, comps)
		switch {
		case want == "" && len(problems) > 0:
			t.Errorf("conforming value refused: %v", problems)
		case want != "" && !strings.Contains(strings.Join(problems, "\n"), strings.TrimSpace(want)):
			t.Errorf("want a problem %q, got %v", want, problems)
		}
	}
	enum := &Schema{Type: "string", Enum: []string{"open", "closed"}}
	if p := Validate("lost", enum, nil); len(p) != 1 {
		t.Errorf("enum: %v", p)
	}
}
