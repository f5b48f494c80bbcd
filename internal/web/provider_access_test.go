package web_test

// The authorization matrix of the providers' part: products and the public
// catalogue, adoption records, rankings and chain members (第七条（二）–（五）).
var providerAccess = map[string][]string{
	"GET /public/products":      {"public"},
	"GET /public/products/{id}": {"public"},

	"GET /provider/profile":                 {"applicant"},
	"POST /provider/profile":                {"applicant"},
	"GET /provider/products":                {"applicant"},
	"GET /provider/products/new":            {"applicant"},
	"POST /provider/products":               {"applicant"},
	"GET /provider/products/{id}/edit":      {"applicant"},
	"POST /provider/products/{id}/edit":     {"applicant"},
	"POST /provider/products/{id}/withdraw": {"applicant"},

	"GET /adoptions":               {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /adoptions/new":           {"applicant"},
	"POST /adoptions":              {"applicant"},
	"GET /adoptions/propose":       {"applicant"},
	"POST /adoptions/propose":      {"applicant"},
	"GET /adoptions/{id}":          {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"POST /adoptions/{id}/confirm": {"applicant"},
	"POST /adoptions/{id}/reject":  {"applicant"},
	"POST /adoptions/{id}/effects": {"applicant"},

	"GET /rankings":               {"city_miit", "city_finance", "inspector", "admin"},
	"POST /rankings":              {"city_miit"},
	"GET /rankings/{id}":          {"city_miit", "city_finance", "inspector", "admin"},
	"POST /rankings/{id}/rerun":   {"city_miit"},
	"POST /rankings/{id}/propose": {"city_miit"},

	"GET /apps/{id}/chain":  {"applicant"},
	"POST /apps/{id}/chain": {"applicant"},
}

func init() {
	for k, v := range providerAccess {
		expectedAccess[k] = v
	}
}
