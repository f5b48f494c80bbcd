package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTabletLayout opens the main pages of an applicant and of the city
// bureau on a tablet held upright (768 × 1024): the page itself never
// scrolls sideways (wide tables scroll in their own box) and nothing
// throws or fails to load.
func TestTabletLayout(t *testing.T) {
	chrome := findChromium(t)
	env := startServer(t)
	browser := startBrowser(t, chrome)
	shots := screenshotDir(t)
	pages := map[string][]string{
		"":           {"/", "/public/publicity", "/public/calls", "/public/measures", "/public/calculator", "/public/products"},
		"qiye":       {"/home", "/apps", "/projects", "/matching/proposals", "/adoptions", "/notifications"},
		"shigongxin": {"/home", "/apps", "/recheck", "/publicity", "/projects", "/stats", "/rankings", "/supervision", "/plans", "/imports"},
	}
	for user, paths := range pages {
		name := user
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			p := newTab(t, browser, env, shots)
			p.run(t, "tablet viewport", chromedp.EmulateViewport(768, 1024))
			if user != "" {
				p.login(t, user)
			}
			for _, path := range paths {
				p.navigate(t, path)
				if over := evaluate[int](t, p, `document.documentElement.scrollWidth - window.innerWidth`); over > 1 {
					t.Errorf("%s scrolls sideways by %d px on a tablet", path, over)
				}
			}
			p.screenshot(t, "tablet-"+name+"-last")
		})
	}
}
