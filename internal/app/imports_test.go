package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/app"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
)

func golden(t *testing.T, kind, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, kind, file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func countAudit(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	es, err := db.FindAudit(context.Background(), store.AuditFilter{Action: action, Page: store.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func countOrgs(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.FindOrganizations(context.Background(), store.OrgFilter{Page: store.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func importNow(t *testing.T, f *goldenFixture, actor app.Actor, kind string, data []byte) *app.ImportResult {
	t.Helper()
	res, err := f.a.ImportNow(context.Background(), actor, kind, "测试.xlsx", data, app.ImportOptions{}, false)
	if err != nil {
		t.Fatalf("import %s: %v (%v)", kind, err, res)
	}
	return res
}

func TestImportOrganizationsUpsertsAndReimportChangesNothing(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		before := countOrgs(t, db)
		res := importNow(t, f, f.city, "organizations", golden(t, "organizations", "valid.xlsx"))
		// Four new organisations (4 rows) and one new year of the existing
		// one; its 2024 figures and its name changed.
		if res.Counts != (app.ImportCounts{Inserted: 5, Updated: 1}) || countOrgs(t, db) != before+4 {
			t.Fatalf("counts = %+v, organisations %d → %d", res.Counts, before, countOrgs(t, db))
		}
		o, err := db.OrganizationByUSCC(ctx, goldenUSCC(1, "220104"))
		if err != nil {
			t.Fatal(err)
		}
		want := []dtfund.SizeFact{{Year: 2025, Employees: 350, RevenueFen: 9_500_000_050, AssetsFen: 5_200_000_000},
			{Year: 2024, Employees: 320, RevenueFen: 8_000_000_000, AssetsFen: 5_000_000_000}}
		if o.Name != "长春一汽配件有限公司" || len(o.SizeFacts) != 2 || o.SizeFacts[0] != want[0] || o.SizeFacts[1] != want[1] {
			t.Fatalf("updated organisation = %q %+v", o.Name, o.SizeFacts)
		}
		bj, _ := db.OrganizationByUSCC(ctx, goldenUSCC(4, "110108"))
		assoc, _ := db.OrganizationByUSCC(ctx, goldenUSCC(5, "220102"))
		zone, _ := db.OrganizationByUSCC(ctx, goldenUSCC(2, "220174"))
		if bj == nil || bj.DistrictCode != "" || !bj.IsProvider || bj.IsApplicant || assoc == nil || assoc.Kind != dtfund.OrgAssociation ||
			assoc.LegalPerson || assoc.DistrictCode != "220102" || zone == nil || zone.DistrictCode != "220174" || !zone.IsApplicant || !zone.IsProvider {
			t.Fatalf("imported: %+v / %+v / %+v", bj, assoc, zone)
		}
		creates, updates := countAudit(t, db, "organization.create"), countAudit(t, db, "organization.update")
		// The same file again, and the same data as a district writes it
		// (title row, merged two-row header, 万元, full-width digits) and as
		// LibreOffice stores it (numbers as number cells): nothing changes.
		for _, file := range []string{"valid.xlsx", "merged.xlsx", "libreoffice.xlsx"} {
			res = importNow(t, f, f.city, "organizations", golden(t, "organizations", file))
			if res.Counts.Inserted+res.Counts.Updated != 0 || res.Counts.Unchanged != res.Rows {
				t.Fatalf("re-import %s: %+v", file, res.Counts)
			}
		}
		if countAudit(t, db, "organization.create") != creates || countAudit(t, db, "organization.update") != updates ||
			countAudit(t, db, "import.run") != 4 {
			t.Fatal("a re-import wrote audit records of organisations")
		}
	})
}

func TestImportWithErrorsWritesNothingUnlessValidOnly(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		before, audits := countOrgs(t, db), countAudit(t, db, "")
		data := golden(t, "organizations", "bad_number.xlsx")
		res, err := f.a.ImportNow(ctx, f.city, "organizations", "bad.xlsx", data, app.ImportOptions{}, false)
		if dtfund.ErrorCode(err) != dtfund.EINVALID || res == nil || len(res.Problems) != 2 || !strings.Contains(err.Error(), "2 处错误") {
			t.Fatalf("import with errors: %v, %+v", err, res)
		}
		if countOrgs(t, db) != before || countAudit(t, db, "") != audits {
			t.Fatal("an import with errors wrote something")
		}
		// Only the valid rows: row 2 (the existing organisation's 2024
		// figures) and row 4 (a new organisation) are left out.
		res, err = f.a.ImportNow(ctx, f.city, "organizations", "bad.xlsx", data, app.ImportOptions{}, true)
		if err != nil || res.Skipped != 2 || res.Counts != (app.ImportCounts{Inserted: 4}) || countOrgs(t, db) != before+3 {
			t.Fatalf("valid only: %v %+v skipped %d", err, res.Counts, res.Skipped)
		}
		if _, err := db.OrganizationByUSCC(ctx, goldenUSCC(2, "220174")); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("the organisation of the bad row was created: %v", err)
		}
		o, _ := db.OrganizationByUSCC(ctx, goldenUSCC(1, "220104"))
		if len(o.SizeFacts) != 2 || o.SizeFacts[1].Employees != 300 {
			t.Fatalf("the bad row's year changed: %+v", o.SizeFacts)
		}
	})
}

func TestImportRolesAndScope(t *testing.T) {
	ctx := context.Background()
	f := newGoldenFixture(t, testdb.SQLite(t))
	for _, c := range []struct {
		actor app.Actor
		kind  string
	}{{f.district, "organizations"}, {f.city, "calendar"}, {f.admin, "experts"}, {f.applicant, "summary"}, {f.finance, "organizations"}} {
		_, err := f.a.CheckImport(ctx, c.actor, c.kind, golden(t, "organizations", "valid.xlsx"), app.ImportOptions{})
		if dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Errorf("%s importing %s: %v, want forbidden", c.actor.User.Role, c.kind, err)
		}
	}
	if _, err := f.a.CheckImport(ctx, f.city, "nonsense", []byte("x"), app.ImportOptions{}); dtfund.ErrorCode(err) != dtfund.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := f.a.CheckImport(ctx, f.city, "organizations", make([]byte, app.MaxImportSize+1), app.ImportOptions{}); dtfund.ErrorCode(err) != dtfund.EINVALID {
		t.Errorf("oversized file: %v", err)
	}
	kinds := app.ImportKinds(f.district)
	if len(kinds) != 1 || kinds[0].Name != "summary" {
		t.Errorf("a district official is offered %+v", kinds)
	}
}

func TestImportPreviewConfirmDiscardAndMarkedCopy(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		before := countOrgs(t, db)
		res, err := f.a.PreviewImport(ctx, f.city, "organizations", "单位.xlsx", golden(t, "organizations", "valid.xlsx"), app.ImportOptions{})
		if err != nil || res.Record == nil || res.Record.State != store.ImportPreviewed || countOrgs(t, db) != before {
			t.Fatalf("preview: %v %+v", err, res)
		}
		id := res.Record.ID
		// Only the uploader confirms; another district's official does not
		// even see the record.
		other := app.Actor{User: &dtfund.User{ID: f.finance.User.ID + 100, Username: "x", Role: dtfund.RoleCityMIIT}}
		if _, err := f.a.ConfirmImport(ctx, other, id, false, nil); dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("confirmed by someone else: %v", err)
		}
		if _, err := f.a.Import(ctx, f.district, id); dtfund.ErrorCode(err) != dtfund.ENOTFOUND && dtfund.ErrorCode(err) != dtfund.EFORBIDDEN {
			t.Fatalf("district official reading the city's import: %v", err)
		}
		var stages []string
		res, err = f.a.ConfirmImport(ctx, f.city, id, false, func(stage string, done, total int) {
			if done == total {
				stages = append(stages, stage)
			}
		})
		if err != nil || res.Counts.Inserted != 5 || countOrgs(t, db) != before+4 || strings.Join(stages, ",") != "校验,核对,写入" {
			t.Fatalf("confirm: %v %+v stages %v", err, res, stages)
		}
		d, err := f.a.Import(ctx, f.city, id)
		if err != nil || d.State != store.ImportImported || d.Inserted != 5 || d.FinishedAt.IsZero() || countAudit(t, db, "import.confirm") != 1 {
			t.Fatalf("record after confirm: %v %+v", err, d)
		}
		if _, err := f.a.ConfirmImport(ctx, f.city, id, false, nil); dtfund.ErrorCode(err) != dtfund.ECONFLICT {
			t.Fatalf("second confirmation: %v", err)
		}
		// A file with errors: previewed, refused, marked copy, discarded.
		res, err = f.a.PreviewImport(ctx, f.city, "organizations", "有错.xlsx", golden(t, "organizations", "unknown_district.xlsx"), app.ImportOptions{})
		if err != nil || res.OK() {
			t.Fatalf("preview of a bad file: %v %+v", err, res)
		}
		bad := res.Record.ID
		if _, err := f.a.ConfirmImport(ctx, f.city, bad, false, nil); dtfund.ErrorCode(err) != dtfund.EINVALID {
			t.Fatalf("confirming a file with errors: %v", err)
		}
		name, data, err := f.a.MarkedImport(ctx, f.city, bad)
		if err != nil || name != "有错-错误标注.xlsx" {
			t.Fatalf("marked copy: %v %q", err, name)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := x.GetCellValue("Sheet1", "P4"); !strings.Contains(v, "火星区") {
			t.Fatalf("error column of row 4 = %q", v)
		}
		if err := f.a.DiscardImport(ctx, f.city, bad); err != nil {
			t.Fatal(err)
		}
		if d, _ := f.a.Import(ctx, f.city, bad); d.State != store.ImportDiscarded {
			t.Fatalf("state after discard = %s", d.State)
		}
		list, total, err := f.a.FindImports(ctx, f.city, store.Page{})
		if err != nil || total != 2 || list[0].ID != bad {
			t.Fatalf("imports list: %v %d", err, total)
		}
	})
}

