package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/internal/testdb"
	"dtfund/uscc"
)

// The golden files of the imports live in testdata/imports/<kind>/: the
// uploaded workbooks (written by TestWriteImportGoldenInputs, except
// organizations/libreoffice.xlsx, which LibreOffice wrote from
// libreoffice.csv) and, beside each, the expected findings (.want). Run
//
//	DTFUND_UPDATE_GOLDEN=1 go test ./internal/app -run 'TestWriteImportGoldenInputs|TestImportGolden'
//
// to rewrite them after a deliberate change, and read the diff.

const goldenDir = "testdata/imports"

func updateGolden() bool { return os.Getenv("DTFUND_UPDATE_GOLDEN") == "1" }

// goldenUSCC is the i-th test organisation's code, registered in division.
func goldenUSCC(i int, division string) string {
	return uscc.Generate(rand.New(rand.NewPCG(uint64(i), 2026)), '9', '1', division)
}

// breakCheck returns code with a wrong check character.
func breakCheck(code string) string {
	last := code[17]
	if last == '0' {
		return code[:17] + "1"
	}
	return code[:17] + "0"
}

var orgHeader = []any{"统一社会信用代码", "单位名称", "单位类型", "独立法人", "注册地区划代码", "属地县（市）区", "行业代码", "身份", "地址",
	"联系人", "联系电话", "年度", "从业人员（人）", "营业收入（元）", "资产总额（元）"}

// goldenOrgRows are the rows of organizations/valid.xlsx: an existing
// organisation with two years, named districts by name, short name and
// code, a provider registered in Beijing without 属地 or size facts, and an
// association. Amounts are text with separators, numbers and decimals.
func goldenOrgRows() [][]any {
	return [][]any{
		{goldenUSCC(1, "220104"), "长春一汽配件有限公司", "企业", "是", "220104", "朝阳区", "3670", "申报企业", "长春市朝阳区人民大街1号", "李明", "0431-88880001", 2024, 320, "80,000,000.00", 50000000},
		{goldenUSCC(1, "220104"), "长春一汽配件有限公司", "企业", "是", "220104", "朝阳区", "3670", "申报企业", "长春市朝阳区人民大街1号", "李明", "0431-88880001", 2025, 350, 95000000.5, "52000000"},
		{goldenUSCC(2, "220174"), "长春汽开区智造科技有限公司", "企业", "是", "220174", "汽开区", "3982", "申报企业、服务商", "", "王芳", "", 2025, "80", "12000000", "9000000"},
		{goldenUSCC(3, "220173"), "长春高新软件服务有限公司", "企业", "是", "220173", "220173", "6510", "服务商", "", "", "", 2025, 45, 3000000, 2000000},
		{goldenUSCC(4, "110108"), "北京某数字科技有限公司", "企业", "是", "110108", "", "6520", "服务商", "北京市海淀区", "", "", "", "", "", ""},
		{goldenUSCC(5, "220102"), "长春市南关区数字经济协会", "社会团体", "否", "220102", "南关区", "", "申报企业", "", "", "", "", "", "", ""},
	}
}

func writeBook(t *testing.T, path string, rows [][]any, edit func(f *excelize.File, sh string)) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := r
		if err := f.SetSheetRow(sh, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f, sh)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// withRows returns the header and the rows with one change applied.
func withRows(header []any, rows [][]any, change func(rows [][]any)) [][]any {
	cp := make([][]any, len(rows))
	for i, r := range rows {
		cp[i] = append([]any{}, r...)
	}
	if change != nil {
		change(cp)
	}
	return append([][]any{header}, cp...)
}

