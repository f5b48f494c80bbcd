package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Limits of what Read accepts.
const (
	MaxRows    = 100_000 // data rows per file
	headerScan = 15      // the header is looked for in the first rows
	// maxUnzipped bounds the unpacked size of a workbook, so that a small
	// upload cannot unpack into gigabytes (a zip bomb).
	maxUnzipped = 256 << 20
)

// openOptions are excelize's options for uploaded workbooks.
var openOptions = excelize.Options{UnzipSizeLimit: maxUnzipped}

// Format is the file format Read detected from the content.
type Format string

// The formats Read accepts.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// Table is an uploaded table: where its header was found, which sheet column
// holds each known column, and the data rows.
type Table struct {
	Format    Format
	Sheet     string // the worksheet read (xlsx)
	HeaderRow int    // 1-based number of the header row (the last one of a two-row header)
	Date1904  bool   // the workbook counts dates from 1904 (old Mac Excel)
	Columns   []Column
	Rows      []Row
	// Problems of the file as a whole (a required column missing, a column
	// given twice); a table with problems has no rows worth checking.
	Problems []Problem
	// Skipped counts rows left out: blank, or a 合计/小计 line.
	Skipped int

	index   map[string]int   // column key → 0-based sheet column
	unitFen map[string]int64 // money column key → fen per unit of its header
	headers []string         // header text per sheet column, as written
	width   int              // the widest row: the error column goes after it
}

// Row is one data row: its number in the sheet (1-based, as Excel shows it)
// and its cells, merged ranges filled in.
type Row struct {
	Num   int
	Cells []string
}

// Has reports whether the file has the column.
func (t *Table) Has(key string) bool {
	_, ok := t.index[key]
	return ok
}

// Cell returns a row's raw cell of a column ("" if the file lacks it).
func (t *Table) Cell(r Row, key string) string {
	i, ok := t.index[key]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// SheetColumn returns the 1-based sheet column of a known column, 0 if absent.
func (t *Table) SheetColumn(key string) int {
	if i, ok := t.index[key]; ok {
		return i + 1
	}
	return 0
}

// Header returns the header of a column as the file wrote it, or the
// column's title when the file lacks it.
func (t *Table) Header(key string) string {
	if i, ok := t.index[key]; ok && i < len(t.headers) && Trim(t.headers[i]) != "" {
		return strings.Join(strings.Fields(t.headers[i]), "")
	}
	for _, c := range t.Columns {
		if c.Key == key {
			return c.Title
		}
	}
	return key
}

// Width is the number of sheet columns in use (header and data rows).
func (t *Table) Width() int { return t.width }

var (
	magicZIP  = []byte("PK\x03\x04")
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Read turns an uploaded file into a table of the given columns. The format
// is decided by the content, not the name: an Office Open XML workbook, or
// text (CSV in UTF-8, UTF-8 with BOM, GB18030/GBK as Excel on Chinese
// Windows saves it, or UTF-16 tab-separated "Unicode text"). Of a workbook
// the visible sheet whose header best matches the columns is read. Errors
// are in Chinese; a file that reads but lacks required columns comes back
// with Problems.
func Read(data []byte, cols []Column) (*Table, error) {
	switch {
	case len(data) == 0:
		return nil, errors.New("文件为空")
	case bytes.HasPrefix(data, magicZIP):
		return readXLSX(data, cols)
	case bytes.HasPrefix(data, magicOLE2):
		return nil, errors.New("这是 Excel 97-2003（.xls）文件或设有打开密码的工作簿；请在 Excel 或 WPS 中“另存为” .xlsx（不设密码）后上传")
	}
	grid, err := readText(data)
	if err != nil {
		return nil, err
	}
	t := &Table{Format: CSV, Columns: cols}
	return t, t.fill(grid)
}

func readXLSX(data []byte, cols []Column) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), openOptions)
	if err != nil {
		return nil, errors.New("文件无法作为 Excel 工作簿（.xlsx）打开，可能已损坏或解压后过大")
	}
	defer f.Close()
	props, _ := f.GetWorkbookProps()
	var best *Table
	for _, name := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(name); !visible {
			continue
		}
		grid, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("读取工作表“%s”失败：%w", name, err)
		}
		if err := fillMerges(f, data, name, grid); err != nil {
			return nil, err
		}
		t := &Table{Format: XLSX, Sheet: name, Columns: cols, Date1904: props.Date1904 != nil && *props.Date1904}
		if err := t.fill(grid); err != nil {
			return nil, err
		}
		if best == nil || t.better(best) {
			best = t
		}
		if len(best.Problems) == 0 && len(best.index) == len(cols) {
			break // every column found: no need to read further sheets
		}
	}
	if best == nil {
		return nil, errors.New("工作簿中没有可见的工作表")
	}
	return best, nil
}

