package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestParseMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		unit int64
		want int64
		err  bool
	}{
		{"1234.56", FenPerYuan, 123456, false},
		{"1,234.5", FenPerYuan, 123450, false},
		{"１２３４．５６", FenPerYuan, 123456, false}, // full-width digits and point
		{" ￥1,000 元 ", FenPerYuan, 100000, false},
		{"0.30000000000000004", FenPerYuan, 30, false}, // 0.1+0.2 as a float cell holds it
		{"12345.670000000001", FenPerYuan, 1234567, false},
		{"1.5E+7", FenPerYuan, 1500000000, false},
		{"52000.5", FenPerWan, 52000500000, false}, // 万元 column
		{"3万元", FenPerYuan, 3000000, false},        // the cell's unit wins
		{"(100.00)", FenPerYuan, -10000, false},
		{"1.234", FenPerYuan, 0, true},     // a tenth of a fen
		{"1.2300001", FenPerYuan, 0, true}, // not float noise: more than a millionth off
		{"12,3a", FenPerYuan, 0, true},
		{"1/2", FenPerYuan, 0, true},
		{"", FenPerYuan, 0, true},
		{"99999999999999999999", FenPerYuan, 0, true}, // beyond int64 fen
	} {
		got, err := ParseMoney(c.in, c.unit)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseMoney(%q, %d) = %d, %v; want %d (error %v)", c.in, c.unit, got, err, c.want, c.err)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in, want string
		date1904 bool
	}{
		{"45293", "2024-01-02", false}, // Excel serial
		{"45293.75", "2024-01-02", false},
		{"43831", "2024-01-02", true}, // the 1904 date system counts 1462 days less
		{"2024-01-02", "2024-01-02", false},
		{"2024/1/2", "2024-01-02", false},
		{"2024.1.2", "2024-01-02", false},
		{"2024年1月2日", "2024-01-02", false},
		{"２０２４年１月２日", "2024-01-02", false},
		{"2024 年 1 月 2 日", "2024-01-02", false},
		{"20240102", "2024-01-02", false},
		{"2024-01-02 00:00:00", "2024-01-02", false},
		{"2024-01-02T00:00:00Z", "2024-01-02", false},
	} {
		got, err := ParseDate(c.in, c.date1904)
		if err != nil || got != c.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"2024-02-30", "2024-13-01", "明天", "0", "1/2/2024"} {
		if got, err := ParseDate(bad, false); err == nil {
			t.Errorf("ParseDate(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseIntAndBool(t *testing.T) {
	for in, want := range map[string]int64{"320": 320, "1,200": 1200, "３２０人": 320, "320.0": 320, "2024年": 2024} {
		if got, err := ParseInt(in); err != nil || got != want {
			t.Errorf("ParseInt(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseInt("3.5"); err == nil {
		t.Error("ParseInt(3.5) accepted")
	}
	for in, want := range map[string]bool{"是": true, "否": false, "Y": true, "ｙｅｓ": true, "FALSE": false, "√": true, "0": false} {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseBool("可能"); err == nil {
		t.Error("ParseBool(可能) accepted")
	}
}

func TestFoldAndTrim(t *testing.T) {
	if got := Fold("\u3000９１２２０１０１ＭＡ\u00a0 "); got != "91220101MA" {
		t.Errorf("Fold = %q", got)
	}
	// Names keep their full-width brackets; only the surrounding space goes.
	if got := Trim("\u3000中韩（长春）国际合作示范区\u200b"); got != "中韩（长春）国际合作示范区" {
		t.Errorf("Trim = %q", got)
	}
}

var testCols = []Column{
	{Key: "code", Title: "统一社会信用代码", Required: true, Kind: Code},
	{Key: "name", Title: "单位名称", Aliases: []string{"名称"}, Required: true},
	{Key: "revenue", Title: "营业收入（元）", Aliases: []string{"营业收入"}, Kind: Money},
	{Key: "day", Title: "日期", Kind: Date},
}

// TestReadMergedTwoRowHeader: a title row, a group cell merged across two
// columns over the second header row, headers merged down both rows, the
// unit on the lower row, a serial date, full-width digits and a total line.
func TestReadMergedTwoRowHeader(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "2025年企业规模汇总表")
	f.MergeCell(sh, "A1", "E1")
	set("A2", "序号")
	f.MergeCell(sh, "A2", "A3")
	set("B2", "统一社会信用代码")
	f.MergeCell(sh, "B2", "B3")
	set("C2", "单位信息")
	f.MergeCell(sh, "C2", "D2")
	set("C3", "名称")
	set("D3", "日期")
	set("E2", "营业收入")
	set("E3", "（万元）")
	set("A4", 1)
	set("B4", "９１２２０１０１ＭＡ")
	set("C4", "甲公司")
	set("D4", 45293)
	set("E4", "1,234.5")
	set("C5", "合计")
	set("E5", 1234.5)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := Read(buf.Bytes(), testCols)
	if err != nil || len(tb.Problems) > 0 {
		t.Fatalf("Read: %v %v", err, tb.Problems)
	}
	if tb.HeaderRow != 3 || len(tb.Rows) != 1 || tb.Skipped != 1 || tb.Rows[0].Num != 4 {
		t.Fatalf("header row %d, rows %+v, skipped %d", tb.HeaderRow, tb.Rows, tb.Skipped)
	}
	rr := tb.Reader(tb.Rows[0])
	code, name := rr.Code("code", true), rr.Text("name", true, 100)
	rev, _ := rr.Money("revenue", true)
	day, _ := rr.Date("day", true)
	if code != "91220101MA" || name != "甲公司" || rev != 1234_500_000 || day != "2024-01-02" || !rr.OK() {
		t.Fatalf("row = %q %q %d %q %v", code, name, rev, day, rr.Problems)
	}
}

func TestReadCSVInGBKAndMissingColumn(t *testing.T) {
	csv := "单位名称,营业收入\n甲公司,\"1,000\"\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read([]byte(gbk), testCols)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Format != CSV || len(tb.Problems) != 1 || !strings.Contains(tb.Problems[0].String(), "缺少必需的列“统一社会信用代码”") {
		t.Fatalf("problems = %v", tb.Problems)
	}
	if got := tb.Cell(tb.Rows[0], "revenue"); got != "1,000" {
		t.Fatalf("revenue cell = %q", got)
	}
}

func TestReadRefusesLegacyAndEmpty(t *testing.T) {
	if _, err := Read(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), testCols); err == nil ||
		!strings.Contains(err.Error(), "另存为") {
		t.Fatalf(".xls: %v", err)
	}
	if _, err := Read(nil, testCols); err == nil {
		t.Fatal("empty file accepted")
	}
	if _, err := Read([]byte("PK\x03\x04garbage"), testCols); err == nil {
		t.Fatal("broken zip accepted")
	}
}

func TestProblemsNameRowColumnAndCell(t *testing.T) {
	tb, err := Read([]byte("统一社会信用代码,单位名称,营业收入（元）\nX,甲,12.345\n"), testCols)
	if err != nil {
		t.Fatal(err)
	}
	rr := tb.Reader(tb.Rows[0])
	rr.Money("revenue", true)
	rr.Text("name", true, 1)
	if len(rr.Problems) != 1 {
		t.Fatalf("problems = %v", rr.Problems)
	}
	if got := rr.Problems[0].String(); got != "第2行“营业收入（元）”列（C2）：“12.345”最多保留两位小数（精确到分）" {
		t.Fatalf("problem = %q", got)
	}
}

func TestWriteFormatsAndReadsBack(t *testing.T) {
	cols := []Column{{Title: "单位名称"}, {Title: "统一社会信用代码", Kind: Code}, {Title: "金额（元）", Kind: Money},
		{Title: "日期", Kind: Date}, {Title: "人数", Kind: Int}, {Title: "在库", Kind: Bool}}
	data, err := Bytes("测试", Sheet{Name: "清单", Columns: cols, Total: true, Rows: [][]any{
		{"长春某某汽车零部件制造有限公司", "91220101MA00000000", int64(123456789), "2024-01-02", int64(320), true},
		{"乙", "X", int64(1), nil, int64(0), false},
	}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("清单")
	if rows[1][2] != "1,234,567.89" || rows[1][3] != "2024-01-02" || rows[1][5] != "是" || rows[3][1] != "合计" || rows[3][2] != "1,234,567.90" {
		t.Fatalf("rows = %q", rows)
	}
	raw, _ := f.GetCellValue("清单", "C2", excelize.Options{RawCellValue: true})
	if raw != "1234567.89" {
		t.Fatalf("money cell raw = %q, want a number", raw)
	}
	if p, _ := f.GetPanes("清单"); !p.Freeze || p.YSplit != 1 {
		t.Fatalf("panes = %+v", p)
	}
	// Width fits the name: 15 Chinese characters count 30, plus padding.
	if w, _ := f.GetColWidth("清单", "A"); w < 30 || w > 40 {
		t.Fatalf("width of the name column = %v", w)
	}
	tb, err := Read(data, []Column{{Key: "amount", Title: "金额（元）", Kind: Money}, {Key: "day", Title: "日期", Kind: Date}})
	if err != nil {
		t.Fatal(err)
	}
	rr := tb.Reader(tb.Rows[0])
	fen, _ := rr.Money("amount", true)
	day, _ := rr.Date("day", true)
	if fen != 123456789 || day != "2024-01-02" || tb.Skipped != 1 {
		t.Fatalf("read back %d %q (skipped %d, the total line)", fen, day, tb.Skipped)
	}
}

func TestMarkFillsCommentsAndAddsErrorColumn(t *testing.T) {
	data := []byte("统一社会信用代码,单位名称,营业收入（元）\nX,甲,abc\nY,乙,5\n")
	tb, err := Read(data, testCols)
	if err != nil {
		t.Fatal(err)
	}
	ps := []Problem{{Row: 2, Col: 3, Column: "营业收入（元）", Message: "不是有效的金额"}, {Row: 3, Message: "与第2行重复"}}
	out, err := Mark(data, tb, ps, []Problem{{Row: 3, Col: 2, Column: "单位名称", Message: "表中为乙，系统中为丙"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Sheet1", "D1"); v != ErrorColumn {
		t.Fatalf("D1 = %q", v)
	}
	if v, _ := f.GetCellValue("Sheet1", "D2"); !strings.Contains(v, "营业收入（元）") || !strings.Contains(v, "不是有效的金额") {
		t.Fatalf("D2 = %q", v)
	}
	if v, _ := f.GetCellValue("Sheet1", "D3"); !strings.Contains(v, "与第2行重复") || !strings.Contains(v, "差异") {
		t.Fatalf("D3 = %q", v)
	}
	for cell, colour := range map[string]string{"C2": errorFill, "B3": noteFill} {
		id, _ := f.GetCellStyle("Sheet1", cell)
		st, _ := f.GetStyle(id)
		if st == nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != colour {
			t.Errorf("%s fill = %+v, want %s", cell, st, colour)
		}
	}
	cs, _ := f.GetComments("Sheet1")
	if len(cs) != 2 {
		t.Fatalf("comments = %+v", cs)
	}
}
