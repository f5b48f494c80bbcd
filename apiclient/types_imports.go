package apiclient

import "time"

// ---- imports (数据导入) ----

// ImportKind is a kind of table the caller may import.
type ImportKind struct {
	Name     string         `json:"name" enum:"organizations,experts,calendar,summary,credit"`
	Label    string         `json:"label"`
	Article  string         `json:"article"`
	Note     string         `json:"note"`
	UsesCall bool           `json:"uses_call" doc:"须指定申报批次（call_id）"`
	Columns  []ImportColumn `json:"columns"`
}

// ImportColumn is a column of an import table.
type ImportColumn struct {
	Title    string   `json:"title"`
	Aliases  []string `json:"aliases"`
	Required bool     `json:"required"`
	Help     string   `json:"help"`
}

// ImportKindRef names an import kind.
type ImportKindRef struct {
	Kind string `path:"kind" json:"-" doc:"导入类型"`
}

// ImportUpload is a table to check and keep as a preview.
type ImportUpload struct {
	Kind   string  `form:"kind" json:"-" enum:"organizations,experts,calendar,summary,credit"`
	CallID int64   `form:"call_id,omitempty" json:"-" doc:"汇总表核对：所依据的申报批次"`
	File   *Upload `form:"file" json:"-" doc:".xlsx 或 .csv"`
}

// Import is an import record.
type Import struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	KindLabel    string     `json:"kind_label"`
	FileName     string     `json:"file_name"`
	FileSize     int64      `json:"file_size"`
	FileSHA256   string     `json:"file_sha256"`
	CallID       *int64     `json:"call_id"`
	Source       string     `json:"source" enum:"web,cli"`
	State        string     `json:"state" enum:"previewed,imported,discarded"`
	StateLabel   string     `json:"state_label"`
	RowsTotal    int        `json:"rows_total"`
	RowsValid    int        `json:"rows_valid"`
	ProblemCount int        `json:"problem_count"`
	NoteCount    int        `json:"note_count"`
	Inserted     int        `json:"inserted"`
	Updated      int        `json:"updated"`
	Unchanged    int        `json:"unchanged"`
	Skipped      int        `json:"skipped"`
	ValidOnly    bool       `json:"valid_only"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	FinishedAt   *time.Time `json:"finished_at"`
}

// ImportDetail is an import with its findings: the problems by row and
// column, the notes (differences that are not errors) and the lines about
// the file as a whole.
type ImportDetail struct {
	Import
	Format    string          `json:"format" enum:",xlsx,csv"`
	Sheet     string          `json:"sheet"`
	HeaderRow int             `json:"header_row"`
	Problems  []ImportProblem `json:"problems"`
	Notes     []ImportProblem `json:"notes"`
	Lines     []string        `json:"lines"`
	Truncated bool            `json:"truncated" doc:"问题过多，只保存了前一部分"`
}

// ImportProblem is one finding with its cell.
type ImportProblem struct {
	Row     int    `json:"row" doc:"表格行号；0 为整个文件"`
	Col     int    `json:"col" doc:"列号；0 为整行"`
	Cell    string `json:"cell" doc:"单元格，如 C5"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportConfirmInput confirms a previewed import.
type ImportConfirmInput struct {
	ID        int64 `path:"id" json:"-"`
	ValidOnly bool  `json:"valid_only,omitempty" doc:"只导入没有错误的行"`
}

// ImportConfirmResult is what the confirmation wrote.
type ImportConfirmResult struct {
	Import    ImportDetail `json:"import"`
	Inserted  int          `json:"inserted"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Skipped   int          `json:"skipped" doc:"有错误未导入的行"`
}

// ---- exports (Excel) ----

// LetterExportQuery selects the letters to export.
type LetterExportQuery struct {
	CallID int64 `query:"call_id" json:"-"`
}