// better prefers a sheet with all required columns, then more columns found.
func (t *Table) better(than *Table) bool {
	if (len(t.Problems) == 0) != (len(than.Problems) == 0) {
		return len(t.Problems) == 0
	}
	return len(t.index) > len(than.index)
}

// fillMerges copies the value of each merged range into every cell of it, so
// that a group header over several columns, a header merged down two rows,
// or a district name merged down its rows applies to each cell it covers.
func fillMerges(f *excelize.File, data []byte, sheetName string, grid [][]string) error {
	refs, ok := mergeRefs(data, sheetName)
	if !ok { // an unusual package layout: let excelize parse the whole sheet
		merges, err := f.GetMergeCells(sheetName, true)
		if err != nil {
			return err
		}
		for _, m := range merges {
			refs = append(refs, [2]string{m.GetStartAxis(), m.GetEndAxis()})
		}
	}
	for _, m := range refs {
		c1, r1, err1 := excelize.CellNameToCoordinates(m[0])
		c2, r2, err2 := excelize.CellNameToCoordinates(m[1])
		if err1 != nil || err2 != nil || r1 > len(grid) || c2-c1 > 1000 {
			continue
		}
		v := ""
		if c1-1 < len(grid[r1-1]) {
			v = grid[r1-1][c1-1]
		}
		for r := r1; r <= min(r2, len(grid)); r++ {
			if len(grid[r-1]) < c2 {
				grid[r-1] = append(grid[r-1], make([]string, c2-len(grid[r-1]))...)
			}
			for c := c1; c <= c2; c++ {
				grid[r-1][c-1] = v
			}
		}
	}
	return nil
}

var mergeRE = regexp.MustCompile(`<(?:\w+:)?mergeCell\s+ref="([A-Za-z]+[0-9]+):([A-Za-z]+[0-9]+)"`)

// mergeRefs reads a worksheet's merged ranges straight from the package:
// excelize's GetMergeCells parses the whole sheet into memory, which for
// ten thousand rows costs more than reading them. ok is false when the
// package is laid out in a way this does not follow.
func mergeRefs(data []byte, sheetName string) (refs [][2]string, ok bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, false
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if !readZipXML(zr, "xl/workbook.xml", &wb) || !readZipXML(zr, "xl/_rels/workbook.xml.rels", &rels) {
		return nil, false
	}
	target := ""
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if s.Name == sheetName && r.ID == s.RID {
				target = r.Target
			}
		}
	}
	if target == "" {
		return nil, false
	}
	if strings.HasPrefix(target, "/") {
		target = target[1:]
	} else {
		target = path.Join("xl", target)
	}
	part, ok := readZip(zr, target)
	if !ok {
		return nil, false
	}
	i := bytes.Index(part, []byte("mergeCells"))
	if i < 0 {
		return nil, true
	}
	for _, m := range mergeRE.FindAllSubmatch(part[i:], -1) {
		refs = append(refs, [2]string{strings.ToUpper(string(m[1])), strings.ToUpper(string(m[2]))})
	}
	return refs, true
}

func readZip(zr *zip.Reader, name string) ([]byte, bool) {
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, false
			}
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, maxUnzipped+1))
			return b, err == nil && len(b) <= maxUnzipped
		}
	}
	return nil, false
}

func readZipXML(zr *zip.Reader, name string, v any) bool {
	b, ok := readZip(zr, name)
	return ok && xml.Unmarshal(b, v) == nil
}

// readText decodes a text file and reads it as CSV (or tab-separated).
func readText(data []byte) ([][]string, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if first, _, _ := strings.Cut(text, "\n"); strings.Contains(first, "\t") && !strings.Contains(first, ",") {
		r.Comma = '\t'
	}
	var grid [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return grid, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("CSV 文件第%d行格式错误（引号不配对或位置不正确）", pe.StartLine)
			}
			return nil, err
		}
		if len(grid) > MaxRows+headerScan {
			return nil, fmt.Errorf("文件超过 %d 行，请拆分后分批导入", MaxRows)
		}
		grid = append(grid, rec)
	}
}