// TestWriteImportGoldenInputs writes the golden workbooks (only with
// DTFUND_UPDATE_GOLDEN=1).
func TestWriteImportGoldenInputs(t *testing.T) {
	if !updateGolden() {
		t.Skip("set DTFUND_UPDATE_GOLDEN=1 to rewrite the golden workbooks")
	}
	org := filepath.Join(goldenDir, "organizations")
	rows := goldenOrgRows()
	writeBook(t, filepath.Join(org, "valid.xlsx"), withRows(orgHeader, rows, nil), nil)
	writeBook(t, filepath.Join(org, "bad_uscc.xlsx"), withRows(orgHeader, rows, func(r [][]any) { r[2][0] = breakCheck(r[2][0].(string)) }), nil)
	writeBook(t, filepath.Join(org, "missing_cell.xlsx"), withRows(orgHeader, rows, func(r [][]any) { r[3][1] = "" }), nil)
	writeBook(t, filepath.Join(org, "bad_number.xlsx"), withRows(orgHeader, rows, func(r [][]any) { r[2][13] = "12,3a"; r[0][12] = "三百二十" }), nil)
	writeBook(t, filepath.Join(org, "duplicate.xlsx"), withRows(orgHeader, rows, func(r [][]any) { r[1][11] = 2024 }), nil)
	writeBook(t, filepath.Join(org, "unknown_district.xlsx"), withRows(orgHeader, rows, func(r [][]any) { r[2][5] = "火星区" }), nil)
	writeOrgMerged(t, filepath.Join(org, "merged.xlsx"), rows)
	writeLibreOfficeSource(t, filepath.Join(org, "libreoffice.csv"), rows)

	writeBook(t, filepath.Join(goldenDir, "experts", "valid.xlsx"), [][]any{
		{"用户名", "姓名", "专业领域", "工作单位", "工作单位统一社会信用代码", "联系方式", "在库"},
		{"zj1", "王一", "智能制造", "吉林大学", "", "13900000001", "是"},
		{"zj2", "李二", "工业软件", "长春一汽配件有限公司", goldenUSCC(1, "220104"), "", "是"},
		{"zj3", "张三", "数据安全", "长春工业大学", "", "zs@example.cn", "否"},
	}, nil)
	writeBook(t, filepath.Join(goldenDir, "experts", "unknown_account.xlsx"), [][]any{
		{"用户名", "姓名", "专业领域", "工作单位"},
		{"zj1", "王五", "智能制造", "吉林大学"},
		{"nobody", "", "智能制造", "吉林大学"},
	}, nil)

	cal := filepath.Join(goldenDir, "calendar")
	src := "国务院办公厅关于2027年部分节假日安排的通知"
	writeBook(t, filepath.Join(cal, "valid.xlsx"), [][]any{
		{"日期", "上班或休息", "名称", "来源"},
		{"2027-02-06", "上班", "春节", src},
		{"2027/2/8", "休息", "春节", src},
		{"2027年2月9日", "休", "春节", src},
	}, nil)
	writeBook(t, filepath.Join(cal, "bad_date.xlsx"), [][]any{
		{"日期", "上班或休息", "名称", "来源"},
		{"2027-02-30", "上班", "春节", src},
		{"明天", "休息", "春节", src},
		{"2027-02-10", "请假", "春节", src},
		{"2027-02-11", "休息", "春节", ""},
	}, nil)
	writeCalendarMerged(t, filepath.Join(cal, "merged.xlsx"), src)
	writeCreditGoldens(t, filepath.Join(goldenDir, "credit"))

	writeBook(t, filepath.Join(goldenDir, "summary", "valid.xlsx"), [][]any{
		{"2026年长春汽车经济技术开发区数字化改造申报汇总表"},
		{"序号", "申报编号", "统一社会信用代码", "申报单位", "项目名称", "申请金额（万元）", "申报投入（元）", "核定投入（元）"},
		{1, "SB2026-000001", goldenUSCC(11, "220174"), "长春汽开甲公司", "MES 改造", 30, "400,000.00", ""},
		{2, "SB2026-000002", goldenUSCC(12, "220174"), "长春汽开乙公司", "设备联网", 20, 300000, 250000},
		{3, "", goldenUSCC(14, "220174"), "长春汽开丁公司", "仓储数字化", "12.5", 200000, ""},
		{"", "", "", "合计", "", 62.5, 900000, ""},
	}, func(f *excelize.File, sh string) { f.MergeCell(sh, "A1", "H1") })
	writeBook(t, filepath.Join(goldenDir, "summary", "out_of_scope.xlsx"), [][]any{
		{"申报编号", "申报单位", "申请金额（元）"},
		{"SB2026-000001", "长春汽开甲公司", 300000},
		{"SB2026-000003", "长春高新丙公司", 100000},
		{"SB2026-000001", "长春汽开甲公司", 300000},
	}, nil)
}

