package store

import (
	"context"
	"database/sql"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"dtfund"
	"dtfund/calendar"
)

// District review (县区推荐, 第十四条（二）): the districts' recommendations
// and the numbered letters (推荐函) that carry them to the city.

// QuotaStates are the states in which an application occupies one of its
// district's recommendation places (推荐名额) in a call: recommended and every
// state reached after recommendation, except those in which it has left the
// process (withdrawn, failed the review or the re-check, objection upheld).
// A place freed that way may be given to another application.
var QuotaStates = []dtfund.AppState{dtfund.StateRecommended, dtfund.StateExpertReview, dtfund.StateReviewed,
	dtfund.StateRechecked, dtfund.StateInPublicity, dtfund.StatePublicityPassed, dtfund.StateApproved}

// Recommendation is a district's recommendation of one application.
type Recommendation struct {
	ApplicationID int64
	CallID        int64
	DistrictCode  string
	Opinion       string // 推荐意见
	OfficialID    int64
	OfficialName  string
	At            time.Time
	LetterID      int64 // 0 until a letter carries it
}

// AddRecommendation records a recommendation in the caller's transaction
// (the one that moves the application to recommended).
func (tx *Tx) AddRecommendation(ctx context.Context, r *Recommendation) error {
	_, err := tx.exec(ctx, `INSERT INTO recommendations (application_id, call_id, district_code, opinion, official_id, official_name,
 recommended_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ApplicationID, r.CallID, nullString(r.DistrictCode), r.Opinion, r.OfficialID,
		r.OfficialName, fmtTime(tx.now))
	r.At = tx.now
	return err
}

// Recommendation returns an application's recommendation, or nil if none.
func (db *DB) Recommendation(ctx context.Context, appID int64) (*Recommendation, error) {
	var r Recommendation
	var at string
	var letter sql.NullInt64
	err := db.queryRow(ctx, `SELECT application_id, call_id, COALESCE(district_code, ''), opinion, official_id, official_name, recommended_at,
 letter_id FROM recommendations WHERE application_id = ?`, appID).Scan(&r.ApplicationID, &r.CallID, &r.DistrictCode,
		&r.Opinion, &r.OfficialID, &r.OfficialName, &at, &letter)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.At, r.LetterID = parseTime(at), letter.Int64
	return &r, nil
}

// LockQuota serialises recommendations for one call and district until the
// transaction ends, so that two officials recommending at once cannot both
// take the last place. SQLite has one writer, so only PostgreSQL needs it.
func (tx *Tx) LockQuota(ctx context.Context, callID int64, district string) error {
	return tx.advisoryLock(ctx, "quota|"+strconv.FormatInt(callID, 10)+"|"+district)
}

func (tx *Tx) advisoryLock(ctx context.Context, name string) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(h.Sum64()))
	return err
}

// CountQuotaUsed counts the applications of a call and district that occupy
// a recommendation place (QuotaStates).
func (tx *Tx) CountQuotaUsed(ctx context.Context, callID int64, district string) (int, error) {
	return countQuotaUsed(ctx, tx.queryRow, callID, district)
}

// CountQuotaUsed is the same count outside a transaction, for display.
func (db *DB) CountQuotaUsed(ctx context.Context, callID int64, district string) (int, error) {
	return countQuotaUsed(ctx, db.queryRow, callID, district)
}

type queryRowFunc func(ctx context.Context, q string, args ...any) *sql.Row

func countQuotaUsed(ctx context.Context, queryRow queryRowFunc, callID int64, district string) (int, error) {
	ph, args := stateArgs(QuotaStates)
	var n int
	err := queryRow(ctx, `SELECT count(*) FROM applications WHERE call_id = ? AND district_code = ? AND state IN (`+ph+`)`,
		append([]any{callID, district}, args...)...).Scan(&n)
	return n, err
}

func stateArgs(states []dtfund.AppState) (string, []any) {
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = s
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", "), args
}

// Letter is a recommendation letter (推荐函) of a district for one call.
type Letter struct {
	ID           int64
	DistrictCode string
	DistrictName string
	CallID       int64
	CallTitle    string
	Year         int
	Seq          int
	Number       string // e.g. 长汽开工信推〔2026〕3号
	Date         string // YYYY-MM-DD, Asia/Shanghai
	OfficialID   int64
	OfficialName string
	CreatedAt    time.Time
	Count        int // applications carried
	Items        []LetterItem
}

// LetterItem is one application a letter carries.
type LetterItem struct {
	ApplicationID int64
	Number        string
	OrgName       string
	Title         string
	RequestedFen  int64
	Opinion       string
}

// TotalRequestedFen sums the requested amounts of the letter's items.
func (l *Letter) TotalRequestedFen() int64 {
	var t int64
	for _, it := range l.Items {
		t += it.RequestedFen
	}
	return t
}

// CreateLetter numbers a new letter of the district for the call and puts
// into it every recommendation of that district and call not yet in a
// letter whose application is still in the process. It fails with EINVALID
// when there is none; then no number is used up.
func (tx *Tx) CreateLetter(ctx context.Context, l *Letter) error {
	date := calendar.DateOf(tx.now)
	l.Year, l.Date = date.Year, date.String()
	var err error
	if l.Seq, err = tx.nextLetterSeq(ctx, l.DistrictCode, l.Year); err != nil {
		return err
	}
	prefix, err := tx.letterPrefix(ctx, l.DistrictCode)
	if err != nil {
		return err
	}
	l.Number = prefix + "〔" + strconv.Itoa(l.Year) + "〕" + strconv.Itoa(l.Seq) + "号"
	l.ID, err = tx.insertID(ctx, `INSERT INTO recommendation_letters (district_code, call_id, year, seq, number, letter_date,
 official_id, official_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.DistrictCode, l.CallID, l.Year, l.Seq,
		l.Number, l.Date, l.OfficialID, l.OfficialName, fmtTime(tx.now))
	if err != nil {
		return err
	}
	l.CreatedAt = tx.now
	ph, args := stateArgs(QuotaStates)
	res, err := tx.exec(ctx, `UPDATE recommendations SET letter_id = ? WHERE district_code = ? AND call_id = ? AND letter_id IS NULL
 AND application_id IN (SELECT id FROM applications WHERE state IN (`+ph+`))`,
		append([]any{l.ID, l.DistrictCode, l.CallID}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.FieldError("call", "该批次没有尚未出函的县区推荐申报")
	}
	return nil
}

// nextLetterSeq takes the next number of the district's year with one
// upsert: concurrent writers queue on the counter row, and a rolled-back
// letter gives its number back.
func (tx *Tx) nextLetterSeq(ctx context.Context, district string, year int) (int, error) {
	var seq int
	err := tx.queryRow(ctx, `INSERT INTO letter_sequences (district_code, year, last_seq) VALUES (?, ?, 1)
 ON CONFLICT (district_code, year) DO UPDATE SET last_seq = letter_sequences.last_seq + 1 RETURNING last_seq`,
		district, year).Scan(&seq)
	return seq, err
}

// letterPrefix is the district's 发文机关代字, or its name when none is set.
func (tx *Tx) letterPrefix(ctx context.Context, district string) (string, error) {
	var prefix string
	err := tx.queryRow(ctx, `SELECT COALESCE(p.prefix, d.name || '工信推') FROM districts d
 LEFT JOIN letter_prefixes p ON p.district_code = d.code WHERE d.code = ?`, district).Scan(&prefix)
	if err == sql.ErrNoRows {
		return "", dtfund.Errorf(dtfund.EINVALID, "辖区 %s 不存在", district)
	}
	return prefix, err
}

// LetterFilter selects letters; DistrictCode is the caller's jurisdiction.
type LetterFilter struct {
	ID           int64
	DistrictCode string
	CallID       int64
	Page         Page
}

const letterColumns = `l.id, l.district_code, d.name, l.call_id, c.title, l.year, l.seq, l.number, l.letter_date, l.official_id,
 l.official_name, l.created_at, (SELECT count(*) FROM recommendations r WHERE r.letter_id = l.id)`

const letterFrom = ` FROM recommendation_letters l JOIN districts d ON d.code = l.district_code JOIN calls c ON c.id = l.call_id`

func letterWhere(f LetterFilter) (string, []any) {
	var conds []string
	var args []any
	if f.ID != 0 {
		conds, args = append(conds, "l.id = ?"), append(args, f.ID)
	}
	if f.DistrictCode != "" {
		conds, args = append(conds, "l.district_code = ?"), append(args, f.DistrictCode)
	}
	if f.CallID != 0 {
		conds, args = append(conds, "l.call_id = ?"), append(args, f.CallID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindLetters returns one page of letters, newest first, and the total.
func (db *DB) FindLetters(ctx context.Context, f LetterFilter) ([]*Letter, int, error) {
	where, args := letterWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+letterFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+letterColumns+letterFrom+where+` ORDER BY l.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ls []*Letter
	for rows.Next() {
		var l Letter
		var created string
		if err := rows.Scan(&l.ID, &l.DistrictCode, &l.DistrictName, &l.CallID, &l.CallTitle, &l.Year, &l.Seq, &l.Number,
			&l.Date, &l.OfficialID, &l.OfficialName, &created, &l.Count); err != nil {
			return nil, 0, err
		}
		l.CreatedAt = parseTime(created)
		ls = append(ls, &l)
	}
	return ls, total, rows.Err()
}

// Letter returns one letter with its items if it is in the district (any
// district when districtCode is empty).
func (db *DB) Letter(ctx context.Context, id int64, districtCode string) (*Letter, error) {
	ls, _, err := db.FindLetters(ctx, LetterFilter{ID: id, DistrictCode: districtCode, Page: Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "推荐函不存在")
	}
	l := ls[0]
	rows, err := db.query(ctx, `SELECT a.id, a.number, o.name, a.title, a.requested_fen, r.opinion FROM recommendations r
 JOIN applications a ON a.id = r.application_id JOIN organizations o ON o.id = a.org_id WHERE r.letter_id = ? ORDER BY a.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it LetterItem
		if err := rows.Scan(&it.ApplicationID, &it.Number, &it.OrgName, &it.Title, &it.RequestedFen, &it.Opinion); err != nil {
			return nil, err
		}
		l.Items = append(l.Items, it)
	}
	return l, rows.Err()
}

// PendingLetterCall is a call with recommendations of the district not yet
// in a letter.
type PendingLetterCall struct {
	CallID    int64
	CallTitle string
	Count     int
}

// PendingLetterCalls lists, for the district, the calls that have
// recommendations waiting for a letter (a short list: open calls only).
func (db *DB) PendingLetterCalls(ctx context.Context, district string) ([]PendingLetterCall, error) {
	ph, args := stateArgs(QuotaStates)
	rows, err := db.query(ctx, `SELECT r.call_id, c.title, count(*) FROM recommendations r JOIN calls c ON c.id = r.call_id
 JOIN applications a ON a.id = r.application_id WHERE r.district_code = ? AND r.letter_id IS NULL AND a.state IN (`+ph+`)
 GROUP BY r.call_id, c.title ORDER BY r.call_id DESC LIMIT 100`, append([]any{district}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingLetterCall
	for rows.Next() {
		var p PendingLetterCall
		if err := rows.Scan(&p.CallID, &p.CallTitle, &p.Count); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
