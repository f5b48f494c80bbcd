package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
	"dtfund/uscc"
)

// Credit records import (第十一条, 第十三条): 市工信局, 市财政局 or the
// administrator uploads a CSV or .xlsx file of credit records (经营异常名录,
// 严重失信主体名单, accidents, tax violations), one per row. Every row is
// checked as the single-record form checks it (CreditInput.validate), plus
// that the 统一社会信用代码 belongs to an organisation in the system; the
// errors name the row, the column and the reason, and nothing is written
// unless every row passes. A row identical to a record already on file (or
// to an earlier row) is skipped, so importing the same file again changes
// nothing. The rules read the records with their dates at every submission
// and re-check.

// Import bounds.
const (
	MaxCreditImportSize = 5 << 20
	MaxCreditImportRows = 5000
)

// The columns of an import file, by their Chinese headers.
const (
	ColUSCC   = "统一社会信用代码"
	ColKind   = "类型"
	ColStart  = "开始日期"
	ColEnd    = "结束日期"
	ColSource = "来源"
	ColNote   = "备注"
)

// CreditImportColumns are the headers in their usual order; the file may
// order them differently.
var CreditImportColumns = []string{ColUSCC, ColKind, ColStart, ColEnd, ColSource, ColNote}

var requiredCreditColumns = []string{ColUSCC, ColKind, ColStart, ColSource}

// creditFieldColumns maps CreditInput's field names to the file's columns.
var creditFieldColumns = map[string]string{"kind": ColKind, "start_date": ColStart, "end_date": ColEnd, "source": ColSource, "note": ColNote}

// CreditImportError is one problem of an import file.
type CreditImportError struct {
	Row    int    // the spreadsheet's row number (the header is row 1 when it is the first row)
	Column string // the column's header, "" for the whole row or file
	Reason string
}

// CreditImportResult is what an import found and did.
type CreditImportResult struct {
	Rows    int // data rows read
	Added   int
	Skipped int // identical to a record on file or an earlier row
	Errors  []CreditImportError
}

// creditRow is one data row with its spreadsheet row number.
type creditRow struct {
	row    int
	values map[string]string
}

// ImportCredit imports a file of credit records. With errors it returns
// them in the result and an EINVALID error, having written nothing.
func (a *App) ImportCredit(ctx context.Context, actor Actor, name string, data []byte) (*CreditImportResult, error) {
	if err := requireRole(actor, creditWriters...); err != nil {
		return nil, err
	}
	res := &CreditImportResult{}
	rows, err := readCreditFile(name, data, res)
	if err != nil {
		return res, err
	}
	today := calendar.DateOf(a.DB.Now())
	inputs := make([]CreditInput, len(rows))
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i], inputs[i] = creditRowInput(r, today, res)
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		ids, err := tx.OrgIDsByUSCC(ctx, codes)
		if err != nil {
			return err
		}
		for i, r := range rows {
			if _, ok := ids[codes[i]]; !ok && codes[i] != "" && uscc.Validate(codes[i]) == nil {
				res.addError(r.row, ColUSCC, "系统中没有统一社会信用代码为 "+codes[i]+" 的单位")
			}
			inputs[i].OrgID = ids[codes[i]]
		}
		if len(res.Errors) > 0 {
			res.sortErrors()
			return res.invalid()
		}
		return a.writeCreditRows(ctx, tx, actor, inputs, data, res)
	})
	return res, err
}

