package store

import (
	"context"
	"strings"
)

// OrgIDsByUSCC maps each of the given 统一社会信用代码 that belongs to an
// organisation to its ID, in chunks so that a large import stays within the
// engines' parameter limits.
func (tx *Tx) OrgIDsByUSCC(ctx context.Context, codes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(codes))
	const chunk = 500
	for start := 0; start < len(codes); start += chunk {
		part := codes[start:min(start+chunk, len(codes))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := tx.query(ctx, `SELECT uscc, id FROM organizations WHERE uscc IN (`+strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var code string
			var id int64
			if err := rows.Scan(&code, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[code] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
