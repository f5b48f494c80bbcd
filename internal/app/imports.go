package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"dtfund"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// Excel and CSV imports (数据导入). Officials keep their tables in Excel and
// districts collect them offline; an import turns such a table into records.
//
// A kind of import is its columns, a row parser that validates one row into
// a record with its natural key, an optional check against what the system
// holds (read only), and a writer that upserts the records that passed in
// the import's transaction (importKind below). The framework around it:
//
//   - reads the file with internal/sheet (header found under title rows and
//     merged group cells, serial or written dates, full-width digits,
//     amounts in 元 or 万元 to the fen);
//   - rejects a second row with the same natural key;
//   - reports every problem by row, column and reason, and can return the
//     uploaded workbook with the problem cells marked;
//   - writes nothing unless every row passed, or the user chose to import
//     only the rows that passed;
//   - writes in one transaction with the import's record (table imports) and
//     audit records for the rows that really changed: an upsert by natural
//     key, so importing the same file twice changes nothing the second time.
//
// On the web an upload is checked and kept (content-addressed, like
// attachments) as a previewed import; the uploader confirms it later without
// uploading again. The command line checks and writes in one go.

// MaxImportSize is the largest file accepted for import (10 MiB: about
// 100,000 rows of a dozen columns).
const MaxImportSize = 10 << 20

// progressEvery is how often, in rows, progress is reported.
const progressEvery = 500

// maxStoredProblems bounds the problems and notes kept with an import record.
const maxStoredProblems = 5000

// ImportOptions are the choices of an import.
type ImportOptions struct {
	// CallID: a summary table is checked against this call's applications.
	CallID int64
	// Progress, if set, is told every few hundred rows how far a stage
	// (校验, 写入) has come.
	Progress func(stage string, done, total int)
}

// ImportKindInfo describes a kind of import to the user.
type ImportKindInfo struct {
	Name    string // organizations, experts, calendar, summary, credit
	Label   string // 单位及规模数据 …
	Article string // the articles the records serve
	Note    string // what the import does, in a sentence
	Columns []sheet.Column
	Roles   []dtfund.Role
	// UsesCall: the kind takes a call (ImportOptions.CallID).
	UsesCall bool
}

// ImportCounts are what a write did: rows that created a record, changed
// one, or found it as it was.
type ImportCounts struct {
	Inserted, Updated, Unchanged int
}

// ImportResult is the outcome of checking (and perhaps writing) a file.
type ImportResult struct {
	Kind      ImportKindInfo
	Record    *store.Import // the import record, once there is one
	Format    sheet.Format
	Sheet     string
	HeaderRow int
	Rows      int             // data rows read
	Valid     int             // rows without problems
	Problems  []sheet.Problem // errors, by row and column
	Notes     []sheet.Problem // differences that are not errors (summary tables)
	Lines     []string        // findings about the file as a whole
	Counts    ImportCounts
	Skipped   int // rows not written: the rows with problems, in a valid-only import
}

// OK reports whether every row passed.
func (r *ImportResult) OK() bool { return len(r.Problems) == 0 }

// importer is a registered kind, whatever its record type.
type importer interface {
	info() ImportKindInfo
	run(ctx context.Context, env *importEnv) (*importRun, error)
}

// importRun is a checked file: its findings, and how to write its rows.
type importRun struct {
	rows, valid     int
	problems, notes []sheet.Problem
	write           func(ctx context.Context, tx *store.Tx) (ImportCounts, error)
	after           func() // after a successful commit (e.g. drop a cache)
}

// importEnv is what a kind's functions see.
type importEnv struct {
	a     *App
	actor Actor
	opt   ImportOptions
	table *sheet.Table
	lines []string
}

// line adds a finding about the file as a whole.
func (e *importEnv) line(format string, args ...any) {
	e.lines = append(e.lines, fmt.Sprintf(format, args...))
}

// progress reports every progressEvery rows and at the end.
func (e *importEnv) progress(stage string, done, total int) {
	if e.opt.Progress != nil && (done%progressEvery == 0 || done == total) {
		e.opt.Progress(stage, done, total)
	}
}

// parsed is one row read into a record of a kind.
type parsed[T any] struct {
	*sheet.RowReader
	key string
	rec T
}

