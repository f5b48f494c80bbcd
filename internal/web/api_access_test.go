package web_test

import "dtfund/internal/api"

// The authorization matrix of the token pages, written down, and of the
// JSON API, taken from the operation table: the API's access is declared
// once, beside each operation, and TestAuthorizationMatrix checks that the
// server behaves as declared for a session of each role. The API's own
// TestTokenOfEveryRole (internal/api) checks it again with a token of
// every role against every operation, and that the app layer agrees with
// each declaration (an allowed role is never refused by the use case).
var tokenAccess = map[string][]string{
	"GET /profile/tokens":                  {"user"},
	"POST /profile/tokens":                 {"user"},
	"POST /profile/tokens/{id}/revoke":     {"user"},
	"GET /admin/users/{id}/tokens":         {"admin"},
	"POST /admin/users/{id}/tokens/revoke": {"admin"},
}

func init() {
	for k, v := range tokenAccess {
		expectedAccess[k] = v
	}
	for _, o := range api.Operations() {
		rule := []string{"user"}
		switch {
		case o.Access.Public:
			rule = []string{"public"}
		case len(o.Access.Roles) > 0:
			rule = nil
			for _, r := range o.Access.Roles {
				rule = append(rule, string(r))
			}
		}
		expectedAccess[o.Method+" "+api.Prefix+o.Path] = rule
	}
}