func TestImportExpertsAndExportRoundTrip(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		res := importNow(t, f, f.city, "experts", golden(t, "experts", "valid.xlsx"))
		if res.Counts != (app.ImportCounts{Inserted: 3}) {
			t.Fatalf("counts = %+v", res.Counts)
		}
		es, _, err := f.a.FindExperts(ctx, f.city, store.ExpertFilter{Query: "zj2"})
		if err != nil || len(es) != 1 || es[0].OrgID != f.orgs[1].ID || es[0].Field != "工业软件" || !es[0].Active {
			t.Fatalf("zj2 = %+v, %v", es, err)
		}
		exp, err := f.a.ExportExperts(ctx, f.city)
		if err != nil {
			t.Fatal(err)
		}
		saves := countAudit(t, db, "expert.save")
		if res = importNow(t, f, f.city, "experts", exp.Data); res.Counts != (app.ImportCounts{Unchanged: 3}) || countAudit(t, db, "expert.save") != saves {
			t.Fatalf("re-importing the export: %+v", res.Counts)
		}
	})
}

func TestExportOrganizationsImportsBackUnchanged(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		importNow(t, f, f.city, "organizations", golden(t, "organizations", "valid.xlsx"))
		exp, err := f.a.ExportOrganizations(ctx, f.city)
		if err != nil {
			t.Fatal(err)
		}
		res := importNow(t, f, f.city, "organizations", exp.Data)
		// Every organisation of the system (the fixture's two and four new
		// ones), one row per year or one row without figures.
		if res.Rows != 7 || res.Counts != (app.ImportCounts{Unchanged: 7}) {
			t.Fatalf("round trip: %d rows, %+v, problems %v", res.Rows, res.Counts, res.Problems)
		}
		// A district official exports only the district's organisations.
		exp, err = f.a.ExportOrganizations(ctx, f.district)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := sheet.Read(exp.Data, app.OrgColumns)
		if err != nil || len(tb.Rows) != 2 {
			t.Fatalf("district export: %v, %d rows", err, len(tb.Rows))
		}
	})
}

