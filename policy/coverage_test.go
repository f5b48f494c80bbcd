package policy

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var articleNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
	"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一"}

// Every article 第一条–第二十一条 is covered: by a rule, a process step or as
// declaratory, with a note; and every rule named as implementing it exists.
func TestArticleCoverage(t *testing.T) {
	covered := map[string]bool{}
	policyName := regexp.MustCompile(`policy\.([A-Za-z0-9]+)`)
	for _, a := range Articles {
		base, _, _ := strings.Cut(a.Article, "条")
		covered[base+"条"] = true
		if strings.TrimSpace(a.ImplementedBy) == "" || strings.TrimSpace(a.Note) == "" {
			t.Errorf("%s: empty ImplementedBy or Note", a.Article)
		}
		switch a.Kind {
		case CoverageRule, CoverageProcess, CoverageDeclaratory:
		default:
			t.Errorf("%s: kind %q", a.Article, a.Kind)
		}
		names := policyName.FindAllStringSubmatch(a.ImplementedBy, -1)
		if a.Kind == CoverageRule && len(names) == 0 {
			t.Errorf("%s is a rule but names no policy function", a.Article)
		}
		for _, m := range names {
			fn, ok := Rules[m[1]]
			if !ok || fn == nil || reflect.TypeOf(fn).Kind() != reflect.Func {
				t.Errorf("%s: %s is not a rule function in Rules", a.Article, m[0])
			}
		}
	}
	for _, n := range articleNumbers {
		if art := "第" + n + "条"; !covered[art] {
			t.Errorf("%s is not covered", art)
		}
	}
	if len(covered) != 21 {
		t.Errorf("%d articles covered, want 21", len(covered))
	}
}

func TestArticleKeyOrder(t *testing.T) {
	order := []string{"第四条", "第五条", "第七条", "第七条（一）", "第七条（六）", "第八条", "第十条（三）", "第十一条（一）", "第二十条", "第二十一条"}
	for i := 1; i < len(order); i++ {
		if articleKey(order[i-1]) >= articleKey(order[i]) {
			t.Errorf("%s sorts after %s", order[i-1], order[i])
		}
	}
	if articleKey("第二十一条") != 2100 || articleKey("第十条（二）") != 1002 {
		t.Error("articleKey arithmetic")
	}
}
