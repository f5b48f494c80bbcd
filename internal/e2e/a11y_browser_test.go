package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAccessibility crawls the site as every role and as an anonymous
// visitor — following the links each one sees, one page per route shape —
// and runs axe-core (from npm, `npm ci`) on every page. A serious or
// critical violation of WCAG 2.1 A/AA fails the test; so does any page that
// answers 4xx/5xx or throws a JavaScript error (the tab's own checks).
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	chrome := findChromium(t)
	env := startServer(t)
	browser := startBrowser(t, chrome)
	shots := screenshotDir(t)
	visitors := []struct{ user, start string }{
		{"", "/"}, {"qiye", "/home"}, {"qixian", "/home"}, {"qicai", "/home"}, {"shigongxin", "/home"},
		{"shicaizheng", "/home"}, {"zhuanjia", "/home"}, {"hecha", "/home"}, {"admin", "/home"},
	}
	axeSelfTest(t, newTab(t, browser, env, shots), axe)
	total := 0
	for _, v := range visitors {
		name := v.user
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			p := newTab(t, browser, env, shots)
			if v.user != "" {
				p.login(t, v.user)
			}
			total += crawl(t, p, axe, v.start, 80)
		})
	}
	t.Logf("axe-core checked %d pages", total)
}

// axeSource reads axe.min.js installed by `npm ci` at the repository root.
func axeSource(t *testing.T) string {
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(path)
	if err != nil {
		noBrowser(t, "axe-core is not installed (run `npm ci` at the repository root): "+err.Error())
	}
	return string(b)
}

// skipLink leaves out what is not an HTML page of this site: downloads,
// files, exports, anchors and the logout form's target.
var skipLink = regexp.MustCompile(`^(#|mailto:|https?:)|\.(xlsx|pdf|csv|json|png|svg)(\?|$)|/attachments/\d|/files?(/\d+)?(\?|$)|^/import-templates/|^/logout|/static/`)

// routeShape reduces a URL to its route: numbers become {n}, and only the
// names of the query parameters count (a filter's values do not make new
// pages).
func routeShape(href string) string {
	path, query, _ := strings.Cut(href, "?")
	path = regexp.MustCompile(`\d+`).ReplaceAllString(path, "{n}")
	var keys []string
	for _, kv := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(kv, "="); k != "" && k != "page" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return path + "?" + strings.Join(keys, ",")
}

// crawl visits up to limit pages breadth-first from start, running axe on
// each, and returns how many it checked.
func crawl(t *testing.T, p *tab, axe, start string, limit int) int {
	t.Helper()
	seen := map[string]bool{routeShape(start): true}
	queue := []string{start}
	checked := 0
	for len(queue) > 0 && checked < limit {
		href := queue[0]
		queue = queue[1:]
		p.navigate(t, href)
		checkAxe(t, p, axe, href)
		checked++
		links := evaluate[[]string](t, p, `[...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))`)
		for _, l := range links {
			if !strings.HasPrefix(l, "/") || skipLink.MatchString(l) {
				continue
			}
			if shape := routeShape(l); !seen[shape] {
				seen[shape] = true
				queue = append(queue, l)
			}
		}
	}
	return checked
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core on the current page.
func checkAxe(t *testing.T, p *tab, axe, href string) {
	t.Helper()
	p.run(t, "inject axe-core", chromedp.Evaluate[chromedp.Void](axe+";undefined"))
	vs := getValue(t, p, "axe on "+href, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"],
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s (%s) %s at %v", href, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

// axeSelfTest proves that the check can fail: an unlabelled field added to
// a page must be reported.
func axeSelfTest(t *testing.T, p *tab, axe string) {
	t.Helper()
	p.navigate(t, "/public/calendar")
	p.run(t, "add an unlabelled field", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("main").insertAdjacentHTML("beforeend", '<input id="axe-probe" type="text">');undefined`))
	p.run(t, "inject axe-core", chromedp.Evaluate[chromedp.Void](axe+";undefined"))
	ids := getValue(t, p, "axe self-test", chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]})
		.then(r => r.violations.filter(v => v.nodes.some(n => n.target.join(" ") === "#axe-probe")).map(v => v.id))`, chromedp.EvalAwaitPromise))
	if len(ids) == 0 {
		t.Fatal("axe-core did not report an unlabelled input: the accessibility check cannot fail")
	}
}
