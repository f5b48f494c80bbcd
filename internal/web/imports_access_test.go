package web_test

// The authorization matrix of the imports (the city finance bureau imports
// credit records) and of the export.xlsx links beside the list pages (each
// with its page's access).
var (
	importAccess = map[string][]string{
		"GET /imports":                  {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"POST /imports":                 {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"GET /import-templates/{kind}":  {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"GET /imports/{id}":             {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"POST /imports/{id}/confirm":    {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"POST /imports/{id}/discard":    {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
		"GET /imports/{id}/marked.xlsx": {"city_miit", "city_finance", "admin", "district_miit", "district_finance"},
	}
	exportAccess = map[string][]string{
		"GET /orgs/export.xlsx":                  {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
		"GET /experts/export.xlsx":               {"city_miit"},
		"GET /letters/export.xlsx":               {"district_miit", "city_miit", "city_finance"},
		"GET /panels/{id}/export.xlsx":           {"city_miit"},
		"GET /publicity/{id}/export.xlsx":        {"city_miit"},
		"GET /public/publicity/{id}/export.xlsx": {"public"},
		"GET /reports/execution/export.xlsx":     {"city_miit", "city_finance", "inspector", "admin"},
		"GET /payments/district/export.xlsx":     {"district_finance"},
	}
)

func init() {
	for _, m := range []map[string][]string{importAccess, exportAccess} {
		for k, v := range m {
			expectedAccess[k] = v
		}
	}
}
