package store

import "context"

// CalendarOverride is an administrator's entry for one date, overriding the
// built-in State Council holiday table (a correction, or a new year's
// schedule loaded before a release carries it).
type CalendarOverride struct {
	Date    string // YYYY-MM-DD
	Working bool
	Name    string
	Source  string
}

// CalendarOverrides returns every override, by date.
func (db *DB) CalendarOverrides(ctx context.Context) ([]CalendarOverride, error) {
	rows, err := db.query(ctx, `SELECT date, working, name, source FROM calendar_overrides ORDER BY date`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var os []CalendarOverride
	for rows.Next() {
		var o CalendarOverride
		if err := rows.Scan(&o.Date, &o.Working, &o.Name, &o.Source); err != nil {
			return nil, err
		}
		os = append(os, o)
	}
	return os, rows.Err()
}

// PutCalendarOverride inserts or replaces the override for a date.
func (tx *Tx) PutCalendarOverride(ctx context.Context, o CalendarOverride, userID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO calendar_overrides (date, working, name, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
 ON CONFLICT (date) DO UPDATE SET working = excluded.working, name = excluded.name, source = excluded.source,
 created_by = excluded.created_by, created_at = excluded.created_at`,
		o.Date, o.Working, o.Name, o.Source, nullInt(userID), fmtTime(tx.now))
	return err
}

// DeleteCalendarOverride removes the override for a date.
func (tx *Tx) DeleteCalendarOverride(ctx context.Context, date string) error {
	_, err := tx.exec(ctx, `DELETE FROM calendar_overrides WHERE date = ?`, date)
	return err
}
