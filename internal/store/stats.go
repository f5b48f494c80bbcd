package store

import (
	"context"
	"fmt"
)

// StatsFilter limits the statistics: a district official sees their own
// district only (set by the app layer), anyone may pick a call year.
type StatsFilter struct {
	DistrictCode string
	Year         int // the year of the call (批次年度) in Asia/Shanghai; 0 = all years
}

// StatsRow is one group of the statistics: how many applications (drafts
// excluded), what they requested, how many were awarded and for how much,
// and how much of it reached the recipients (paid out by the districts or
// the city).
type StatsRow struct {
	Key        string // the group's code: category, state, district code, industry code, fund source or year
	Name       string // the district's name, when the key is a district code
	Apps       int
	RequestFen int64
	Awards     int
	AwardFen   int64
	PaidFen    int64
}

// StatsDimension is a grouping of the statistics.
type StatsDimension string

// The dimensions the statistics page groups by.
const (
	ByCategory   StatsDimension = "category"
	ByState      StatsDimension = "state"
	ByDistrict   StatsDimension = "district"
	ByIndustry   StatsDimension = "industry"
	ByFundSource StatsDimension = "fund_source"
	ByYear       StatsDimension = "year"
	// ByCategoryFund groups awards by category and fund source together
	// ("7.1|central"), for the 80/20 rule of the central funds (FACTS §2).
	ByCategoryFund StatsDimension = "category_fund"
)

// callYear is the call's year in Asia/Shanghai (UTC+8, no daylight saving)
// from its UTC opening time: a call opening at or after 16:00 UTC on 31
// December opens on New Year's Day in Changchun.
const callYear = `(CASE WHEN substr(c.opens_at, 6, 11) >= '12-31T16:00' THEN CAST(substr(c.opens_at, 1, 4) AS INTEGER) + 1
 ELSE CAST(substr(c.opens_at, 1, 4) AS INTEGER) END)`

var statsKeys = map[StatsDimension]string{
	ByCategory:     "c.category",
	ByState:        "a.state",
	ByDistrict:     "COALESCE(a.district_code, '')",
	ByIndustry:     "COALESCE(o.industry_code, '')",
	ByFundSource:   "COALESCE(w.fund_source, '')",
	ByYear:         "CAST(" + callYear + " AS TEXT)",
	ByCategoryFund: "c.category || '|' || COALESCE(w.fund_source, '')",
}

// Stats groups the applications in scope by one dimension, largest request
// first (ties by key). Applications without an award count under the empty
// fund source.
func (db *DB) Stats(ctx context.Context, dim StatsDimension, f StatsFilter) ([]StatsRow, error) {
	key, ok := statsKeys[dim]
	if !ok {
		return nil, fmt.Errorf("unknown statistics dimension %q", dim)
	}
	where, args := " WHERE a.state <> 'draft'", []any{}
	if f.DistrictCode != "" {
		where, args = where+" AND a.district_code = ?", append(args, f.DistrictCode)
	}
	if f.Year != 0 {
		where, args = where+" AND "+callYear+" = ?", append(args, f.Year)
	}
	order := ` ORDER BY 4 DESC, 1`
	if dim == ByYear {
		order = ` ORDER BY 1`
	}
	q := `SELECT ` + key + ` AS k, COALESCE(MAX(d.name), ''), count(*), COALESCE(SUM(a.requested_fen), 0), count(w.id),
 COALESCE(SUM(w.amount_fen), 0), COALESCE(SUM(p.paid_fen), 0)
 FROM applications a JOIN organizations o ON o.id = a.org_id JOIN calls c ON c.id = a.call_id
 LEFT JOIN districts d ON d.code = a.district_code
 LEFT JOIN awards w ON w.application_id = a.id
 LEFT JOIN (SELECT award_id, SUM(amount_fen) AS paid_fen FROM payment_instructions WHERE state = 'paid_out' GROUP BY award_id) p
 ON p.award_id = w.id` + where + ` GROUP BY ` + key + order
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsRow
	for rows.Next() {
		var r StatsRow
		if err := rows.Scan(&r.Key, &r.Name, &r.Apps, &r.RequestFen, &r.Awards, &r.AwardFen, &r.PaidFen); err != nil {
			return nil, err
		}
		if dim != ByDistrict {
			r.Name = ""
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StatsYears lists the call years that have applications in scope, newest
// first, for the year filter.
func (db *DB) StatsYears(ctx context.Context, districtCode string) ([]int, error) {
	q := `SELECT DISTINCT ` + callYear + ` FROM applications a JOIN calls c ON c.id = a.call_id WHERE a.state <> 'draft'`
	var args []any
	if districtCode != "" {
		q, args = q+` AND a.district_code = ?`, append(args, districtCode)
	}
	rows, err := db.query(ctx, q+` ORDER BY 1 DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ys []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		ys = append(ys, y)
	}
	return ys, rows.Err()
}
