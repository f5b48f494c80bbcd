package web_test

// The authorization matrix of supervision (第十八条), inspections (第十七条),
// violation decisions (第二十条) and the credit records import.
var supervisionAccess = map[string][]string{
	"GET /supervision":                           {"district_miit", "city_miit", "city_finance"},
	"GET /supervision/new":                       {"district_miit", "city_miit"},
	"POST /supervision":                          {"district_miit", "city_miit"},
	"GET /supervision/{id}":                      {"district_miit", "city_miit", "city_finance"},
	"POST /supervision/{id}/orders":              {"district_miit", "city_miit"},
	"POST /supervision/{id}/orders/{oid}/result": {"district_miit", "city_miit"},
	"POST /supervision/{id}/suspend":             {"district_miit", "city_miit"},
	"POST /supervision/{id}/lift":                {"district_miit", "city_miit"},
	"POST /supervision/{id}/stop":                {"district_miit", "city_miit"},
	"GET /supervision/{id}/files/{eid}":          {"district_miit", "city_miit", "city_finance"},

	"GET /inspections":                     {"city_miit", "city_finance"},
	"GET /inspections/new":                 {"city_miit", "city_finance"},
	"POST /inspections":                    {"city_miit", "city_finance"},
	"GET /inspections/tasks":               {"city_miit", "city_finance", "inspector"},
	"GET /inspections/{id}":                {"city_miit", "city_finance"},
	"POST /inspections/items/{id}/assign":  {"city_miit", "city_finance"},
	"GET /inspections/items/{id}":          {"city_miit", "city_finance", "inspector"},
	"POST /inspections/items/{id}/finding": {"city_miit", "city_finance", "inspector"},
	"GET /inspections/items/{id}/file":     {"city_miit", "city_finance", "inspector"},

	"GET /sanctions":                 {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /sanctions/new":             {"city_miit"},
	"POST /sanctions":                {"city_miit"},
	"GET /sanctions/{id}":            {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"POST /sanctions/{id}/referrals": {"city_miit"},
	"GET /sanctions/{id}/file":       {"district_miit", "district_finance", "city_miit", "city_finance", "inspector", "admin"},
	"GET /credit/import":             {"city_miit", "city_finance", "admin"},
	"POST /credit/import":            {"city_miit", "city_finance", "admin"},
}

func init() {
	for k, v := range supervisionAccess {
		expectedAccess[k] = v
	}
}