// writeCreditRows adds the rows not already on file, with one audit record.
func (a *App) writeCreditRows(ctx context.Context, tx *store.Tx, actor Actor, inputs []CreditInput, data []byte, res *CreditImportResult) error {
	existing := map[int64]map[string]bool{}
	var added []int64
	for _, in := range inputs {
		seen, ok := existing[in.OrgID]
		if !ok {
			recs, err := tx.CreditRecords(ctx, in.OrgID)
			if err != nil {
				return err
			}
			seen = map[string]bool{}
			for _, r := range recs {
				seen[creditKey(r.Kind, r.StartDate, r.EndDate, r.Source, r.Note)] = true
			}
			existing[in.OrgID] = seen
		}
		key := creditKey(in.Kind, in.StartDate, in.EndDate, in.Source, in.Note)
		if seen[key] {
			res.Skipped++
			continue
		}
		seen[key] = true
		r := &store.CreditRecord{OrgID: in.OrgID, Kind: in.Kind, StartDate: in.StartDate, EndDate: in.EndDate, Note: in.Note,
			Source: in.Source, CreatedBy: actor.User.ID}
		if err := tx.AddCreditRecord(ctx, r); err != nil {
			return err
		}
		added = append(added, r.ID)
	}
	res.Added = len(added)
	sum := sha256.Sum256(data)
	return tx.Audit(ctx, actor.audit("credit.import", "credit_records", hex.EncodeToString(sum[:8])), nil,
		map[string]any{"sha256": hex.EncodeToString(sum[:]), "rows": res.Rows, "added": added, "skipped": res.Skipped})
}

// creditKey identifies a record for duplicate detection: every field.
func creditKey(kind, start, end, source, note string) string {
	return strings.Join([]string{kind, start, end, source, note}, "\x00")
}

func (r *CreditImportResult) addError(row int, col, reason string) {
	r.Errors = append(r.Errors, CreditImportError{Row: row, Column: col, Reason: reason})
}

// sortErrors orders the errors by row, then by the columns' usual order.
func (r *CreditImportResult) sortErrors() {
	slices.SortStableFunc(r.Errors, func(x, y CreditImportError) int {
		if x.Row != y.Row {
			return x.Row - y.Row
		}
		return slices.Index(CreditImportColumns, x.Column) - slices.Index(CreditImportColumns, y.Column)
	})
}

func (r *CreditImportResult) invalid() error {
	return dtfund.FieldError("file", "导入文件有 %d 处错误，未写入任何记录；请按错误清单修改后重新导入", len(r.Errors))
}

// readCreditFile reads the header and data rows of a CSV or .xlsx file
// (told apart by content). File-level problems are returned at once.
func readCreditFile(name string, data []byte, res *CreditImportResult) ([]creditRow, error) {
	lower := strings.ToLower(name)
	switch {
	case len(data) == 0:
		return nil, dtfund.FieldError("file", "请选择要导入的文件")
	case len(data) > MaxCreditImportSize:
		return nil, dtfund.FieldError("file", "文件超过 %d MiB 上限", MaxCreditImportSize>>20)
	case strings.HasSuffix(lower, ".xls"):
		return nil, dtfund.FieldError("file", "不支持 Excel 97-2003（.xls）格式，请另存为 .xlsx 或 CSV 后导入")
	}
	var table [][]string
	var err error
	if bytes.HasPrefix(data, attMagicZIP) {
		table, err = xlsxTable(data)
	} else {
		table, err = csvTable(data)
	}
	if err != nil {
		return nil, err
	}
	return creditRows(table, res)
}

// xlsxTable reads the first sheet with raw cell values (dates as Excel
// serial numbers, not as the cell's display format).
func xlsxTable(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取该 Excel 文件，请确认是 .xlsx 格式且未加密")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, dtfund.FieldError("file", "Excel 文件中没有工作表")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, dtfund.FieldError("file", "无法读取工作表“%s”", sheets[0])
	}
	return rows, nil
}

// csvTable reads a UTF-8 CSV file (a BOM is allowed).
func csvTable(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, dtfund.FieldError("file", "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, dtfund.FieldError("file", "CSV 第 %d 行格式错误（引号不配对或列分隔有误）", pe.StartLine)
			}
			return nil, dtfund.FieldError("file", "无法读取 CSV 文件")
		}
		rows = append(rows, rec)
	}
}

