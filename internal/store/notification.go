package store

import (
	"context"
	"time"
)

// Notification is a message to an organisation's users (or one user), kept
// in the outbox table: shown in the app, and emailed when SMTP is set up.
type Notification struct {
	ID            int64
	OrgID         int64
	UserID        int64
	ApplicationID int64
	Subject       string
	Body          string
	CreatedAt     time.Time
	ReadAt        time.Time
}

// Notify writes a notification in the caller's transaction, so that it
// exists exactly when the change it reports committed.
func (tx *Tx) Notify(ctx context.Context, n Notification) error {
	_, err := tx.exec(ctx, `INSERT INTO notifications (org_id, user_id, application_id, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		nullInt(n.OrgID), nullInt(n.UserID), nullInt(n.ApplicationID), n.Subject, n.Body, fmtTime(tx.now))
	return err
}

// Notifications returns the newest notifications for a user or their organisation.
func (db *DB) Notifications(ctx context.Context, userID, orgID int64, page Page) ([]*Notification, error) {
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT id, COALESCE(org_id, 0), COALESCE(user_id, 0), COALESCE(application_id, 0), subject, body, created_at,
 COALESCE(read_at, '') FROM notifications WHERE user_id = ? OR (org_id = ? AND org_id IS NOT NULL) ORDER BY id DESC LIMIT ? OFFSET ?`,
		userID, orgID, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ns []*Notification
	for rows.Next() {
		var n Notification
		var created, read string
		if err := rows.Scan(&n.ID, &n.OrgID, &n.UserID, &n.ApplicationID, &n.Subject, &n.Body, &created, &read); err != nil {
			return nil, err
		}
		n.CreatedAt, n.ReadAt = parseTime(created), parseTime(read)
		ns = append(ns, &n)
	}
	return ns, rows.Err()
}

// UnsentNotifications returns notifications not yet handled by the mailer,
// oldest first.
func (db *DB) UnsentNotifications(ctx context.Context, limit int) ([]*Notification, error) {
	rows, err := db.query(ctx, `SELECT id, COALESCE(org_id, 0), COALESCE(user_id, 0), COALESCE(application_id, 0), subject, body, created_at
 FROM notifications WHERE emailed_at IS NULL ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ns []*Notification
	for rows.Next() {
		var n Notification
		var created string
		if err := rows.Scan(&n.ID, &n.OrgID, &n.UserID, &n.ApplicationID, &n.Subject, &n.Body, &created); err != nil {
			return nil, err
		}
		n.CreatedAt = parseTime(created)
		ns = append(ns, &n)
	}
	return ns, rows.Err()
}

// MarkEmailed records that the mailer handled a notification (sent, or had
// no address to send to).
func (tx *Tx) MarkEmailed(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `UPDATE notifications SET emailed_at = ? WHERE id = ? AND emailed_at IS NULL`, fmtTime(tx.now), id)
	return err
}
