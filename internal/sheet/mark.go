package sheet

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxComments bounds the cell comments of a marked copy: every problem is
// still filled and listed in the error column, but thousands of comment
// boxes help nobody and slow Excel down.
const maxComments = 500

// Fill colours of marked cells: light red for errors, light yellow for
// differences that are not errors.
const (
	errorFill = "FFC7CE"
	noteFill  = "FFEB9C"
)

// ErrorColumn is the header of the column a marked copy adds.
const ErrorColumn = "错误说明"

// Mark returns a copy of the uploaded file with each problem's cell filled
// light red and commented, each note's (a difference worth a look, not an
// error) light yellow, and a column 错误说明 after the table listing every
// row's problems. The user corrects the copy and uploads it again. A CSV
// upload comes back as a workbook with the same rows and columns.
func Mark(data []byte, t *Table, problems, notes []Problem) ([]byte, error) {
	f, sheetName, err := openForMarking(data, t)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &marker{f: f, sheet: sheetName, derived: map[derivedStyle]int{}, comments: map[string][]string{}}
	errCol := t.Width() + 1
	headRow := max(t.HeaderRow, 1)
	if err := m.header(headRow, errCol, problems); err != nil {
		return nil, err
	}
	byRow := map[int][]string{}
	for _, set := range []struct {
		ps     []Problem
		fill   string
		prefix string
	}{{problems, errorFill, ""}, {notes, noteFill, "差异："}} {
		for _, p := range set.ps {
			if p.Row == 0 {
				continue
			}
			line := set.prefix + strings.TrimPrefix(p.String(), fmt.Sprintf("第%d行", p.Row))
			byRow[p.Row] = append(byRow[p.Row], strings.TrimPrefix(line, "："))
			if c := p.Cell(); c != "" {
				if err := m.fill(c, set.fill); err != nil {
					return nil, err
				}
				m.comments[c] = append(m.comments[c], set.prefix+p.Message)
			}
		}
	}
	if err := m.errorColumn(errCol, byRow); err != nil {
		return nil, err
	}
	if err := m.addComments(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// openForMarking opens the uploaded workbook, or builds one from a CSV.
func openForMarking(data []byte, t *Table) (*excelize.File, string, error) {
	if t.Format == XLSX {
		f, err := excelize.OpenReader(bytes.NewReader(data), openOptions)
		return f, t.Sheet, err
	}
	grid, err := readText(data)
	if err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	name := "Sheet1"
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, "", err
	}
	for i, rec := range grid {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, "", err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, "", err
	}
	// Reopen: a stream-written sheet cannot be edited cell by cell.
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", err
	}
	f.Close()
	f, err = excelize.OpenReader(&buf)
	return f, name, err
}

type derivedStyle struct {
	orig   int
	colour string
}

type marker struct {
	f        *excelize.File
	sheet    string
	derived  map[derivedStyle]int // the original style with a fill → its ID
	comments map[string][]string
}

// header writes the error column's header; problems of the whole file go
// into its comment.
func (m *marker) header(row, col int, problems []Problem) error {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	if err := m.f.SetCellStr(m.sheet, cell, ErrorColumn); err != nil {
		return err
	}
	st, err := m.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "9C0006"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{errorFill}, Pattern: 1}})
	if err != nil {
		return err
	}
	if err := m.f.SetCellStyle(m.sheet, cell, cell, st); err != nil {
		return err
	}
	name, _ := excelize.ColumnNumberToName(col)
	if err := m.f.SetColWidth(m.sheet, name, name, 60); err != nil {
		return err
	}
	for _, p := range problems {
		if p.Row == 0 || (p.Col == 0 && p.Row == row) {
			m.comments[cell] = append(m.comments[cell], p.Message)
		}
	}
	return nil
}

// fill gives a cell the fill colour, keeping its number format and font.
func (m *marker) fill(cell, colour string) error {
	orig, err := m.f.GetCellStyle(m.sheet, cell)
	if err != nil {
		return err
	}
	key := derivedStyle{orig, colour}
	id, ok := m.derived[key]
	if !ok {
		st, err := m.f.GetStyle(orig)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		st.Fill = excelize.Fill{Type: "pattern", Color: []string{colour}, Pattern: 1}
		if id, err = m.f.NewStyle(st); err != nil {
			return err
		}
		m.derived[key] = id
	}
	return m.f.SetCellStyle(m.sheet, cell, cell, id)
}

func (m *marker) errorColumn(col int, byRow map[int][]string) error {
	st, err := m.f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Alignment: &excelize.Alignment{WrapText: true}})
	if err != nil {
		return err
	}
	for row, lines := range byRow {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if err := m.f.SetCellStr(m.sheet, cell, strings.Join(lines, "；")); err != nil {
			return err
		}
		if err := m.f.SetCellStyle(m.sheet, cell, cell, st); err != nil {
			return err
		}
	}
	return nil
}

// addComments adds the first maxComments comments in sheet order.
func (m *marker) addComments() error {
	cells := make([]string, 0, len(m.comments))
	for c := range m.comments {
		cells = append(cells, c)
	}
	sort.Slice(cells, func(i, j int) bool {
		ci, ri, _ := excelize.CellNameToCoordinates(cells[i])
		cj, rj, _ := excelize.CellNameToCoordinates(cells[j])
		return ri < rj || (ri == rj && ci < cj)
	})
	for i, c := range cells {
		if i == maxComments {
			break
		}
		text := strings.Join(m.comments[c], "\n")
		if err := m.f.AddComment(m.sheet, excelize.Comment{Cell: c, Author: "dtfund", Paragraph: []excelize.RichTextRun{{Text: text}},
			Width: 300, Height: 80}); err != nil {
			return err
		}
	}
	return nil
}