// importKind is a kind of import for records of type T.
type importKind[T any] struct {
	ImportKindInfo
	keyColumn string // the column marked when a key repeats
	keyLabel  string // what the key is, for that message
	// checkTable finds problems of the file as a whole (optional).
	checkTable func(env *importEnv, t *sheet.Table) []sheet.Problem
	// parse reads and validates one row; the key is "" when it did not read.
	parse func(env *importEnv, rr *sheet.RowReader) (T, string)
	// check looks at the rows that read against the database, read only,
	// failing rows or noting differences (optional).
	check func(ctx context.Context, env *importEnv, rows []*parsed[T]) error
	// write upserts the rows that passed inside the import's transaction,
	// auditing only real changes.
	write func(ctx context.Context, tx *store.Tx, env *importEnv, rows []*parsed[T]) (ImportCounts, error)
	// after runs once the import committed (optional).
	after func(a *App)
}

// importKinds is the registry; each kind's file registers itself.
var importKinds = map[string]importer{}

// importOrder is the order kinds are offered in.
var importOrder = []string{"organizations", "experts", "calendar", "summary", "credit"}

func registerImport[T any](k *importKind[T]) { importKinds[k.Name] = k }

func (k *importKind[T]) info() ImportKindInfo { return k.ImportKindInfo }

func (k *importKind[T]) run(ctx context.Context, env *importEnv) (*importRun, error) {
	t := env.table
	run := &importRun{rows: len(t.Rows)}
	if k.checkTable != nil {
		t.Problems = append(t.Problems, k.checkTable(env, t)...)
	}
	if len(t.Problems) > 0 {
		run.problems = t.Problems // the rows cannot be read sensibly
		return run, nil
	}
	rows := make([]*parsed[T], 0, len(t.Rows))
	seen := make(map[string]int, len(t.Rows))
	for i, r := range t.Rows {
		rr := t.Reader(r)
		rec, key := k.parse(env, rr)
		if key != "" && rr.OK() {
			if first, dup := seen[key]; dup {
				rr.Fail(k.keyColumn, "与第%d行重复：%s相同的记录只能有一行", first, k.keyLabel)
			} else {
				seen[key] = r.Num
			}
		}
		rows = append(rows, &parsed[T]{RowReader: rr, key: key, rec: rec})
		env.progress("校验", i+1, len(t.Rows))
	}
	if k.check != nil {
		if err := k.check(ctx, env, passed(rows)); err != nil {
			return nil, err
		}
	}
	for _, p := range rows {
		run.problems = append(run.problems, p.Problems...)
		run.notes = append(run.notes, p.Notes...)
	}
	valid := passed(rows)
	run.valid = len(valid)
	run.write = func(ctx context.Context, tx *store.Tx) (ImportCounts, error) { return k.write(ctx, tx, env, valid) }
	if k.after != nil {
		run.after = func() { k.after(env.a) }
	}
	return run, nil
}

// passed returns the rows without problems so far.
func passed[T any](rows []*parsed[T]) []*parsed[T] {
	out := make([]*parsed[T], 0, len(rows))
	for _, p := range rows {
		if p.OK() {
			out = append(out, p)
		}
	}
	return out
}

// ImportKinds lists the kinds the actor may import, in order.
func ImportKinds(actor Actor) []ImportKindInfo {
	var out []ImportKindInfo
	for _, name := range importOrder {
		k, ok := importKinds[name]
		if ok && actor.User != nil && slices.Contains(k.info().Roles, actor.User.Role) {
			out = append(out, k.info())
		}
	}
	return out
}

// ImportKind returns a kind by name.
func ImportKind(name string) (ImportKindInfo, bool) {
	k, ok := importKinds[name]
	if !ok {
		return ImportKindInfo{}, false
	}
	return k.info(), true
}

// importScope is who sees which import records: district officials their
// district's uploads, the city bureaus and administrators every upload of
// the kinds they may import (the city finance bureau: credit records).
func importScope(actor Actor) (store.ImportFilter, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin, dtfund.RoleDistrictMIIT,
		dtfund.RoleDistrictFinance); err != nil {
		return store.ImportFilter{}, err
	}
	f := store.ImportFilter{DistrictCode: actor.User.DistrictCode}
	for _, k := range ImportKinds(actor) {
		f.Kinds = append(f.Kinds, k.Name)
	}
	return f, nil
}

