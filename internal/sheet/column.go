// Package sheet reads and writes the tables officials keep in Excel: an
// uploaded .xlsx or .csv becomes rows with a header map, whoever wrote it
// (Excel, WPS, LibreOffice), and a list of rows becomes a workbook with
// Chinese headers, amounts in 元 as numbers, a frozen header row and column
// widths that fit. It knows nothing of storage; the import kinds in
// internal/app say which columns they need and what a row means.
package sheet

import (
	"strings"
)

// Kind is what a column holds; it decides how a cell is read and written.
type Kind int

// The kinds of column.
const (
	Text  Kind = iota // free text, kept as written (surrounding spaces trimmed)
	Code              // a code: folded to half-width, no spaces (统一社会信用代码, 行业代码)
	Int               // a whole number
	Money             // an amount in fen, written in 元 with two decimals; a header saying 万元 scales
	Date              // a civil date, YYYY-MM-DD
	Bool              // 是/否
	Score             // hundredths of a point, written with two decimals (exports only)
)

// Column is one column of a table: its key in code, the header exports write
// and the other headers that mean the same when reading.
type Column struct {
	Key      string
	Title    string   // e.g. 营业收入（元）
	Aliases  []string // e.g. 营业收入, 年营业收入
	Required bool     // the header must be present in an uploaded file
	Kind     Kind
	Help     string // how to fill it in, for templates and the upload page
}

// headerName normalises a header cell for matching: half-width, no spaces
// or line breaks, no required-field stars or colons, lower case; a unit in
// brackets at the end is returned apart ("营业收入（万元）" → 营业收入, 万元).
func headerName(s string) (base, unit string) {
	s = strings.ToLower(Fold(s))
	s = strings.Map(func(r rune) rune {
		switch {
		case isSpace(r), r == '*', r == ':', r == '※':
			return -1
		case r == '[' || r == '【' || r == '〔':
			return '('
		case r == ']' || r == '】' || r == '〕':
			return ')'
		}
		return r
	}, s)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i >= 0 {
			return s[:i], strings.TrimPrefix(s[i+1:len(s)-1], "单位")
		}
	}
	return s, ""
}

// matcher finds the column a header names.
type matcher map[string]int // normalised name → index into the columns

func newMatcher(cols []Column) matcher {
	m := matcher{}
	for i, c := range cols {
		for _, name := range append([]string{c.Title}, c.Aliases...) {
			base, _ := headerName(name)
			if _, dup := m[base]; !dup {
				m[base] = i
			}
		}
	}
	return m
}

// match returns the column a header cell names, and the fen per unit its
// header states for a money column (元 unless it says 万元).
func (m matcher) match(cols []Column, header string) (col int, unitFen int64, ok bool) {
	base, unit := headerName(header)
	if base == "" {
		return 0, 0, false
	}
	i, ok := m[base]
	if !ok {
		return 0, 0, false
	}
	unitFen = FenPerYuan
	if cols[i].Kind == Money && unit == "万元" {
		unitFen = FenPerWan
	}
	return i, unitFen, true
}