func TestImportCalendarOverrides(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		res := importNow(t, f, f.admin, "calendar", golden(t, "calendar", "valid.xlsx"))
		if res.Counts != (app.ImportCounts{Inserted: 3}) {
			t.Fatalf("counts = %+v", res.Counts)
		}
		cal, err := f.a.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sat, _ := calendar.ParseDate("2027-02-06")
		mon, _ := calendar.ParseDate("2027-02-08")
		if !cal.IsWorkingDay(sat) || cal.IsWorkingDay(mon) {
			t.Fatal("the imported schedule is not in the calendar")
		}
		// Serial date cells and full-width text dates under a merged header:
		// the same schedule, so nothing changes.
		if res = importNow(t, f, f.admin, "calendar", golden(t, "calendar", "merged.xlsx")); res.Counts != (app.ImportCounts{Unchanged: 3}) {
			t.Fatalf("merged: %+v %v", res.Counts, res.Problems)
		}
		if countAudit(t, db, "calendar.put") != 3 {
			t.Fatalf("calendar audit records = %d", countAudit(t, db, "calendar.put"))
		}
	})
}

func TestImportSummaryReconcilesWithoutChangingApplications(t *testing.T) {
	testdb.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newGoldenFixture(t, db)
		f.summaryApps(t)
		appAudits := countAudit(t, db, "application")
		opt := app.ImportOptions{CallID: f.call.ID}
		res, err := f.a.PreviewImport(ctx, f.district, "summary", "汇总表.xlsx", golden(t, "summary", "valid.xlsx"), opt)
		if err != nil || !res.OK() || len(res.Notes) != 2 || len(res.Lines) != 1 || res.Record.CallID != f.call.ID ||
			res.Record.DistrictCode != "220174" {
			t.Fatalf("preview: %v %+v", err, res)
		}
		res, err = f.a.ConfirmImport(ctx, f.district, res.Record.ID, false, nil)
		if err != nil || res.Counts != (app.ImportCounts{Unchanged: 3}) {
			t.Fatalf("confirm: %v %+v", err, res)
		}
		d, err := f.a.Import(ctx, f.district, res.Record.ID)
		if err != nil || d.NoteCount != 2 || len(d.Notes) != 2 || len(d.Lines) != 1 || !strings.Contains(d.Lines[0], "SB2026-000005") {
			t.Fatalf("record: %v %+v", err, d)
		}
		if countAudit(t, db, "application") != appAudits {
			t.Fatal("reconciling a summary table changed applications")
		}
		// The other district sees neither the record nor, in its own
		// reconciliation, 汽开区's applications.
		if _, err := f.a.Import(ctx, f.other, d.ID); dtfund.ErrorCode(err) != dtfund.ENOTFOUND {
			t.Fatalf("another district reading the record: %v", err)
		}
		res, err = f.a.CheckImport(ctx, f.other, "summary", golden(t, "summary", "valid.xlsx"), opt)
		if err != nil || res.Valid != 0 || len(res.Lines) != 1 || !strings.Contains(res.Lines[0], "SB2026-000003") {
			t.Fatalf("another district's reconciliation: %v valid %d lines %v", err, res.Valid, res.Lines)
		}
	})
}