// checkFile reads and checks a file of a kind; it writes nothing.
func (a *App) checkFile(ctx context.Context, actor Actor, kind string, data []byte, opt ImportOptions) (*importRun, *ImportResult, error) {
	k, ok := importKinds[kind]
	if !ok {
		return nil, nil, dtfund.FieldError("kind", "请选择导入类型")
	}
	if err := requireRole(actor, k.info().Roles...); err != nil {
		return nil, nil, err
	}
	switch {
	case len(data) == 0:
		return nil, nil, dtfund.FieldError("file", "请选择要导入的文件（.xlsx 或 .csv）")
	case len(data) > MaxImportSize:
		return nil, nil, dtfund.FieldError("file", "文件超过 %d MiB 上限，请拆分后分批导入", MaxImportSize>>20)
	}
	if opt.CallID != 0 {
		if _, err := a.DB.Call(ctx, opt.CallID); err != nil {
			return nil, nil, dtfund.FieldError("call", "申报批次不存在")
		}
	}
	t, err := sheet.Read(data, k.info().Columns)
	if err != nil {
		return nil, nil, dtfund.FieldError("file", "%s", err.Error())
	}
	env := &importEnv{a: a, actor: actor, opt: opt, table: t}
	run, err := k.run(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	res := &ImportResult{Kind: k.info(), Format: t.Format, Sheet: t.Sheet, HeaderRow: t.HeaderRow, Rows: run.rows, Valid: run.valid,
		Problems: sortProblems(run.problems), Notes: sortProblems(run.notes), Lines: env.lines}
	return run, res, nil
}

func sortProblems(ps []sheet.Problem) []sheet.Problem {
	sort.SliceStable(ps, func(i, j int) bool {
		return ps[i].Row < ps[j].Row || (ps[i].Row == ps[j].Row && ps[i].Col < ps[j].Col)
	})
	return ps
}

// CheckImport reads and checks a file and reports what an import would
// find, writing nothing (the command line's --dry-run).
func (a *App) CheckImport(ctx context.Context, actor Actor, kind string, data []byte, opt ImportOptions) (*ImportResult, error) {
	_, res, err := a.checkFile(ctx, actor, kind, data, opt)
	return res, err
}

// errImportProblems refuses to write a file with problems.
func errImportProblems(res *ImportResult) error {
	return dtfund.Errorf(dtfund.EINVALID, "文件中有 %d 处错误（%d 行中 %d 行无误），未导入任何数据；请改正后重新上传，或选择“只导入无误的行”",
		len(res.Problems), res.Rows, res.Valid)
}

// ImportNow checks a file and, if every row passed (or validOnly), writes
// it with its import record in one transaction: the command line's import.
// A file with problems comes back with its result and an error.
func (a *App) ImportNow(ctx context.Context, actor Actor, kind, name string, data []byte, opt ImportOptions, validOnly bool) (*ImportResult, error) {
	run, res, err := a.checkFile(ctx, actor, kind, data, opt)
	if err != nil {
		return nil, err
	}
	if !res.OK() && !validOnly {
		return res, errImportProblems(res)
	}
	rec := a.newImportRecord(actor, kind, name, data, opt, "cli")
	if a.FilesDir != "" {
		if err := a.storeImportFile(data); err != nil {
			return nil, err
		}
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		counts, err := writeRun(ctx, run, tx, res, validOnly)
		if err != nil {
			return err
		}
		rec.State = store.ImportImported
		fillRecord(rec, res, validOnly, actor)
		if err := tx.CreateImport(ctx, rec); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("import.run", "import", itoa(rec.ID)), nil, importAudit(rec, counts))
	})
	if err != nil {
		return nil, err
	}
	finishRun(run)
	res.Record = rec
	return res, nil
}

// writeRun writes the rows that passed and counts what it did.
func writeRun(ctx context.Context, run *importRun, tx *store.Tx, res *ImportResult, validOnly bool) (ImportCounts, error) {
	if run.write == nil { // a file-level problem: nothing to write
		return ImportCounts{}, nil
	}
	counts, err := run.write(ctx, tx)
	if err != nil {
		return counts, err
	}
	res.Counts = counts
	if validOnly {
		res.Skipped = res.Rows - res.Valid
	}
	return counts, nil
}

func finishRun(run *importRun) {
	if run.after != nil {
		run.after()
	}
}

// PreviewImport checks an uploaded file and keeps it, with its findings, as
// a previewed import that the uploader confirms (or discards) later. The
// data of the file is not written yet.
func (a *App) PreviewImport(ctx context.Context, actor Actor, kind, name string, data []byte, opt ImportOptions) (*ImportResult, error) {
	_, res, err := a.checkFile(ctx, actor, kind, data, opt)
	if err != nil {
		return nil, err
	}
	if err := a.storeImportFile(data); err != nil {
		return nil, err
	}
	rec := a.newImportRecord(actor, kind, name, data, opt, "web")
	rec.State = store.ImportPreviewed
	fillRecord(rec, res, false, actor)
	rec.FinishedBy = 0
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateImport(ctx, rec); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("import.upload", "import", itoa(rec.ID)), nil, importAudit(rec, ImportCounts{}))
	})
	if err != nil {
		return nil, err
	}
	res.Record = rec
	return res, nil
}

