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

// UnsentNotifications returns notifications not yet handled by the mailer
// and not claimed by a mailer now, oldest first.
func (db *DB) UnsentNotifications(ctx context.Context, limit int) ([]*Notification, error) {
	rows, err := db.query(ctx, `SELECT id, COALESCE(org_id, 0), COALESCE(user_id, 0), COALESCE(application_id, 0), subject, body, created_at
 FROM notifications WHERE emailed_at IS NULL AND (email_lease_until IS NULL OR email_lease_until <= ?) ORDER BY id LIMIT ?`,
		fmtTime(db.Now()), limit)
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

// ClaimEmail takes a notification for owner until the lease ends, with a
// compare-and-set UPDATE: of two mailers (instances) trying at once, one
// gets it (true) and the other skips it. A claim whose mailer died runs
// out and the notification is tried again.
func (tx *Tx) ClaimEmail(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	now := fmtTime(tx.now)
	res, err := tx.exec(ctx, `UPDATE notifications SET email_owner = ?, email_lease_until = ?
 WHERE id = ? AND emailed_at IS NULL AND (email_lease_until IS NULL OR email_lease_until <= ?)`, owner, fmtTime(until), id, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseEmail gives a claimed notification back (the send failed), so
// that the next run tries it again at once.
func (tx *Tx) ReleaseEmail(ctx context.Context, id int64, owner string) error {
	_, err := tx.exec(ctx, `UPDATE notifications SET email_owner = NULL, email_lease_until = NULL
 WHERE id = ? AND email_owner = ? AND emailed_at IS NULL`, id, owner)
	return err
}

// MarkEmailed records that the mailer handled a notification (sent, or had
// no address to send to). With owner set, only while owner's claim is the
// notification's claim.
func (tx *Tx) MarkEmailed(ctx context.Context, id int64, owner string) error {
	_, err := tx.exec(ctx, `UPDATE notifications SET emailed_at = ?, email_lease_until = NULL
 WHERE id = ? AND emailed_at IS NULL AND (? = '' OR email_owner = ?)`, fmtTime(tx.now), id, owner, owner)
	return err
}
