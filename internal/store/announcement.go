package store

import (
	"context"
	"time"

	"dtfund"
)

// Announcement is a notice on the public site (通知公告).
type Announcement struct {
	ID          int64
	Title       string
	Body        string
	Kind        string // notice | result | policy
	State       string // draft | published | withdrawn
	CallID      int64  // the call it announces, if any
	PublishedAt time.Time
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Announcement kinds and states.
const (
	AnnNotice    = "notice"    // 通知
	AnnResult    = "result"    // 结果公告
	AnnPolicy    = "policy"    // 政策解读
	AnnDraft     = "draft"     // 草稿
	AnnPublished = "published" // 已发布
	AnnWithdrawn = "withdrawn" // 已撤回
)

// AnnouncementFilter selects announcements; PublishedOnly is the public's view.
type AnnouncementFilter struct {
	PublishedOnly bool
	Kind          string
	Page          Page
}

const annColumns = `id, title, body, kind, state, COALESCE(call_id, 0), COALESCE(published_at, ''), COALESCE(created_by, 0), created_at, updated_at`

func scanAnnouncement(sc interface{ Scan(...any) error }) (*Announcement, error) {
	var a Announcement
	var pub, created, updated string
	if err := sc.Scan(&a.ID, &a.Title, &a.Body, &a.Kind, &a.State, &a.CallID, &pub, &a.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	a.PublishedAt, a.CreatedAt, a.UpdatedAt = parseTime(pub), parseTime(created), parseTime(updated)
	return &a, nil
}

// FindAnnouncements returns one page, the newest publication (or draft)
// first, and the total.
func (db *DB) FindAnnouncements(ctx context.Context, f AnnouncementFilter) ([]*Announcement, int, error) {
	where, args := " WHERE 1 = 1", []any{}
	if f.PublishedOnly {
		where, args = where+" AND state = ?", append(args, AnnPublished)
	}
	if f.Kind != "" {
		where, args = where+" AND kind = ?", append(args, f.Kind)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM announcements`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+annColumns+` FROM announcements`+where+
		` ORDER BY COALESCE(published_at, created_at) DESC, id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Announcement
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// Announcement reads one announcement.
func (db *DB) Announcement(ctx context.Context, id int64) (*Announcement, error) {
	a, err := scanAnnouncement(db.queryRow(ctx, `SELECT `+annColumns+` FROM announcements WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "公告不存在")
	}
	return a, err
}

// Announcement reads one announcement inside a write transaction.
func (tx *Tx) Announcement(ctx context.Context, id int64) (*Announcement, error) {
	a, err := scanAnnouncement(tx.queryRow(ctx, `SELECT `+annColumns+` FROM announcements WHERE id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "公告不存在")
	}
	return a, err
}

// SaveAnnouncement inserts (ID 0) or updates an announcement's content and
// state; publishing sets the publication time once.
func (tx *Tx) SaveAnnouncement(ctx context.Context, a *Announcement) error {
	now := fmtTime(tx.now)
	if a.State == AnnPublished && a.PublishedAt.IsZero() {
		a.PublishedAt = tx.now
	}
	var pub any
	if !a.PublishedAt.IsZero() {
		pub = fmtTime(a.PublishedAt)
	}
	if a.ID == 0 {
		id, err := tx.insertID(ctx, `INSERT INTO announcements (title, body, kind, state, call_id, published_at, created_by, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Title, a.Body, a.Kind, a.State, nullInt(a.CallID), pub, nullInt(a.CreatedBy), now, now)
		a.ID, a.CreatedAt, a.UpdatedAt = id, tx.now, tx.now
		return err
	}
	_, err := tx.exec(ctx, `UPDATE announcements SET title = ?, body = ?, kind = ?, state = ?, call_id = ?, published_at = ?, updated_at = ?
 WHERE id = ?`, a.Title, a.Body, a.Kind, a.State, nullInt(a.CallID), pub, now, a.ID)
	a.UpdatedAt = tx.now
	return err
}
