package web_test

// The authorization matrix of the digital-level assessment (数字化水平评测):
// readers are the applicant (own organisation), district officials (own
// district) and the city bureaus and the inspector; the inspector and 市工信局
// record; the administrator keeps the indicator set.
var assessmentAccess = map[string][]string{
	"GET /assessments":                   {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector"},
	"GET /assessments/{id}":              {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector"},
	"GET /apps/{id}/assessments":         {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector"},
	"GET /apps/{id}/assessments/new":     {"inspector", "city_miit"},
	"POST /apps/{id}/assessments":        {"inspector", "city_miit"},
	"GET /apps/{id}/assessments/report":  {"inspector", "city_miit"},
	"POST /apps/{id}/assessments/report": {"inspector", "city_miit"},
	"GET /admin/assessment-indicators":   {"admin"},
	"POST /admin/assessment-indicators":  {"admin"},
}

func init() {
	for k, v := range assessmentAccess {
		expectedAccess[k] = v
	}
}
