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
	callAccess = map[string][]string{
		"GET /calls":                               {"applicant", "district_miit", "district_finance", "city_miit", "city_finance"},
		"GET /calls/new":                           {"city_miit"},
		"POST /calls/new":                          {"city_miit"},
		"GET /calls/{id}":                          {"applicant", "district_miit", "district_finance", "city_miit", "city_finance"},
		"GET /calls/{id}/edit":                     {"city_miit"},
		"POST /calls/{id}/edit":                    {"city_miit"},
		"POST /calls/{id}/apply":                   {"applicant"},
		"GET /apps/{id}/edit":                      {"applicant"},
		"POST /apps/{id}/edit":                     {"applicant"},
		"POST /apps/{id}/submit":                   {"applicant"},
		"GET /apps/{id}/submitted":                 {"applicant"},
		"POST /apps/{id}/withdraw":                 {"applicant"},
		"POST /apps/{id}/attachments":              {"applicant"},
		"GET /apps/{id}/attachments/{aid}":         {"user"},
		"POST /apps/{id}/attachments/{aid}/delete": {"applicant"},
	}
	reviewAccess = map[string][]string{
		"GET /review/district":                    {"district_miit", "city_miit"},
		"GET /apps/{id}/district":                 {"district_miit", "city_miit"},
		"POST /apps/{id}/district":                {"district_miit", "city_miit"},
		"GET /letters":                            {"district_miit", "city_miit", "city_finance"},
		"POST /letters":                           {"district_miit"},
		"GET /letters/{id}":                       {"district_miit", "city_miit", "city_finance"},
		"GET /experts":                            {"city_miit"},
		"POST /experts":                           {"city_miit"},
		"GET /panels":                             {"city_miit"},
		"GET /panels/new":                         {"city_miit"},
		"POST /panels":                            {"city_miit"},
		"GET /panels/{id}":                        {"city_miit"},
		"POST /panels/{id}/apps/{appID}/finalise": {"city_miit"},
		"GET /review/expert":                      {"expert"},
		"POST /panels/{id}/apps/{appID}/conflict": {"expert"},
		"GET /panels/{id}/apps/{appID}/score":     {"expert"},
		"POST /panels/{id}/apps/{appID}/score":    {"expert"},
		"GET /apps/{id}/opinion":                  {"city_miit", "city_finance", "inspector"},
	}
	publicityAccess = map[string][]string{
		"GET /orgs/{id}/credit":                  {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
		"POST /orgs/{id}/credit":                 {"city_miit", "city_finance", "admin"},
		"GET /recheck":                           {"city_miit", "city_finance"},
		"GET /apps/{id}/recheck":                 {"city_miit", "city_finance"},
		"POST /apps/{id}/recheck":                {"city_miit", "city_finance"},
		"GET /publicity":                         {"city_miit"},
		"POST /publicity":                        {"city_miit"},
		"GET /publicity/{id}":                    {"city_miit"},
		"GET /publicity/{id}/candidates":         {"city_miit"},
		"POST /publicity/{id}/items":             {"city_miit"},
		"POST /publicity/{id}/close":             {"city_miit"},
		"POST /publicity/{id}/approval":          {"city_miit"},
		"GET /approvals/{id}/file":               {"city_miit"},
		"GET /objections":                        {"city_miit"},
		"GET /objections/{id}":                   {"city_miit"},
		"POST /objections/{id}":                  {"city_miit"},
		"GET /objections/{id}/file":              {"city_miit"},
		"GET /awards":                            {"city_miit", "city_finance", "district_miit", "district_finance", "applicant"},
		"GET /public/publicity":                  {"public"},
		"GET /public/publicity/{id}":             {"public"},
		"POST /public/publicity/{id}/objections": {"public"},
	}
)

// The money routes, one map per part.
var (
	budgetAccess = map[string][]string{
		"GET /budget":              {"city_finance", "city_miit"},
		"POST /budget/releases":    {"city_finance"},
		"POST /budget/targets":     {"city_finance"},
		"POST /budget/allocations": {"city_finance"},
	}
	paymentAccess = map[string][]string{
		"GET /plans":                               {"city_miit", "city_finance", "inspector", "admin"},
		"GET /plans/new":                           {"city_miit"},
		"POST /plans":                              {"city_miit"},
		"GET /plans/{id}":                          {"city_miit", "city_finance", "inspector", "admin"},
		"POST /plans/{id}/decide":                  {"city_finance"},
		"GET /payments":                            {"city_miit", "city_finance", "inspector", "admin"},
		"POST /payments/batches":                   {"city_finance"},
		"GET /payments/batches/{id}":               {"city_miit", "city_finance", "inspector", "admin"},
		"POST /payments/batches/{id}/issue":        {"city_finance"},
		"GET /payments/batches/{id}/export.xlsx":   {"city_miit", "city_finance", "inspector", "admin"},
		"GET /payments/district":                   {"district_finance"},
		"POST /payments/instructions/{id}/receipt": {"district_finance"},
		"POST /payments/instructions/{id}/payout":  {"district_finance"},
		"GET /awards/{id}/revoke":                  {"city_miit"},
		"POST /awards/{id}/revoke":                 {"city_miit"},
		"GET /receivables":                         {"applicant", "city_miit", "city_finance", "inspector", "admin"},
		"POST /receivables/{id}/repayments":        {"city_finance"},
		"GET /reports/execution":                   {"city_miit", "city_finance", "inspector", "admin"},
		"GET /reports/reconcile":                   {"city_miit", "city_finance", "inspector", "admin"},
		"GET /ledger/recipients/{id}":              {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	}
)

func init() {
	for _, m := range []map[string][]string{applicationAccess, callAccess, reviewAccess, publicityAccess, budgetAccess, paymentAccess} {
		for k, v := range m {
			expectedAccess[k] = v
		}
	}
}
