package store

import (
	"context"
	"time"

	"dtfund"
)

// Session is a login session. ID is the SHA-256 of the cookie token, so a
// leaked database does not leak usable cookies.
type Session struct {
	ID         string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	RevokedAt  time.Time
}

// Active reports whether the session may still be used at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s *Session) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, fmtTime(tx.now), fmtTime(s.ExpiresAt), fmtTime(tx.now), s.IP, truncate(s.UserAgent, 300))
	s.CreatedAt, s.LastSeenAt = tx.now, tx.now
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Session returns a session by ID (hashed token).
func (db *DB) Session(ctx context.Context, id string) (*Session, error) {
	var s Session
	var created, expires, seen string
	var revoked *string
	err := db.queryRow(ctx, `SELECT id, user_id, created_at, expires_at, last_seen_at, ip, user_agent, revoked_at FROM sessions WHERE id = ?`, id).
		Scan(&s.ID, &s.UserID, &created, &expires, &seen, &s.IP, &s.UserAgent, &revoked)
	if err != nil {
		return nil, normalize(err)
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = parseTime(created), parseTime(expires), parseTime(seen)
	if revoked != nil {
		s.RevokedAt = parseTime(*revoked)
	}
	return &s, nil
}

// TouchSession records activity and slides the expiry forward.
func (tx *Tx) TouchSession(ctx context.Context, id string, expires time.Time) error {
	_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ? AND revoked_at IS NULL`, fmtTime(tx.now), fmtTime(expires), id)
	return err
}

// RevokeSession ends one session (logout).
func (tx *Tx) RevokeSession(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, fmtTime(tx.now), id)
	return err
}

// RevokeUserSessions ends every session of a user (admin action, password
// reset, disabling) and returns how many were active.
func (tx *Tx) RevokeUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, fmtTime(tx.now), userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ActiveSessions lists a user's sessions that are neither revoked nor expired.
func (db *DB) ActiveSessions(ctx context.Context, userID int64) ([]*Session, error) {
	rows, err := db.query(ctx, `SELECT id, created_at, expires_at, last_seen_at, ip, user_agent FROM sessions
 WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC LIMIT 100`, userID, fmtTime(db.Now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ss []*Session
	for rows.Next() {
		s := &Session{UserID: userID}
		var created, expires, seen string
		if err := rows.Scan(&s.ID, &created, &expires, &seen, &s.IP, &s.UserAgent); err != nil {
			return nil, err
		}
		s.CreatedAt, s.ExpiresAt, s.LastSeenAt = parseTime(created), parseTime(expires), parseTime(seen)
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// RecordLoginAttempt stores one login attempt for throttling and audit.
func (tx *Tx) RecordLoginAttempt(ctx context.Context, username, ip string, ok bool) error {
	_, err := tx.exec(ctx, `INSERT INTO login_attempts (username, ip, at, ok) VALUES (?, ?, ?, ?)`, truncate(username, 64), ip, fmtTime(tx.now), ok)
	return err
}

// FailedLogins counts failed attempts since a time, for an account and for
// an address. A success resets the account's count.
func (db *DB) FailedLogins(ctx context.Context, username, ip string, since time.Time) (byUser, byIP int, err error) {
	s := fmtTime(since)
	err = db.queryRow(ctx, `SELECT count(*) FROM login_attempts WHERE username = ? AND NOT ok AND at >= ?
 AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = ? AND ok), '')`, username, s, username).Scan(&byUser)
	if err != nil {
		return 0, 0, err
	}
	err = db.queryRow(ctx, `SELECT count(*) FROM login_attempts WHERE ip = ? AND NOT ok AND at >= ?`, ip, s).Scan(&byIP)
	return byUser, byIP, err
}

// Setting returns a stored setting, or "" when absent.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
		return "", nil
	}
	return v, err
}

// EnsureSetting stores value under key unless a value exists, and returns the
// stored value: several instances starting at once agree on one secret.
func (db *DB) EnsureSetting(ctx context.Context, key, value string) (string, error) {
	err := db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
		return err
	})
	if err != nil {
		return "", err
	}
	return db.Setting(ctx, key)
}
