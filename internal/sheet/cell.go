package sheet

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Problem is something wrong in an uploaded table, located by row and
// column as Excel shows them, with the reason in Chinese.
type Problem struct {
	Row     int    `json:"row"`    // 1-based sheet row; 0: the file as a whole
	Col     int    `json:"col"`    // 1-based sheet column; 0: the row as a whole
	Column  string `json:"column"` // the column's header as in the file
	Message string `json:"message"`
}

// Cell is the problem's cell reference (C5), or "" for a row or the file.
func (p Problem) Cell() string {
	if p.Row == 0 || p.Col == 0 {
		return ""
	}
	name, _ := excelize.CoordinatesToCellName(p.Col, p.Row)
	return name
}

// String is the problem as one line: 第5行“营业收入（元）”列（C5）：….
func (p Problem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "第%d行", p.Row)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "“%s”列", p.Column)
	}
	if c := p.Cell(); c != "" {
		fmt.Fprintf(&b, "（%s）", c)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	b.WriteString(p.Message)
	return b.String()
}

// RowReader reads the cells of one row by column key and collects a problem
// for each cell that does not read.
type RowReader struct {
	t        *Table
	Row      Row
	Problems []Problem // errors: the row is not imported
	Notes    []Problem // differences worth a look that are not errors
}

// Reader starts reading a row.
func (t *Table) Reader(r Row) *RowReader { return &RowReader{t: t, Row: r} }

// Fail records a problem with a column's cell (with the row, when the file
// lacks the column).
func (rr *RowReader) Fail(key, format string, args ...any) {
	rr.Problems = append(rr.Problems, Problem{Row: rr.Row.Num, Col: rr.t.SheetColumn(key), Column: rr.t.Header(key),
		Message: fmt.Sprintf(format, args...)})
}

// Note records a difference in a column's cell that is not an error.
func (rr *RowReader) Note(key, format string, args ...any) {
	rr.Notes = append(rr.Notes, Problem{Row: rr.Row.Num, Col: rr.t.SheetColumn(key), Column: rr.t.Header(key),
		Message: fmt.Sprintf(format, args...)})
}

// FailRow records a problem with the row as a whole.
func (rr *RowReader) FailRow(format string, args ...any) {
	rr.Problems = append(rr.Problems, Problem{Row: rr.Row.Num, Message: fmt.Sprintf(format, args...)})
}

// OK reports whether the row has read without problems so far.
func (rr *RowReader) OK() bool { return len(rr.Problems) == 0 }

// Has reports whether the file has the column: an absent optional column
// leaves the stored value alone, a present empty cell clears it.
func (rr *RowReader) Has(key string) bool { return rr.t.Has(key) }

// Blank reports whether the row's cell of a column is empty (or the file
// lacks the column).
func (rr *RowReader) Blank(key string) bool { return Trim(rr.t.Cell(rr.Row, key)) == "" }

// cell returns the trimmed cell and whether it is empty, recording a
// problem for an empty required cell.
func (rr *RowReader) cell(key string, required bool) (string, bool) {
	v := Trim(rr.t.Cell(rr.Row, key))
	if v == "" {
		if required {
			rr.Fail(key, "不能为空")
		}
		return "", false
	}
	return v, true
}

// Text reads free text, trimmed, at most maxRunes characters.
func (rr *RowReader) Text(key string, required bool, maxRunes int) string {
	v, ok := rr.cell(key, required)
	if ok && utf8.RuneCountInString(v) > maxRunes {
		rr.Fail(key, "不超过%d个字（现有%d个）", maxRunes, utf8.RuneCountInString(v))
	}
	return v
}

// Code reads a code: half-width, without any spaces. A long all-digit code
// that Excel turned into scientific notation is refused: its digits are lost.
func (rr *RowReader) Code(key string, required bool) string {
	v, ok := rr.cell(key, required)
	if !ok {
		return ""
	}
	if scientific(v) {
		rr.Fail(key, "“%s”%s", v, errScientific.Error())
		return ""
	}
	return strings.ReplaceAll(Fold(v), " ", "")
}

// Int reads a whole number; ok is false for an empty or bad cell.
func (rr *RowReader) Int(key string, required bool) (int64, bool) {
	v, present := rr.cell(key, required)
	if !present {
		return 0, false
	}
	n, err := ParseInt(v)
	if err != nil {
		rr.Fail(key, "“%s”%s", v, err.Error())
		return 0, false
	}
	return n, true
}

// Money reads an amount in fen, in the unit the column's header states (元
// unless it says 万元, or the cell itself says 元 or 万元).
func (rr *RowReader) Money(key string, required bool) (int64, bool) {
	v, present := rr.cell(key, required)
	if !present {
		return 0, false
	}
	unit := rr.t.unitFen[key]
	if unit == 0 {
		unit = FenPerYuan
	}
	fen, err := ParseMoney(v, unit)
	if err != nil {
		rr.Fail(key, "“%s”%s", v, moneyMessage(err, unit))
		return 0, false
	}
	return fen, true
}

func moneyMessage(err error, unit int64) string {
	if err == errTooManyDigits && unit == FenPerWan {
		return "精确到分：以万元为单位时最多保留六位小数"
	}
	if err == errNotNumber {
		return "不是有效的金额"
	}
	return err.Error()
}

// Date reads a civil date as YYYY-MM-DD.
func (rr *RowReader) Date(key string, required bool) (string, bool) {
	v, present := rr.cell(key, required)
	if !present {
		return "", false
	}
	d, err := ParseDate(v, rr.t.Date1904)
	if err != nil {
		rr.Fail(key, "“%s”%s", v, err.Error())
		return "", false
	}
	return d, true
}

// Bool reads 是/否; def is the value of an empty cell.
func (rr *RowReader) Bool(key string, def bool) bool {
	v, present := rr.cell(key, false)
	if !present {
		return def
	}
	b, err := ParseBool(v)
	if err != nil {
		rr.Fail(key, "“%s”%s", v, err.Error())
		return def
	}
	return b
}
