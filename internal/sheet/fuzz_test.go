package sheet

import (
	"os"
	"testing"
)

// fuzzColumns are one column of every kind, as the import kinds use them.
var fuzzColumns = []Column{
	{Key: "code", Title: "统一社会信用代码", Aliases: []string{"信用代码"}, Required: true, Kind: Code},
	{Key: "name", Title: "单位名称", Kind: Text},
	{Key: "amount", Title: "营业收入（元）", Kind: Money},
	{Key: "day", Title: "日期", Kind: Date},
	{Key: "n", Title: "从业人员", Kind: Int},
}

// FuzzRead feeds the importer's reading layer arbitrary uploads — CSV in
// any encoding, workbooks, garbage — and reads every cell of whatever
// table comes out as the import kinds do: nothing may panic.
func FuzzRead(f *testing.F) {
	f.Add([]byte("统一社会信用代码,单位名称,营业收入（元）,日期,从业人员\n91220101MA0000000X,甲公司,\"1,234.50\",2024/1/2,12\n"))
	f.Add([]byte("标题行\n信用代码,营业收入（万元）\n９１２２０１０１ＭＡ００００００００Ｘ,１２.５\n合计,12.5\n"))
	f.Add([]byte("\xef\xbb\xbf统一社会信用代码\t日期\n91220101MA0000000X\t45292\n"))
	f.Add([]byte{0xff, 0xfe, 0xdf, 0x7e, 0x0a, 0x00})
	f.Add([]byte("PK\x03\x04garbage"))
	for _, golden := range []string{"../app/testdata/imports/organizations/valid.xlsx", "../app/testdata/imports/calendar/merged.xlsx"} {
		if b, err := os.ReadFile(golden); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(data, fuzzColumns)
		if err != nil || tab == nil {
			return
		}
		for _, r := range tab.Rows {
			rr := tab.Reader(r)
			rr.Code("code", true)
			rr.Text("name", false, 100)
			rr.Money("amount", false)
			rr.Date("day", false)
			rr.Int("n", false)
		}
	})
}
