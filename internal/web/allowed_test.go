package web

import (
	"io/fs"
	"regexp"
	"testing"

	"dtfund"
)

// Every route a template asks about with "allowed" exists: a typo would
// hide a link from everyone.
func TestTemplatesNameKnownRoutes(t *testing.T) {
	re := regexp.MustCompile(`allowed [.$\w]+ "([A-Z]+ [^"]+)"`)
	n := 0
	err := fs.WalkDir(assets, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if _, ok := routeAccess()[m[1]]; !ok {
				t.Errorf("%s asks about unknown route %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no template uses allowed: the pattern is out of date")
	}
	if allowed(&dtfund.User{Role: dtfund.RoleExpert}, "GET /letters/{id}") || !allowed(&dtfund.User{Role: dtfund.RoleCityFinance}, "GET /letters/{id}") {
		t.Fatal("allowed does not follow the declared access")
	}
	if allowed(nil, "GET /home") || !allowed(nil, "GET /public/measures") {
		t.Fatal("allowed for visitors")
	}
}

func TestOnlyPDFAndImagesPreview(t *testing.T) {
	for ct, want := range map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": false, "text/html": false, "": false} {
		if previewable(ct) != want {
			t.Errorf("previewable(%q) = %v", ct, !want)
		}
	}
}
