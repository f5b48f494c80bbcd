package web_test

// The authorization matrix of the retrofit projects, acceptance and
// performance routes (第十五条、第十六条、第十九条).
var projectAccess = map[string][]string{
	"GET /projects":                             {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /projects/pilot":                       {"city_miit", "city_finance", "inspector", "admin"},
	"GET /projects/{id}":                        {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"POST /projects/{id}/milestones":            {"applicant"},
	"POST /projects/{id}/milestones/{mid}/done": {"applicant"},
	"POST /projects/{id}/progress":              {"applicant"},
	"GET /projects/{id}/progress/{rid}/file":    {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"POST /projects/{id}/request":               {"applicant"},
	"GET /projects/{id}/performance":            {"applicant", "district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"POST /projects/{id}/goals":                 {"applicant"},
	"POST /projects/{id}/self-evaluation":       {"applicant"},
	"POST /projects/{id}/evaluation":            {"city_miit", "city_finance"},
	"GET /projects/{id}/acceptance":             {"city_miit"},
	"POST /projects/{id}/acceptance":            {"city_miit"},
	"GET /projects/{id}/terminate":              {"city_miit"},
	"POST /projects/{id}/terminate":             {"city_miit"},
}

func init() {
	for k, v := range projectAccess {
		expectedAccess[k] = v
	}
}