// ConfirmImport writes a previewed import. The file is checked again (the
// system may have changed since the preview); with problems nothing is
// written unless validOnly, and then only the rows that pass. Only the
// uploader confirms; a second confirmation is refused (409).
func (a *App) ConfirmImport(ctx context.Context, actor Actor, id int64, validOnly bool, progress func(string, int, int)) (*ImportResult, error) {
	rec, data, err := a.previewedImport(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	run, res, err := a.checkFile(ctx, actor, rec.Kind, data, ImportOptions{CallID: rec.CallID, Progress: progress})
	if err != nil {
		return nil, err
	}
	if !res.OK() && !validOnly {
		return res, errImportProblems(res)
	}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		counts, err := writeRun(ctx, run, tx, res, validOnly)
		if err != nil {
			return err
		}
		rec.State = store.ImportImported
		fillRecord(rec, res, validOnly, actor)
		if err := tx.FinishImport(ctx, rec); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("import.confirm", "import", itoa(rec.ID)), nil, importAudit(rec, counts))
	})
	if err != nil {
		return nil, err
	}
	finishRun(run)
	res.Record = rec
	return res, nil
}

// DiscardImport abandons a previewed import.
func (a *App) DiscardImport(ctx context.Context, actor Actor, id int64) error {
	rec, _, err := a.previewedImport(ctx, actor, id)
	if err != nil {
		return err
	}
	rec.State, rec.FinishedBy = store.ImportDiscarded, actorID(actor)
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.FinishImport(ctx, rec); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("import.discard", "import", itoa(rec.ID)), nil, map[string]any{"kind": rec.Kind})
	})
}

