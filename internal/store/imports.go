package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"dtfund"
)

// Import states.
const (
	ImportPreviewed = "previewed" // uploaded and checked, waiting for the user's confirmation
	ImportImported  = "imported"  // written (or, for a summary table, its reconciliation recorded)
	ImportDiscarded = "discarded" // abandoned by the user
)

// Import is one uploaded file of an import kind (organisations, the expert
// pool, holiday overrides, a district's summary table): what was checked,
// what was found and, once confirmed, what was written.
type Import struct {
	ID            int64
	Kind          string
	FileName      string
	FileSHA256    string
	FileSize      int64
	DistrictCode  string // the uploader's district (district roles); empty for the city
	CallID        int64  // a summary table checked against one call
	Source        string // web | cli
	State         string
	RowsTotal     int
	RowsValid     int
	ProblemCount  int
	NoteCount     int
	Inserted      int
	Updated       int
	Unchanged     int
	Skipped       int
	ValidOnly     bool
	ResultJSON    string
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	FinishedBy    int64
	FinishedAt    time.Time
}

const importColumns = `id, kind, file_name, file_sha256, file_size, COALESCE(district_code, ''), COALESCE(call_id, 0), source, state,
 rows_total, rows_valid, problem_count, note_count, inserted, updated, unchanged, skipped, valid_only, created_by_name,
 COALESCE(created_by, 0), created_at, COALESCE(finished_by, 0), COALESCE(finished_at, '')`

func scanImport(sc interface{ Scan(...any) error }, withResult bool) (*Import, error) {
	var im Import
	var created, finished string
	dst := []any{&im.ID, &im.Kind, &im.FileName, &im.FileSHA256, &im.FileSize, &im.DistrictCode, &im.CallID, &im.Source, &im.State,
		&im.RowsTotal, &im.RowsValid, &im.ProblemCount, &im.NoteCount, &im.Inserted, &im.Updated, &im.Unchanged, &im.Skipped,
		&im.ValidOnly, &im.CreatedByName, &im.CreatedBy, &created, &im.FinishedBy, &finished}
	if withResult {
		dst = append(dst, &im.ResultJSON)
	}
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	im.CreatedAt, im.FinishedAt = parseTime(created), parseTime(finished)
	return &im, nil
}

// CreateImport records an uploaded file.
func (tx *Tx) CreateImport(ctx context.Context, im *Import) error {
	id, err := tx.insertID(ctx, `INSERT INTO imports (kind, file_name, file_sha256, file_size, district_code, call_id, source, state,
 rows_total, rows_valid, problem_count, note_count, inserted, updated, unchanged, skipped, valid_only, result_json,
 created_by, created_by_name, created_at, finished_by, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		im.Kind, im.FileName, im.FileSHA256, im.FileSize, nullString(im.DistrictCode), nullInt(im.CallID), im.Source, im.State,
		im.RowsTotal, im.RowsValid, im.ProblemCount, im.NoteCount, im.Inserted, im.Updated, im.Unchanged, im.Skipped, im.ValidOnly,
		im.ResultJSON, nullInt(im.CreatedBy), im.CreatedByName, fmtTime(tx.now), nullInt(im.FinishedBy), finishedAt(im, tx.now))
	if err != nil {
		return err
	}
	im.ID, im.CreatedAt = id, tx.now
	if im.State != ImportPreviewed {
		im.FinishedAt = tx.now
	}
	return nil
}

func finishedAt(im *Import, now time.Time) any {
	if im.State == ImportPreviewed {
		return nil
	}
	return fmtTime(now)
}

// FinishImport moves a previewed import to imported or discarded with its
// final figures. It is a compare-and-set on the state: an import confirmed
// twice (a resent form, two tabs) is refused the second time.
func (tx *Tx) FinishImport(ctx context.Context, im *Import) error {
	res, err := tx.exec(ctx, `UPDATE imports SET state = ?, rows_total = ?, rows_valid = ?, problem_count = ?, note_count = ?,
 inserted = ?, updated = ?, unchanged = ?, skipped = ?, valid_only = ?, result_json = ?, finished_by = ?, finished_at = ?
 WHERE id = ? AND state = ?`, im.State, im.RowsTotal, im.RowsValid, im.ProblemCount, im.NoteCount, im.Inserted, im.Updated,
		im.Unchanged, im.Skipped, im.ValidOnly, im.ResultJSON, nullInt(im.FinishedBy), fmtTime(tx.now), im.ID, ImportPreviewed)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该导入已经确认或放弃，不能再次操作")
	}
	im.FinishedAt = tx.now
	return nil
}

// ImportFilter selects import records. DistrictCode scopes district
// officials to their district's uploads.
type ImportFilter struct {
	DistrictCode string
	Kinds        []string
	Page         Page
}

func importWhere(f ImportFilter) (string, []any) {
	var conds []string
	var args []any
	if f.DistrictCode != "" {
		conds, args = append(conds, "district_code = ?"), append(args, f.DistrictCode)
	}
	if len(f.Kinds) > 0 {
		conds = append(conds, "kind IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Kinds)), ", ")+")")
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindImports returns one page of import records, newest first, without
// their results, and the total.
func (db *DB) FindImports(ctx context.Context, f ImportFilter) ([]*Import, int, error) {
	where, args := importWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM imports`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+importColumns+` FROM imports`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Import
	for rows.Next() {
		im, err := scanImport(rows, false)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, im)
	}
	return out, total, rows.Err()
}

