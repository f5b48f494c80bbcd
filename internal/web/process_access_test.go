package web_test

// The authorization matrix of the process routes, one map per part; each
// part's owner keeps its map beside its tests. TestAuthorizationMatrix
// merges them into expectedAccess.
var (
	applicationAccess = map[string][]string{
		"GET /apps":          {"user"},
		"GET /apps/{id}":     {"user"},
		"GET /notifications": {"user"},
	}
	callAccess      = map[string][]string{}
	reviewAccess    = map[string][]string{}
	publicityAccess = map[string][]string{}
)

func init() {
	for _, m := range []map[string][]string{applicationAccess, callAccess, reviewAccess, publicityAccess} {
		for k, v := range m {
			expectedAccess[k] = v
		}
	}
}
