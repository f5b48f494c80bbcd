package store

import (
	"context"
	"database/sql"
	"time"

	"dtfund"
)

// Attachment is a file attached to an application (申报材料). The bytes live
// on disk under their SHA-256 (content-addressed: the same file uploaded
// twice is stored once); this row links them to the application under the
// name the applicant gave and the material kind it answers.
type Attachment struct {
	ID            int64
	ApplicationID int64
	SHA256        string // hex
	Size          int64
	ContentType   string
	Name          string
	Kind          string // one of the call's materials, or 其他
	UploadedBy    int64
	UploadedAt    time.Time
	DeletedAt     time.Time // zero while attached
}

const attachmentColumns = `l.id, l.application_id, l.sha256, b.size, b.content_type, l.name, l.kind, COALESCE(l.uploaded_by, 0),
 l.uploaded_at, COALESCE(l.deleted_at, '')`

const attachmentFrom = ` FROM application_attachments l JOIN attachments b ON b.sha256 = l.sha256`

func scanAttachment(sc interface{ Scan(...any) error }) (*Attachment, error) {
	var at Attachment
	var uploaded, deleted string
	if err := sc.Scan(&at.ID, &at.ApplicationID, &at.SHA256, &at.Size, &at.ContentType, &at.Name, &at.Kind, &at.UploadedBy,
		&uploaded, &deleted); err != nil {
		return nil, err
	}
	at.UploadedAt, at.DeletedAt = parseTime(uploaded), parseTime(deleted)
	return &at, nil
}

// AddAttachment records an uploaded file: the content row (once per
// SHA-256) and the application's link to it, in the caller's transaction.
func (tx *Tx) AddAttachment(ctx context.Context, at *Attachment) error {
	if _, err := tx.exec(ctx, `INSERT INTO attachments (sha256, size, content_type, created_at) VALUES (?, ?, ?, ?)
 ON CONFLICT (sha256) DO NOTHING`, at.SHA256, at.Size, at.ContentType, fmtTime(tx.now)); err != nil {
		return err
	}
	id, err := tx.insertID(ctx, `INSERT INTO application_attachments (application_id, sha256, name, kind, uploaded_by, uploaded_at)
 VALUES (?, ?, ?, ?, ?, ?)`, at.ApplicationID, at.SHA256, at.Name, at.Kind, nullInt(at.UploadedBy), fmtTime(tx.now))
	if err != nil {
		return err
	}
	at.ID, at.UploadedAt = id, tx.now
	return nil
}

// Attachments returns the files currently attached to an application, in
// upload order. The number per application is bounded by the app layer.
func (db *DB) Attachments(ctx context.Context, appID int64) ([]*Attachment, error) {
	return attachments(ctx, db.query, appID)
}

// Attachments reads the current files inside a write transaction, so that a
// submission checks exactly what it submits.
func (tx *Tx) Attachments(ctx context.Context, appID int64) ([]*Attachment, error) {
	return attachments(ctx, tx.query, appID)
}

func attachments(ctx context.Context, query queryFunc, appID int64) ([]*Attachment, error) {
	rows, err := query(ctx, `SELECT `+attachmentColumns+attachmentFrom+` WHERE l.application_id = ? AND l.deleted_at IS NULL
 ORDER BY l.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Attachment
	for rows.Next() {
		at, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

// Attachment returns one attachment of an application, removed ones
// included (an official may need what an earlier version carried).
func (db *DB) Attachment(ctx context.Context, appID, id int64) (*Attachment, error) {
	at, err := scanAttachment(db.queryRow(ctx, `SELECT `+attachmentColumns+attachmentFrom+` WHERE l.application_id = ? AND l.id = ?`, appID, id))
	if err == sql.ErrNoRows {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "附件不存在")
	}
	return at, err
}

// DeleteAttachment removes a file from an application. The row is kept with
// the time and the user, so the history of submitted versions stays whole.
func (tx *Tx) DeleteAttachment(ctx context.Context, appID, id, by int64) error {
	res, err := tx.exec(ctx, `UPDATE application_attachments SET deleted_at = ?, deleted_by = ?
 WHERE application_id = ? AND id = ? AND deleted_at IS NULL`, fmtTime(tx.now), nullInt(by), appID, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "附件不存在")
	}
	return nil
}

// KiB is the size in kibibytes, rounded up, for lists.
func (a *Attachment) KiB() int64 { return (a.Size + 1023) / 1024 }
