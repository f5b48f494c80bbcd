package web_test

// The authorization matrix of the 免申即享 routes (第十五条).
var matchingAccess = map[string][]string{
	"GET /matching/policies":                {"city_miit", "city_finance"},
	"GET /matching/policies/new":            {"city_miit"},
	"POST /matching/policies":               {"city_miit"},
	"GET /matching/policies/{id}":           {"city_miit", "city_finance"},
	"GET /matching/policies/{id}/edit":      {"city_miit"},
	"POST /matching/policies/{id}/edit":     {"city_miit"},
	"POST /matching/policies/{id}/run":      {"city_miit"},
	"GET /matching/runs/{id}":               {"city_miit", "city_finance"},
	"POST /matching/lapse":                  {"city_miit"},
	"GET /matching/proposals":               {"applicant", "district_miit", "district_finance", "city_miit", "city_finance"},
	"GET /matching/proposals/{id}":          {"applicant", "district_miit", "district_finance", "city_miit", "city_finance"},
	"POST /matching/proposals/{id}/confirm": {"applicant"},
	"POST /matching/proposals/{id}/decline": {"applicant"},
}

func init() {
	for k, v := range matchingAccess {
		expectedAccess[k] = v
	}
}