// writeOrgMerged writes the organisations as a district would: a title row
// merged across the table, a two-row header with merged group cells (单位信息,
// 规模数据) and headers merged down both rows, amounts in 万元, codes and
// figures typed with full-width digits, and a total line.
func writeOrgMerged(t *testing.T, path string, rows [][]any) {
	full := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
				return r + 0xFEE0
			}
			return r
		}, s)
	}
	book := [][]any{
		{"2025年长春市中小企业规模数据汇总表"},
		{"序号", "单位信息", "", "", "", "", "", "", "规模数据"},
		{"", "统一社会信用代码", "单位名称", "属地", "注册地区划", "行业代码", "身份", "年度", "从业人员", "营业收入", "资产总额"},
		{"", "", "", "", "", "", "", "", "（人）", "（万元）", "（万元）"},
	}
	for i, r := range rows[:4] {
		rev, assets := r[13], r[14]
		book = append(book, []any{i + 1, full(r[0].(string)), r[1], r[5], r[4], full(r[6].(string)), r[7], r[11], full(fmt.Sprint(r[12])),
			inWan(rev), inWan(assets)})
	}
	book = append(book, []any{"合计", "", "", "", "", "", "", "", "", "", ""})
	writeBook(t, path, book, func(f *excelize.File, sh string) {
		for _, m := range [][2]string{{"A1", "K1"}, {"A2", "A4"}, {"B2", "H2"}, {"I2", "K2"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "D4"},
			{"E3", "E4"}, {"F3", "F4"}, {"G3", "G4"}, {"H3", "H4"}} {
			if err := f.MergeCell(sh, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// inWan writes an amount of 元 as 万元 text with full-width digits.
func inWan(v any) string {
	s := strings.ReplaceAll(fmt.Sprint(v), ",", "")
	var yuan float64
	fmt.Sscan(s, &yuan)
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r + 0xFEE0
		}
		return r
	}, strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.6f", yuan/10000), "0"), "."))
}

// writeCalendarMerged: a title, the header merged down two rows, dates as
// real date cells (serial numbers) and as full-width text.
func writeCalendarMerged(t *testing.T, path, src string) {
	writeBook(t, path, [][]any{
		{"2027年节假日安排（调休）"},
		{"日期", "上班/休息", "说明", "依据"},
		{"", "", "", ""},
		{time.Date(2027, 2, 6, 0, 0, 0, 0, time.UTC), "上班", "春节", src},
		{time.Date(2027, 2, 8, 0, 0, 0, 0, time.UTC), "休息", "春节", src},
		{"２０２７年２月９日", "休息", "春节", src},
	}, func(f *excelize.File, sh string) {
		for _, m := range [][2]string{{"A1", "D1"}, {"A2", "A3"}, {"B2", "B3"}, {"C2", "C3"}, {"D2", "D3"}} {
			if err := f.MergeCell(sh, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle(sh, "A4", "A5", style)
	})
}

// writeLibreOfficeSource writes the CSV that LibreOffice converted into
// libreoffice.xlsx (soffice --headless --convert-to xlsx libreoffice.csv):
// it stores the figures and dates as numbers, as it does with typed input.
func writeLibreOfficeSource(t *testing.T, path string, rows [][]any) {
	var b strings.Builder
	for i, r := range withRows(orgHeader, rows[:4], nil) {
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			s := fmt.Sprint(v)
			if x, ok := v.(float64); ok {
				s = strconv.FormatFloat(x, 'f', 2, 64)
			}
			if i > 0 && (j == 13 || j == 14) {
				s = strings.ReplaceAll(s, ",", "")
			}
			if strings.ContainsAny(s, ",\"") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			b.WriteString(s)
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goldenFixture is the system the golden files are checked against.
type goldenFixture struct {
	*processFixture
	admin app.Actor
	orgs  map[int]*dtfund.Organization
}

func newGoldenFixture(t *testing.T, db *store.DB) *goldenFixture {
	t.Helper()
	ctx := context.Background()
	f := &goldenFixture{processFixture: newProcessFixture(t, db), orgs: map[int]*dtfund.Organization{}}
	f.a.FilesDir = t.TempDir()
	sys := app.SystemActor("test")
	admin := &dtfund.User{Username: "admin", DisplayName: "管理员", Role: dtfund.RoleAdmin}
	if err := f.a.CreateUser(ctx, sys, admin, "Passw0rdLong"); err != nil {
		t.Fatal(err)
	}
	f.admin = app.Actor{User: admin}
	// The organisation of row 2 exists already, under an old name, with
	// last year's figures as first reported.
	old := &dtfund.Organization{USCC: goldenUSCC(1, "220104"), Name: "长春一汽配件有限公司（旧名）", Kind: dtfund.OrgEnterprise,
		LegalPerson: true, RegionCode: "220104", DistrictCode: "220104", IndustryCode: "3670", IsApplicant: true,
		SizeFacts: []dtfund.SizeFact{{Year: 2024, Employees: 300, RevenueFen: 8_000_000_000, AssetsFen: 5_000_000_000}}}
	if err := f.a.CreateOrganization(ctx, sys, old); err != nil {
		t.Fatal(err)
	}
	f.orgs[1] = old
	for i, name := range map[int]string{1: "王一", 2: "李二", 3: "张三"} {
		u := &dtfund.User{Username: fmt.Sprintf("zj%d", i), DisplayName: name, Role: dtfund.RoleExpert}
		if err := f.a.CreateUser(ctx, sys, u, "Passw0rdLong"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// summaryApps creates, dated 2026 so that their numbers are fixed, four
// applications of the fixture's call in 汽开区 (one a draft, which no
// official sees) and one in 高新区: SB2026-000001 … 000005.
func (f *goldenFixture) summaryApps(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	f.a.DB.SetClock(func() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) })
	sys := app.SystemActor("test")
	apps := []struct {
		i        int
		district string
		name     string
		state    dtfund.AppState
		title    string
		req      int64
		spend    []int64
	}{
		{11, "220174", "长春汽开甲公司", dtfund.StateSubmitted, "MES 改造", 30_000_000, []int64{25_000_000, 15_000_000}},
		{12, "220174", "长春汽开乙公司", dtfund.StateRecommended, "设备联网", 15_000_000, []int64{30_000_000}},
		{13, "220173", "长春高新丙公司", dtfund.StateSubmitted, "云平台", 10_000_000, []int64{20_000_000}},
		{14, "220174", "长春汽开丁公司", dtfund.StateSubmitted, "仓储数字化", 12_500_000, []int64{20_000_000}},
		{15, "220174", "长春汽开戊公司", dtfund.StateSubmitted, "质量追溯", 8_000_000, []int64{16_000_000}},
		{16, "220174", "长春汽开己公司", dtfund.StateDraft, "草稿", 1_000_000, []int64{2_000_000}},
	}
	for _, x := range apps {
		o := &dtfund.Organization{USCC: goldenUSCC(x.i, x.district), Name: x.name, Kind: dtfund.OrgEnterprise, LegalPerson: true,
			RegionCode: x.district, DistrictCode: x.district, IndustryCode: "3670", IsApplicant: true}
		if err := f.a.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		f.orgs[x.i] = o
		ap := &dtfund.Application{CallID: f.call.ID, OrgID: o.ID, DistrictCode: x.district, State: x.state, Title: x.title, RequestedFen: x.req}
		for i, fen := range x.spend {
			ap.Spending = append(ap.Spending, dtfund.Spending{Type: "software", AmountFen: fen, InvoiceNo: fmt.Sprintf("INV-%d-%d", x.i, i)})
		}
		if err := f.a.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateApplication(ctx, ap) }); err != nil {
			t.Fatal(err)
		}
	}
}

// render writes a result as the golden text.
func render(res *app.ImportResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %s, sheet %q, header row %d\n", res.Format, res.Sheet, res.HeaderRow)
	fmt.Fprintf(&b, "rows %d, valid %d\n", res.Rows, res.Valid)
	for _, p := range res.Problems {
		fmt.Fprintln(&b, "error:", p.String())
	}
	for _, p := range res.Notes {
		fmt.Fprintln(&b, "note:", p.String())
	}
	for _, l := range res.Lines {
		fmt.Fprintln(&b, "line:", l)
	}
	return b.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if updateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

type goldenCase struct {
	kind, file string
	actor      func(f *goldenFixture) app.Actor
	call       bool
}

var goldenCases = []goldenCase{
	{"organizations", "valid.xlsx", asCity, false},
	{"organizations", "bad_uscc.xlsx", asCity, false},
	{"organizations", "missing_cell.xlsx", asCity, false},
	{"organizations", "bad_number.xlsx", asCity, false},
	{"organizations", "duplicate.xlsx", asCity, false},
	{"organizations", "unknown_district.xlsx", asCity, false},
	{"organizations", "merged.xlsx", asCity, false},
	{"organizations", "libreoffice.xlsx", asCity, false},
	{"experts", "valid.xlsx", asCity, false},
	{"experts", "unknown_account.xlsx", asCity, false},
	{"calendar", "valid.xlsx", asAdmin, false},
	{"calendar", "bad_date.xlsx", asAdmin, false},
	{"calendar", "merged.xlsx", asAdmin, false},
	{"summary", "valid.xlsx", asDistrict, true},
	{"summary", "out_of_scope.xlsx", asDistrict, false},
	{"credit", "valid.xlsx", asCity, false},
	{"credit", "errors.xlsx", asCity, false},
}

func asCity(f *goldenFixture) app.Actor     { return f.city }
func asAdmin(f *goldenFixture) app.Actor    { return f.admin }
func asDistrict(f *goldenFixture) app.Actor { return f.district }

// TestImportGolden checks every golden workbook and compares the findings
// (row, column, reason) with its .want file.
func TestImportGolden(t *testing.T) {
	f := newGoldenFixture(t, testdb.SQLite(t))
	f.summaryApps(t)
	for _, c := range goldenCases {
		t.Run(c.kind+"/"+c.file, func(t *testing.T) {
			path := filepath.Join(goldenDir, c.kind, c.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opt := app.ImportOptions{}
			if c.call {
				opt.CallID = f.call.ID
			}
			res, err := f.a.CheckImport(context.Background(), c.actor(f), c.kind, data, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(path, ".xlsx")+".want", render(res))
		})
	}
}