// previewedImport returns an import waiting for the actor's confirmation and
// its file.
func (a *App) previewedImport(ctx context.Context, actor Actor, id int64) (*store.Import, []byte, error) {
	rec, err := a.importRecord(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if rec.State != store.ImportPreviewed {
		return nil, nil, dtfund.Errorf(dtfund.ECONFLICT, "该导入已经确认或放弃，不能再次操作")
	}
	if rec.CreatedBy != actor.User.ID {
		return nil, nil, dtfund.Errorf(dtfund.EFORBIDDEN, "只有上传人（%s）可以确认或放弃这次导入", rec.CreatedByName)
	}
	data, err := a.importFile(rec)
	return rec, data, err
}

func (a *App) importRecord(ctx context.Context, actor Actor, id int64) (*store.Import, error) {
	f, err := importScope(actor)
	if err != nil {
		return nil, err
	}
	return a.DB.Import(ctx, id, f)
}

func (a *App) newImportRecord(actor Actor, kind, name string, data []byte, opt ImportOptions, source string) *store.Import {
	sum := sha256.Sum256(data)
	rec := &store.Import{Kind: kind, FileName: cleanFileName(name), FileSHA256: hex.EncodeToString(sum[:]), FileSize: int64(len(data)),
		CallID: opt.CallID, Source: source}
	if rec.FileName == "" {
		rec.FileName = "未命名文件"
	}
	if u := actor.User; u != nil {
		rec.CreatedBy, rec.CreatedByName, rec.DistrictCode = u.ID, u.DisplayName, u.DistrictCode
		if rec.CreatedByName == "" {
			rec.CreatedByName = u.Username
		}
	}
	return rec
}

// importFindings is what an import record keeps of a check.
type importFindings struct {
	Format    sheet.Format    `json:"format"`
	Sheet     string          `json:"sheet"`
	HeaderRow int             `json:"header_row"`
	Problems  []sheet.Problem `json:"problems"`
	Notes     []sheet.Problem `json:"notes"`
	Lines     []string        `json:"lines"`
}

func fillRecord(rec *store.Import, res *ImportResult, validOnly bool, actor Actor) {
	rec.RowsTotal, rec.RowsValid, rec.ProblemCount, rec.NoteCount = res.Rows, res.Valid, len(res.Problems), len(res.Notes)
	rec.Inserted, rec.Updated, rec.Unchanged, rec.Skipped = res.Counts.Inserted, res.Counts.Updated, res.Counts.Unchanged, res.Skipped
	rec.ValidOnly, rec.FinishedBy = validOnly, actorID(actor)
	b, _ := json.Marshal(importFindings{Format: res.Format, Sheet: res.Sheet, HeaderRow: res.HeaderRow,
		Problems: res.Problems[:min(len(res.Problems), maxStoredProblems)], Notes: res.Notes[:min(len(res.Notes), maxStoredProblems)],
		Lines: res.Lines})
	rec.ResultJSON = string(b)
}

func importAudit(rec *store.Import, c ImportCounts) map[string]any {
	return map[string]any{"kind": rec.Kind, "file": rec.FileName, "sha256": rec.FileSHA256, "rows": rec.RowsTotal,
		"problems": rec.ProblemCount, "notes": rec.NoteCount, "inserted": c.Inserted, "updated": c.Updated, "unchanged": c.Unchanged,
		"skipped": rec.Skipped, "valid_only": rec.ValidOnly}
}

// storeImportFile keeps the uploaded bytes in the content store the
// attachments use (same bytes once).
func (a *App) storeImportFile(data []byte) error {
	if a.FilesDir == "" {
		return fmt.Errorf("imports: FilesDir is not set")
	}
	tmpDir := filepath.Join(a.FilesDir, "attachments", "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(tmpDir, "import-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone already after the rename
	defer tmp.Close()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	return a.commitBlob(tmp, hex.EncodeToString(sum[:]))
}

func (a *App) importFile(rec *store.Import) ([]byte, error) {
	data, err := os.ReadFile(a.blobPath(rec.FileSHA256))
	if err != nil {
		return nil, fmt.Errorf("import %d: %w", rec.ID, err)
	}
	return data, nil
}

// ImportDetail is an import record with its findings.
type ImportDetail struct {
	*store.Import
	Kind      ImportKindInfo
	Format    sheet.Format
	Sheet     string
	HeaderRow int
	Problems  []sheet.Problem
	Notes     []sheet.Problem
	Lines     []string
}

// Import returns an import record the actor may see, with its findings.
func (a *App) Import(ctx context.Context, actor Actor, id int64) (*ImportDetail, error) {
	rec, err := a.importRecord(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	d := &ImportDetail{Import: rec}
	d.Kind, _ = ImportKind(rec.Kind)
	var f importFindings
	if err := json.Unmarshal([]byte(rec.ResultJSON), &f); err != nil {
		return nil, err
	}
	d.Format, d.Sheet, d.HeaderRow, d.Problems, d.Notes, d.Lines = f.Format, f.Sheet, f.HeaderRow, f.Problems, f.Notes, f.Lines
	return d, nil
}

// FindImports lists the import records the actor may see, newest first.
func (a *App) FindImports(ctx context.Context, actor Actor, page store.Page) ([]*store.Import, int, error) {
	f, err := importScope(actor)
	if err != nil {
		return nil, 0, err
	}
	f.Page = page
	return a.DB.FindImports(ctx, f)
}

// MarkedImport returns the uploaded file of an import with its problem cells
// marked (see sheet.Mark), named after the upload.
func (a *App) MarkedImport(ctx context.Context, actor Actor, id int64) (string, []byte, error) {
	d, err := a.Import(ctx, actor, id)
	if err != nil {
		return "", nil, err
	}
	data, err := a.importFile(d.Import)
	if err != nil {
		return "", nil, err
	}
	t, err := sheet.Read(data, d.Kind.Columns)
	if err != nil {
		return "", nil, dtfund.Errorf(dtfund.EINVALID, "%s", err.Error())
	}
	out, err := sheet.Mark(data, t, d.Problems, d.Notes)
	if err != nil {
		return "", nil, err
	}
	return MarkedName(d.FileName), out, nil
}

// MarkedName is the file name of a marked copy: 原名-错误标注.xlsx.
func MarkedName(name string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".xlsx"), ".csv")
	return base + "-错误标注.xlsx"
}

// ImportTemplate is an empty workbook with a kind's headers and a sheet
// explaining every column.
func ImportTemplate(kind string) ([]byte, error) {
	k, ok := ImportKind(kind)
	if !ok {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "导入类型不存在")
	}
	return sheet.Template(k.Label, k.Columns, k.Note)
}

// MarkedCopy marks a checked file's problems (and notes) in a copy of it,
// as MarkedImport does for a stored import: for the command line, which
// keeps no preview.
func MarkedCopy(kind string, data []byte, res *ImportResult) ([]byte, error) {
	k, ok := ImportKind(kind)
	if !ok {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "导入类型不存在")
	}
	t, err := sheet.Read(data, k.Columns)
	if err != nil {
		return nil, dtfund.Errorf(dtfund.EINVALID, "%s", err.Error())
	}
	return sheet.Mark(data, t, res.Problems, res.Notes)
}
