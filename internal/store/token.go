package store

import (
	"context"
	"time"
)

// APIToken is a personal access token for the JSON API. Hash is the SHA-256
// of the secret (hex); the secret itself is shown once at creation and never
// stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	ExpiresAt  time.Time // zero: no expiry
	RevokedAt  time.Time // zero: not revoked
	RevokedBy  int64

	Username string // filled by queries
}

// Active reports whether the token may be used at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateAPIToken stores a new token.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *APIToken) error {
	var expires any
	if !t.ExpiresAt.IsZero() {
		expires = fmtTime(t.ExpiresAt)
	}
	id, err := tx.insertID(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.UserID, t.Name, t.Hash, fmtTime(tx.now), expires)
	t.ID, t.CreatedAt = id, tx.now
	return err
}

const tokenColumns = `t.id, t.user_id, t.name, t.token_hash, t.created_at, COALESCE(t.last_used_at, ''), COALESCE(t.expires_at, ''),
 COALESCE(t.revoked_at, ''), COALESCE(t.revoked_by, 0), u.username`

type rowScanner interface{ Scan(dest ...any) error }

func scanToken(r rowScanner) (*APIToken, error) {
	var t APIToken
	var created, used, expires, revoked string
	if err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &created, &used, &expires, &revoked, &t.RevokedBy, &t.Username); err != nil {
		return nil, normalize(err)
	}
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = parseTime(created), parseTime(used), parseTime(expires), parseTime(revoked)
	return &t, nil
}

// APITokenByHash returns the token whose secret hashes to hash.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	return scanToken(db.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash))
}

// APIToken returns one token by ID.
func (tx *Tx) APIToken(ctx context.Context, id int64) (*APIToken, error) {
	return scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id))
}

// APITokens lists a user's tokens, newest first: the active ones and those
// revoked or expired within the last 90 days, so that the page stays short.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]*APIToken, error) {
	since := fmtTime(db.Now().Add(-90 * 24 * time.Hour))
	rows, err := db.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
 WHERE t.user_id = ? AND (t.revoked_at IS NULL OR t.revoked_at >= ?) AND (t.expires_at IS NULL OR t.expires_at >= ?)
 ORDER BY t.id DESC LIMIT 200`, userID, since, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ActiveAPITokenCount counts a user's tokens that are neither revoked nor expired.
func (tx *Tx) ActiveAPITokenCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
		userID, fmtTime(tx.now)).Scan(&n)
	return n, err
}

// TouchAPIToken records that the token was used.
func (tx *Tx) TouchAPIToken(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, fmtTime(tx.now), id)
	return err
}

// RevokeAPIToken revokes one token; false when it was revoked already.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id, by int64) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL`,
		fmtTime(tx.now), nullInt(by), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RevokeUserAPITokens revokes every token of a user (disabling, a change of
// role or jurisdiction, an administrator's action) and returns how many were
// still unrevoked.
func (tx *Tx) RevokeUserAPITokens(ctx context.Context, userID, by int64) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE user_id = ? AND revoked_at IS NULL`,
		fmtTime(tx.now), nullInt(by), userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// FailedTokenAttempts counts failed bearer-token attempts from an address
// since a time, together with failed logins from it: a guesser shares one
// budget per address whichever door it knocks on.
func (db *DB) FailedTokenAttempts(ctx context.Context, ip string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM login_attempts WHERE ip = ? AND NOT ok AND at >= ?`, ip, fmtTime(since)).Scan(&n)
	return n, err
}

// CountNotifications counts what Notifications pages through.
func (db *DB) CountNotifications(ctx context.Context, userID, orgID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? OR (org_id = ? AND org_id IS NOT NULL)`, userID, orgID).Scan(&n)
	return n, err
}
