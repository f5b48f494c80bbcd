package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"dtfund/internal/app"
	"dtfund/internal/testdb"
	"dtfund/internal/web"
	"dtfund/policy"
)

// FuzzPolicyEvaluateAPI posts arbitrary bodies to POST /api/v1/policy/evaluate
// through the whole handler chain: the answer is always JSON, 200 with a
// decision or 422 with a message (never a server error), and an answer
// with field errors names the field.
func FuzzPolicyEvaluateAPI(f *testing.F) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(context.Background(), app.New(testdb.SQLite(f), log), log, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	example, err := os.ReadFile("../../policy/testdata/example.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{example, []byte(`{}`), []byte(`null`), []byte(`{"as_of":"yesterday"}`), []byte(`{"claim":{"category":"7.9"}}`),
		[]byte(`{"applicant":{"employees":"many"}}`), bytes.Repeat([]byte("["), 10000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/policy/evaluate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("status %d with content type %q", rec.Code, ct)
		}
		switch rec.Code {
		case http.StatusOK:
			var d policy.Decision
			if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || d.ParamsVersion == "" {
				t.Fatalf("200 without a decision: %v\n%s", err, rec.Body)
			}
		case http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			var e struct {
				Error struct {
					Code, Message string
					Fields        map[string]string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Message == "" {
				t.Fatalf("%d without a message: %v\n%s", rec.Code, err, rec.Body)
			}
			for field, msg := range e.Error.Fields {
				if field == "" || msg == "" {
					t.Fatalf("field error without field or message: %q %q", field, msg)
				}
			}
		default:
			t.Fatalf("status %d for %q:\n%s", rec.Code, body, rec.Body)
		}
	})
}