// creditRows finds the header (the first non-blank row) and returns the
// non-blank data rows keyed by column.
func creditRows(table [][]string, res *CreditImportResult) ([]creditRow, error) {
	head := -1
	for i, r := range table {
		if !blankRow(r) {
			head = i
			break
		}
	}
	if head < 0 {
		return nil, dtfund.FieldError("file", "文件为空：第一行应为表头（%s）", strings.Join(CreditImportColumns, "、"))
	}
	cols := map[int]string{}
	have := map[string]bool{}
	for j, h := range table[head] {
		h = uscc.Normalize(h)
		for _, c := range CreditImportColumns {
			if h == c {
				if have[c] {
					res.addError(head+1, c, "表头中该列重复")
				}
				cols[j], have[c] = c, true
			}
		}
	}
	for _, c := range requiredCreditColumns {
		if !have[c] {
			res.addError(head+1, c, "缺少该列（表头须包含："+strings.Join(CreditImportColumns, "、")+"）")
		}
	}
	if len(res.Errors) > 0 {
		return nil, res.invalid()
	}
	var out []creditRow
	for i := head + 1; i < len(table); i++ {
		if blankRow(table[i]) {
			continue
		}
		r := creditRow{row: i + 1, values: map[string]string{}}
		for j, v := range table[i] {
			if c, ok := cols[j]; ok {
				r.values[c] = strings.TrimSpace(strings.TrimPrefix(v, "\uFEFF"))
			}
		}
		out = append(out, r)
	}
	res.Rows = len(out)
	switch {
	case len(out) == 0:
		return nil, dtfund.FieldError("file", "文件中只有表头，没有记录")
	case len(out) > MaxCreditImportRows:
		return nil, dtfund.FieldError("file", "一次最多导入 %d 条记录（本文件 %d 条），请分批导入", MaxCreditImportRows, len(out))
	}
	return out, nil
}

func blankRow(r []string) bool {
	for _, v := range r {
		if strings.TrimSpace(strings.TrimPrefix(v, "\uFEFF")) != "" {
			return false
		}
	}
	return true
}

// creditRowInput checks one row as the single-record form does and records
// its errors by column; it returns the normalised code and the input.
func creditRowInput(r creditRow, today calendar.Date, res *CreditImportResult) (string, CreditInput) {
	code := strings.ToUpper(uscc.Normalize(r.values[ColUSCC]))
	before := len(res.Errors)
	switch err := uscc.Validate(code); {
	case code == "":
		res.addError(r.row, ColUSCC, "请填写统一社会信用代码")
	case err != nil:
		res.addError(r.row, ColUSCC, err.Error())
	}
	in := CreditInput{Note: r.values[ColNote], Source: r.values[ColSource]}
	kind, ok := creditKindOf(r.values[ColKind])
	if !ok {
		res.addError(r.row, ColKind, fmt.Sprintf("类型“%s”无法识别，应为：%s", r.values[ColKind], creditKindNames()))
	}
	in.Kind = string(kind)
	in.StartDate = importDate(r, ColStart, res)
	in.EndDate = importDate(r, ColEnd, res)
	in.StillListed = in.EndDate == "" && IsListingKind(kind)
	reported := map[string]bool{}
	for _, e := range res.Errors[before:] {
		reported[e.Column] = true
	}
	// The form's checks, less those of columns already reported (which
	// would only repeat the problem in other words).
	var ve dtfund.ValidationErrors
	if err := in.validate(today); errors.As(err, &ve) {
		for _, e := range ve {
			if col := creditFieldColumns[e.Field]; !reported[col] {
				res.addError(r.row, col, e.Message)
				reported[col] = true
			}
		}
	}
	return code, in
}

// creditKindOf accepts a kind's Chinese label (policy.CreditKind.Label) or
// its code.
func creditKindOf(s string) (policy.CreditKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range CreditKinds {
		if s == k.Label() || s == string(k) {
			return k, true
		}
	}
	return "", false
}

func creditKindNames() string {
	names := make([]string, len(CreditKinds))
	for i, k := range CreditKinds {
		names[i] = "“" + k.Label() + "”"
	}
	return strings.Join(names, "、")
}

// importDate reads a date cell: YYYY-MM-DD, or an Excel date serial number
// (what a date cell holds); "" stays "".
func importDate(r creditRow, col string, res *CreditImportResult) string {
	v := r.values[col]
	if v == "" {
		return ""
	}
	if d, err := calendar.ParseDate(v); err == nil {
		return d.String()
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1 && f < 2958466 && f == math.Trunc(f) {
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			return t.Format("2006-01-02")
		}
	}
	res.addError(r.row, col, "日期“"+v+"”无效，应为 YYYY-MM-DD（如 2024-03-15）或 Excel 日期")
	return ""
}
