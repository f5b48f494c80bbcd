package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Sheet is one worksheet of an export: the columns (their titles are the
// headers, their kinds decide the cell format) and the rows, one value per
// column:
//
//	Text, Code  string
//	Int         int, int64 (or "" for none)
//	Money       int64 fen, written as 元: a number with two decimals
//	Score       int64 hundredths of a point, written with two decimals
//	Date        string YYYY-MM-DD, written as an Excel date
//	Bool        bool, written as 是/否
//
// A nil value leaves the cell empty.
type Sheet struct {
	Name    string // the worksheet's name (at most 31 characters)
	Columns []Column
	Rows    [][]any
	// Total adds a 合计 row under the data summing the Money columns, the
	// label in the nearest text column left of the first of them.
	Total bool
}

// Write writes the sheets as one workbook: a bold header row, frozen; money
// and scores as numbers with two decimals (#,##0.00); dates as dates;
// codes and text as text; every column as wide as its widest value (a
// Chinese character counts two).
func Write(w io.Writer, title string, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.Name)
		} else {
			_, err = f.NewSheet(s.Name)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, st, s); err != nil {
			return fmt.Errorf("工作表“%s”：%w", s.Name, err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "dtfund"}); err != nil {
		return err
	}
	return f.Write(w)
}

// Bytes is Write into memory.
func Bytes(title string, sheets ...Sheet) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, title, sheets...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type styles struct {
	head, text, money, score, date, total, totalMoney int
}

func newStyles(f *excelize.File) (*styles, error) {
	var st styles
	textFmt := "@"
	dateFmt := "yyyy-mm-dd"
	head := excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
	for _, s := range []struct {
		dst   *int
		style excelize.Style
	}{
		{&st.head, head},
		{&st.text, excelize.Style{CustomNumFmt: &textFmt}},
		{&st.money, excelize.Style{NumFmt: 4}}, // #,##0.00
		{&st.score, excelize.Style{NumFmt: 2}}, // 0.00
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.total, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.totalMoney, excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 4}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.dst = id
	}
	return &st, nil
}

func writeSheet(f *excelize.File, st *styles, s Sheet) error {
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	widths := columnWidths(s)
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		head[i] = excelize.Cell{StyleID: st.head, Value: c.Title}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	sums := make([]int64, len(s.Columns))
	for r, row := range s.Rows {
		cells := make([]any, len(s.Columns))
		for i, c := range s.Columns {
			var v any
			if i < len(row) {
				v = row[i]
			}
			if fen, ok := v.(int64); ok && c.Kind == Money {
				sums[i] += fen
			}
			cells[i] = cellValue(st, c.Kind, v)
		}
		if err := sw.SetRow("A"+strconv.Itoa(r+2), cells); err != nil {
			return err
		}
	}
	if s.Total {
		if err := writeTotal(sw, st, s, sums); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func writeTotal(sw *excelize.StreamWriter, st *styles, s Sheet, sums []int64) error {
	cells := make([]any, len(s.Columns))
	first := -1
	for i, c := range s.Columns {
		if c.Kind == Money {
			cells[i] = excelize.Cell{StyleID: st.totalMoney, Value: yuan(sums[i])}
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return nil // no amount to total
	}
	// 合计 goes in the nearest text column left of the first amount.
	for i := first - 1; i >= 0; i-- {
		if k := s.Columns[i].Kind; k == Text || k == Code {
			cells[i] = excelize.Cell{StyleID: st.total, Value: "合计"}
			break
		}
	}
	return sw.SetRow("A"+strconv.Itoa(len(s.Rows)+2), cells)
}

// yuan is fen as a number of 元. float64 holds every amount below 2^53 fen
// to the fen, and excelize writes the shortest decimal that reads back as
// the same float, so 1234.5 元 is stored as "1234.5" and reads back exactly.
func yuan(fen int64) float64 { return float64(fen) / 100 }

func cellValue(st *styles, k Kind, v any) any {
	if v == nil {
		return nil
	}
	switch k {
	case Money:
		if fen, ok := v.(int64); ok {
			return excelize.Cell{StyleID: st.money, Value: yuan(fen)}
		}
	case Score:
		if h, ok := v.(int64); ok {
			return excelize.Cell{StyleID: st.score, Value: float64(h) / 100}
		}
	case Date:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return excelize.Cell{StyleID: st.date, Value: t}
			}
			return excelize.Cell{StyleID: st.text, Value: s}
		}
	case Bool:
		if b, ok := v.(bool); ok {
			return map[bool]string{true: "是", false: "否"}[b]
		}
	case Int:
		return v
	}
	if s, ok := v.(string); ok {
		return excelize.Cell{StyleID: st.text, Value: s}
	}
	return v
}

// columnWidths fits each column to its widest header or value, counting a
// Chinese (wide) character as two, within 6 to 60.
func columnWidths(s Sheet) []float64 {
	ws := make([]float64, len(s.Columns))
	for i, c := range s.Columns {
		ws[i] = float64(DisplayWidth(c.Title)) + 2 // bold header
	}
	for _, row := range s.Rows {
		for i, c := range s.Columns {
			if i < len(row) {
				ws[i] = max(ws[i], float64(DisplayWidth(display(c.Kind, row[i]))))
			}
		}
	}
	for i := range ws {
		ws[i] = min(max(ws[i]+2, 6), 60)
	}
	return ws
}

// display is how a value shows in its cell, for measuring.
func display(k Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		switch k {
		case Money:
			return groupYuan(x)
		case Score:
			return fmt.Sprintf("%.2f", float64(x)/100)
		}
	case bool:
		return "是"
	}
	return fmt.Sprint(v)
}

// groupYuan writes fen as 1,234.56.
func groupYuan(fen int64) string {
	s := strconv.FormatInt(max(fen, -fen)/100, 10)
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	out := string(b) + fmt.Sprintf(".%02d", max(fen, -fen)%100)
	if fen < 0 {
		out = "-" + out
	}
	return out
}

// DisplayWidth is the width of s in columns of a monospaced font: East Asian
// wide and full-width characters count two.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Template is an empty workbook for a kind of import: the header row, and a
// second sheet 填写说明 listing every column, whether it is required, and
// how to fill it in.
func Template(title string, cols []Column, notes ...string) ([]byte, error) {
	help := Sheet{Name: "填写说明", Columns: []Column{{Title: "列名"}, {Title: "是否必需"}, {Title: "填写说明"}}}
	for _, c := range cols {
		req := "可选"
		if c.Required {
			req = "必需"
		}
		help.Rows = append(help.Rows, []any{c.Title, req, c.Help})
	}
	for _, n := range notes {
		help.Rows = append(help.Rows, []any{"", "", n})
	}
	return Bytes(title, Sheet{Name: title, Columns: cols}, help)
}
