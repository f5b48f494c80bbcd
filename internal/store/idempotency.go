package store

import (
	"context"

	"dtfund"
)

// IdempotencyResult returns the stored result of a request key, or "" when
// the key is new.
func (tx *Tx) IdempotencyResult(ctx context.Context, key string, userID int64) (string, error) {
	var result string
	err := tx.queryRow(ctx, `SELECT result FROM idempotency_keys WHERE key = ? AND user_id = ?`, key, userID).Scan(&result)
	if err != nil {
		if normalizedNotFound(err) {
			return "", nil
		}
		return "", err
	}
	return result, nil
}

// SaveIdempotencyResult records the result of a request key in the caller's
// transaction: a retry after commit finds it, a retry after rollback does not.
func (tx *Tx) SaveIdempotencyResult(ctx context.Context, key string, userID int64, result string) error {
	_, err := tx.exec(ctx, `INSERT INTO idempotency_keys (key, user_id, result, created_at) VALUES (?, ?, ?, ?)`,
		key, userID, result, fmtTime(tx.now))
	return err
}

func normalizedNotFound(err error) bool {
	return dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND
}
