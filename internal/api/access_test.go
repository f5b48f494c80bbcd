package api_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"

	"dtfund"
	"dtfund/internal/api"
	"dtfund/internal/testdb"
)

// anyParam is a path parameter of an operation.
var anyParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestTokenOfEveryRole calls every operation with a token of every role,
// and anonymously. A role the operation declares may not be refused (401,
// 403) — neither by the route's guard nor by the use case, whose own role
// check is independent of the declaration; any other role gets 403, an
// anonymous caller 401 unless the operation is public. Path IDs name no
// record and bodies are empty, so that only authorization decides and
// nothing is changed.
func TestTokenOfEveryRole(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	for _, o := range api.Operations() {
		path := api.Prefix + anyParam.ReplaceAllString(o.Path, "987654321")
		var body any
		if o.Method != http.MethodGet {
			body = map[string]any{}
		}
		for _, role := range dtfund.Roles {
			r := f.call(o.Method, path, f.token(defaultUser[role]), body, "")
			allowed := o.Access.Public || len(o.Access.Roles) == 0 || slices.Contains(o.Access.Roles, role)
			refused := r.status == http.StatusUnauthorized || r.status == http.StatusForbidden
			switch {
			case allowed && refused:
				t.Errorf("%s %s as %s: %d, but the operation allows the role: %s", o.Method, o.Path, role, r.status, r.body)
			case !allowed && r.status != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d, want 403", o.Method, o.Path, role, r.status)
			}
			for _, p := range f.conforms(o, r) {
				t.Errorf("%s as %s: %s", o.ID, role, p)
			}
		}
		r := f.call(o.Method, path, "", body, "")
		if o.Access.Public && (r.status == http.StatusUnauthorized || r.status == http.StatusForbidden) {
			t.Errorf("%s %s anonymously: %d, but the operation is public", o.Method, o.Path, r.status)
		}
		if !o.Access.Public && r.status != http.StatusUnauthorized {
			t.Errorf("%s %s anonymously: %d, want 401", o.Method, o.Path, r.status)
		}
	}
}
