package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

// uploadImport posts a file to /imports as the upload form does.
func (c *client) uploadImport(kind, name string, data []byte, fields map[string]string) (*http.Response, string) {
	c.f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf("/imports"))
	mw.WriteField("kind", kind)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	resp, err := c.c.Post(c.f.ts.URL+"/imports", mw.FormDataContentType(), &body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

var importIDRE = regexp.MustCompile(`^/imports/(\d+)$`)

// orgCSV is an organisations table: the fixture's 汽开区 organisation with
// a new year's figures, and a new organisation in 高新区 — optionally with a
// bad code.
func orgCSV(f *fixture, badCode bool) []byte {
	code := f.orgB.USCC
	if badCode { // the check character changed
		code = code[:17] + map[bool]string{true: "1", false: "0"}[code[17] == '0']
	}
	return []byte("统一社会信用代码,单位名称,属地县（市）区,行业代码,年度,从业人员（人）,营业收入（元）,资产总额（元）\n" +
		f.orgA.USCC + "," + f.orgA.Name + ",汽开区,3670,2025,320,\"80,000,000.00\",50000000\n" +
		code + "," + f.orgB.Name + ",高新区,3982,2025,45,3000000,2000000\n")
}

func TestImportUploadPreviewConfirm(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.app.FilesDir = t.TempDir()
		city := f.client()
		city.login("city")
		resp, body := city.get("/imports")
		if resp.StatusCode != 200 || !strings.Contains(body, "上传并校验") || !strings.Contains(body, `value="organizations"`) ||
			strings.Contains(body, `value="calendar"`) || !strings.Contains(body, "/static/upload.") {
			t.Fatalf("imports page: %d", resp.StatusCode)
		}
		// No file: the form again with the field's message.
		if resp, body := city.uploadImport("organizations", "", nil, nil); resp.StatusCode != 422 || !strings.Contains(body, "请选择要导入的文件") {
			t.Fatalf("upload without a file: %d", resp.StatusCode)
		}
		// A file with a bad code: previewed, the problem shown by row and column.
		resp, _ = city.uploadImport("organizations", "单位.csv", orgCSV(f, true), nil)
		m := importIDRE.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("upload: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		page := "/imports/" + m[1]
		resp, body = city.get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, "发现 1 处错误") || !strings.Contains(body, "统一社会信用代码") ||
			!strings.Contains(body, "A3") || !strings.Contains(body, page+"/marked.xlsx") || !strings.Contains(body, "只导入无误的 1 行") {
			t.Fatalf("preview page: %d\n%s", resp.StatusCode, body)
		}
		// The marked copy has the error column.
		resp, body = city.get(page + "/marked.xlsx")
		x, err := excelize.OpenReader(strings.NewReader(body))
		if resp.StatusCode != 200 || err != nil || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("marked copy: %d %v", resp.StatusCode, err)
		}
		if v, _ := x.GetCellValue("Sheet1", "I3"); !strings.Contains(v, "校验位") {
			t.Fatalf("marked copy I3 = %q", v)
		}
		// Confirming is refused while there are errors, and writes nothing.
		token := city.csrf(page)
		resp, body = city.post(page+"/confirm", url.Values{"csrf_token": {token}})
		if resp.StatusCode != 422 || !strings.Contains(body, "未导入任何数据") {
			t.Fatalf("confirm with errors: %d", resp.StatusCode)
		}
		if o, _ := f.app.DB.Organization(context.Background(), f.orgA.ID, ""); len(o.SizeFacts) != 0 {
			t.Fatal("a refused confirmation wrote size facts")
		}
		// Only the valid row.
		resp, _ = city.post(page+"/confirm", url.Values{"csrf_token": {token}, "valid_only": {"on"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("valid-only confirm: %d", resp.StatusCode)
		}
		if _, body = city.get(page); !strings.Contains(body, "已导入") || !strings.Contains(body, "1 行有错误，按“只导入无误的行”未导入") {
			t.Fatalf("result page:\n%s", body)
		}
		if o, _ := f.app.DB.Organization(context.Background(), f.orgA.ID, ""); len(o.SizeFacts) != 1 || o.SizeFacts[0].RevenueFen != 8_000_000_000 {
			t.Fatalf("orgA facts = %+v", o.SizeFacts)
		}
		// The corrected file: the first row is as imported, the second updates orgB.
		resp, _ = city.uploadImport("organizations", "单位.csv", orgCSV(f, false), nil)
		page = resp.Header.Get("Location")
		resp, _ = city.post(page+"/confirm", url.Values{"csrf_token": {city.csrf(page)}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(flashOf(resp), "新增 1 行，更新 0 行，1 行与系统中一致") {
			t.Fatalf("second import: %d %q", resp.StatusCode, flashOf(resp))
		}
		// Confirming again is refused (409) and the page says why.
		if resp, body := city.post(page+"/confirm", url.Values{"csrf_token": {city.csrf(page)}}); resp.StatusCode != 409 || !strings.Contains(body, "已经确认或放弃") {
			t.Fatalf("second confirmation: %d", resp.StatusCode)
		}
		// A district official does not see the city's import at all.
		district := f.client()
		district.login("district_b")
		if resp, _ := district.get(page); resp.StatusCode != 404 {
			t.Fatalf("district official reading the city's import: %d", resp.StatusCode)
		}
		if resp, _ := district.get("/import-templates/organizations"); resp.StatusCode != 404 {
			t.Fatalf("district official downloading the organisations template: %d", resp.StatusCode)
		}
		resp, body = city.get("/import-templates/organizations")
		if x, err := excelize.OpenReader(strings.NewReader(body)); resp.StatusCode != 200 || err != nil {
			t.Fatalf("template: %d %v", resp.StatusCode, err)
		} else if v, _ := x.GetCellValue("填写说明", "A2"); v != "统一社会信用代码" {
			t.Fatalf("template help sheet A2 = %q", v)
		}
	})
}

// flashOf decodes the flash cookie a redirect sets.
func flashOf(resp *http.Response) string {
	for _, c := range resp.Cookies() {
		if c.Name == "dtfund_flash" {
			b, _ := base64.RawURLEncoding.DecodeString(c.Value)
			return string(b)
		}
	}
	return ""
}

func TestImportDiscardAndDistrictSummary(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	f.app.FilesDir = t.TempDir()
	district := f.client()
	district.login("district_a")
	resp, body := district.get("/imports")
	if resp.StatusCode != 200 || !strings.Contains(body, `value="summary"`) || strings.Contains(body, `value="organizations"`) {
		t.Fatalf("district imports page: %d", resp.StatusCode)
	}
	// A district official may not import organisations, whatever the form says.
	if resp, _ := district.uploadImport("organizations", "x.csv", orgCSV(f, false), nil); resp.StatusCode != 403 {
		t.Fatalf("district official importing organisations: %d", resp.StatusCode)
	}
	csv := []byte("申报编号,申报单位,申请金额（元）\nSB2099-000001,某公司,1000\n")
	resp, _ = district.uploadImport("summary", "汇总表.csv", csv, nil)
	page := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || page == "" {
		t.Fatalf("summary upload: %d", resp.StatusCode)
	}
	if _, body = district.get(page); !strings.Contains(body, "系统中没有编号为 SB2099-000001 的申报") {
		t.Fatalf("summary preview:\n%s", body)
	}
	resp, _ = district.post(page+"/discard", url.Values{"csrf_token": {district.csrf(page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	if _, body = district.get(page); !strings.Contains(body, "已放弃") || strings.Contains(body, "/confirm") {
		t.Fatal("discarded import still offers confirmation")
	}
	list, _, err := f.app.FindImports(context.Background(), app.Actor{User: mustUser(t, f, "district_b")}, store.Page{})
	if err != nil || len(list) != 0 {
		t.Fatalf("another district lists %d imports, %v", len(list), err)
	}
}

func mustUser(t *testing.T, f *fixture, name string) *dtfund.User {
	t.Helper()
	u, err := f.app.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestExportLinks: each page links its export, and the export is a
// workbook with the page's data for the page's users.
func TestExportLinks(t *testing.T) {
	f := newFixture(t, testdb.SQLite(t))
	city := f.client()
	city.login("city")
	for page, export := range map[string]string{"/orgs": "/orgs/export.xlsx", "/experts": "/experts/export.xlsx", "/letters": "/letters/export.xlsx"} {
		if _, body := city.get(page); !strings.Contains(body, export) {
			t.Errorf("%s does not link %s", page, export)
		}
		resp, body := city.get(export)
		if _, err := excelize.OpenReader(strings.NewReader(body)); resp.StatusCode != 200 || err != nil {
			t.Errorf("%s: %d %v", export, resp.StatusCode, err)
		}
	}
	// A district official's organisation export holds the district's only.
	district := f.client()
	district.login("district_a")
	_, body := district.get("/orgs/export.xlsx")
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("单位及规模数据")
	if len(rows) != 2 || rows[1][0] != f.orgA.USCC {
		t.Fatalf("district export rows = %q", rows)
	}
	if resp, _ := city.get(fmt.Sprintf("/public/publicity/%d/export.xlsx", 999)); resp.StatusCode != 404 {
		t.Fatalf("export of a batch that does not exist: %d", resp.StatusCode)
	}
}