// Import returns one record with its result, within the filter's scope.
func (db *DB) Import(ctx context.Context, id int64, f ImportFilter) (*Import, error) {
	where, args := importWhere(f)
	if where == "" {
		where = " WHERE id = ?"
	} else {
		where += " AND id = ?"
	}
	im, err := scanImport(db.queryRow(ctx, `SELECT `+importColumns+`, result_json FROM imports`+where, append(args, id)...), true)
	if err == sql.ErrNoRows {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "导入记录不存在")
	}
	return im, err
}

// OrganizationsByUSCC reads the organisations with the given codes, with
// their size facts, inside the transaction (bounded IN lists).
func (tx *Tx) OrganizationsByUSCC(ctx context.Context, codes []string) (map[string]*dtfund.Organization, error) {
	return orgsByUSCC(ctx, tx.query, codes)
}

// OrganizationsByUSCC reads the organisations with the given codes.
func (db *DB) OrganizationsByUSCC(ctx context.Context, codes []string) (map[string]*dtfund.Organization, error) {
	return orgsByUSCC(ctx, db.query, codes)
}

// importChunk bounds IN lists (SQLite allows 32766 parameters, PostgreSQL 65535).
const importChunk = 500

func orgsByUSCC(ctx context.Context, query queryFunc, codes []string) (map[string]*dtfund.Organization, error) {
	out := map[string]*dtfund.Organization{}
	byID := map[int64]*dtfund.Organization{}
	for start := 0; start < len(codes); start += importChunk {
		part := codes[start:min(start+importChunk, len(codes))]
		rows, err := query(ctx, `SELECT `+orgColumns+` FROM organizations o LEFT JOIN districts d ON d.code = o.district_code
 WHERE o.uscc IN (`+importInList(len(part))+`)`, importArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			o, err := scanOrg(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[o.USCC], byID[o.ID] = o, o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, loadSizeFacts(ctx, query, byID)
}

func loadSizeFacts(ctx context.Context, query queryFunc, byID map[int64]*dtfund.Organization) error {
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += importChunk {
		part := ids[start:min(start+importChunk, len(ids))]
		rows, err := query(ctx, `SELECT org_id, year, employees, revenue_fen, assets_fen FROM org_size_facts
 WHERE org_id IN (`+importInList(len(part))+`) ORDER BY org_id, year DESC`, importArgs(part)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var f dtfund.SizeFact
			if err := rows.Scan(&id, &f.Year, &f.Employees, &f.RevenueFen, &f.AssetsFen); err != nil {
				rows.Close()
				return err
			}
			byID[id].SizeFacts = append(byID[id].SizeFacts, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func importInList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func importArgs[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// AppSummary is an application as a district's summary table (汇总表) lists
// it: the application with its claimed investment (申报投入, the sum of its
// spending) and, once the experts have finalised, the approved investment
// (核定投入, the sum of the approved values).
type AppSummary struct {
	*dtfund.Application
	InvestmentFen int64
	ApprovedFen   int64
	HasApproved   bool
}

// AppSummaries returns the applications within scope (its jurisdiction
// fields, call and states) whose numbers are given, or every one of the
// scope when numbers is nil, by ID.
func (db *DB) AppSummaries(ctx context.Context, scope ApplicationFilter, numbers []string) ([]*AppSummary, error) {
	scope.Page = Page{}
	if numbers == nil {
		return appSummaries(ctx, db, scope, "", nil)
	}
	var out []*AppSummary
	for start := 0; start < len(numbers); start += importChunk {
		part := numbers[start:min(start+importChunk, len(numbers))]
		got, err := appSummaries(ctx, db, scope, "a.number IN ("+importInList(len(part))+")", importArgs(part))
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func appSummaries(ctx context.Context, db *DB, scope ApplicationFilter, extra string, extraArgs []any) ([]*AppSummary, error) {
	where, args := appWhere(scope)
	if extra != "" {
		if where == "" {
			where = " WHERE " + extra
		} else {
			where += " AND " + extra
		}
		args = append(args, extraArgs...)
	}
	rows, err := db.query(ctx, `SELECT `+appColumns+`,
 (SELECT COALESCE(SUM(s.amount_fen), 0) FROM application_spending s WHERE s.application_id = a.id),
 (SELECT SUM(s.approved_fen) FROM application_spending s WHERE s.application_id = a.id)`+appFrom+where+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AppSummary
	for rows.Next() {
		var s AppSummary
		var approved sql.NullInt64
		var err error
		s.Application, err = scanApplication(importScan{rows, []any{&s.InvestmentFen, &approved}})
		if err != nil {
			return nil, err
		}
		s.ApprovedFen, s.HasApproved = approved.Int64, approved.Valid
		out = append(out, &s)
	}
	return out, rows.Err()
}

// importScan appends destinations after those of a shared scan function.
type importScan struct {
	rows  *sql.Rows
	extra []any
}

func (m importScan) Scan(dst ...any) error { return m.rows.Scan(append(dst, m.extra...)...) }