func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		return string(b), err
	case bytes.HasPrefix(data, []byte("\uFEFF")):
		data = data[3:]
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", errors.New("文件不是 Excel 工作簿（.xlsx）或 CSV 文本，无法读取")
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", errors.New("文件编码无法识别；请另存为 .xlsx 或 UTF-8 编码的 CSV")
	}
	return string(b), nil
}

// fill finds the header in the first rows and takes the rows under it.
func (t *Table) fill(grid [][]string) error {
	m := newMatcher(t.Columns)
	var best *header
	for i := 0; i < min(headerScan, len(grid)); i++ {
		h := t.matchHeader(m, grid, i)
		if h.direct == 0 {
			continue // a header names at least one column in its own cells
		}
		// The lower row of a two-row header wins a tie with the row above it
		// (cells merged down both rows read the same in each).
		if best == nil || h.score() > best.score() || (h.score() == best.score() && i == best.row+1) {
			best = h
		}
	}
	if best == nil {
		t.Problems = append(t.Problems, Problem{Message: "前" + fmt.Sprint(headerScan) + "行中找不到表头：应有“" + t.requiredTitles() + "”等列"})
		return nil
	}
	// A row under the header that names the same columns in the same places
	// continues it: headers merged down, units such as （万元） on their own
	// row. Its units are the ones that count.
	for best.row+1 < len(grid) {
		next := t.matchHeader(m, grid, best.row+1)
		if !sameColumns(next.index, best.index) {
			break
		}
		best = next
	}
	t.HeaderRow, t.index, t.unitFen, t.headers = best.row+1, best.index, best.units, best.headers
	for _, c := range t.Columns {
		if _, ok := t.index[c.Key]; c.Required && !ok {
			t.Problems = append(t.Problems, Problem{Row: t.HeaderRow, Column: c.Title, Message: "缺少必需的列“" + c.Title + "”"})
		}
	}
	rows := grid[best.row+1:]
	if len(rows) > MaxRows {
		return fmt.Errorf("文件超过 %d 行，请拆分后分批导入", MaxRows)
	}
	known := make([]bool, len(t.headers))
	for _, j := range t.index {
		known[j] = true
	}
	t.width = len(t.headers)
	for i, cells := range rows {
		if skip(cells, known) {
			t.Skipped++
			continue
		}
		t.width = max(t.width, len(cells))
		t.Rows = append(t.Rows, Row{Num: best.row + 2 + i, Cells: cells})
	}
	return nil
}

// header is a candidate header row and the columns it names.
type header struct {
	row     int // 0-based
	index   map[string]int
	units   map[string]int64
	headers []string
	direct  int // columns named by the row's own cells
}

func (h *header) score() int { return 2*h.direct + len(h.index) - h.direct }

// matchHeader reads row i as the header. A cell names a column by itself;
// an empty cell, or one holding only a unit such as （万元）, is read with
// the cell above it (the lower row of a two-row header). The first cell
// naming a column wins.
func (t *Table) matchHeader(m matcher, grid [][]string, i int) *header {
	h := &header{row: i, index: map[string]int{}, units: map[string]int64{}, headers: make([]string, len(grid[i]))}
	for j, cell := range grid[i] {
		h.headers[j] = cell
		text, direct := cell, true
		if base, _ := headerName(cell); base == "" && i > 0 && j < len(grid[i-1]) {
			text, direct = grid[i-1][j]+cell, false
		}
		col, unit, ok := m.match(t.Columns, text)
		if !ok {
			continue
		}
		if key := t.Columns[col].Key; !has(h.index, key) {
			h.index[key], h.units[key], h.headers[j] = j, unit, text
			if direct {
				h.direct++
			}
		}
	}
	return h
}

func sameColumns(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func has(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func (t *Table) requiredTitles() string {
	var ts []string
	for _, c := range t.Columns {
		if c.Required {
			ts = append(ts, c.Title)
		}
	}
	return strings.Join(ts, "”“")
}

// skip leaves out blank rows, rows with nothing in any known column (notes
// under the table) and total lines (合计, 总计, 小计).
func skip(cells []string, known []bool) bool {
	found := false
	for j, c := range cells {
		if c == "" {
			continue
		}
		if len(c) <= 16 { // only a short cell can be a total line's label
			if f := strings.ReplaceAll(Fold(c), " ", ""); f == "合计" || f == "总计" || f == "小计" {
				return true
			}
		}
		if j < len(known) && known[j] && Trim(c) != "" {
			found = true
		}
	}
	return !found
}
