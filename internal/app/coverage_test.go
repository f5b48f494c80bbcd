package app_test

import (
	"reflect"
	"regexp"
	"testing"

	"dtfund/internal/app"
	"dtfund/policy"
)

// The article coverage table (policy.Articles) names the process steps that
// implement 第十四条; each named app.X must exist, so the table cannot claim
// a step that was renamed or removed.
func TestArticleCoverageNamesExistingSteps(t *testing.T) {
	name := regexp.MustCompile(`app\.([A-Za-z0-9]+)`)
	methods := reflect.TypeOf(&app.App{})
	found := 0
	for _, a := range policy.Articles {
		for _, m := range name.FindAllStringSubmatch(a.ImplementedBy, -1) {
			found++
			if _, ok := methods.MethodByName(m[1]); !ok {
				t.Errorf("%s names app.%s, which is not a method of app.App", a.Article, m[1])
			}
		}
	}
	if found < 10 {
		t.Fatalf("only %d app steps named in the coverage table", found)
	}
}
