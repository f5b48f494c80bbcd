package store

import (
	"context"

	"dtfund"
)

// Districts returns Changchun's county-level units in display order.
func (db *DB) Districts(ctx context.Context) ([]dtfund.District, error) {
	rows, err := db.query(ctx, `SELECT code, name, kind, has_stat_code, sort FROM districts ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ds []dtfund.District
	for rows.Next() {
		var d dtfund.District
		if err := rows.Scan(&d.Code, &d.Name, &d.Kind, &d.HasStatCode, &d.Sort); err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// District returns one district by code.
func (db *DB) District(ctx context.Context, code string) (*dtfund.District, error) {
	var d dtfund.District
	err := db.queryRow(ctx, `SELECT code, name, kind, has_stat_code, sort FROM districts WHERE code = ?`, code).
		Scan(&d.Code, &d.Name, &d.Kind, &d.HasStatCode, &d.Sort)
	if err != nil {
		return nil, normalize(err)
	}
	return &d, nil
}
