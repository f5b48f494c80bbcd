package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"dtfund"
)

// Ranking runs of 第七条（三）（四）, their entries (immutable once written:
// triggers refuse UPDATE and DELETE), what each entry became when the top
// was proposed, and the items of proposed awards.

// RankingRun is one computation of a ranking.
type RankingRun struct {
	ID                int64
	Kind              string // product | provider
	PeriodFrom        string // YYYY-MM-DD, inclusive
	PeriodTo          string
	ParamsVersion     string
	ParamsJSON        string // the parameter values used, with their sources
	Formula           string
	TieRule           string
	RerunOf           int64
	Adoptions         int // confirmed adoptions counted
	Entries           int
	Ranked            int
	ComputedBy        int64
	ComputedAt        time.Time
	ProposedCallID    int64
	ProposedTop       int
	ProposedAmountFen int64
	ProposedBy        int64
	ProposedAt        time.Time

	// Filled by queries.
	ComputedByName    string
	ProposedCallTitle string
}

// RankingEntry is one ranked (Rank ≥ 1) or excluded (Rank 0) subject.
type RankingEntry struct {
	ID            int64
	RunID         int64
	Rank          int
	ProductID     int64 // 0 for a provider ranking
	ProviderOrgID int64
	Name          string
	ProviderName  string
	Score         int64 // 100,000,000 = 100 points
	Components    string
	Eligible      bool
	Findings      string

	// Filled by RankingEntries: what the entry became when proposed.
	Proposal *RankingProposal
}

// RankingProposal is what an entry became when its run's top was proposed.
type RankingProposal struct {
	ID            int64
	RunID         int64
	EntryID       int64
	ApplicationID int64
	AmountFen     int64
	Outcome       string // proposed | reduced | skipped
	Findings      string
	CreatedAt     time.Time

	// Filled by queries.
	AppNumber string
	AppState  dtfund.AppState
}

// CreateRankingRun stores a run and its entries, many rows per statement
// (a run may have tens of thousands of entries). The entries' IDs are not
// read back.
func (tx *Tx) CreateRankingRun(ctx context.Context, r *RankingRun, entries []RankingEntry) error {
	id, err := tx.insertID(ctx, `INSERT INTO ranking_runs (kind, period_from, period_to, params_version, params_json, formula, tie_rule,
 rerun_of, adoptions, entries, ranked, computed_by, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Kind, r.PeriodFrom, r.PeriodTo, r.ParamsVersion, r.ParamsJSON, r.Formula, r.TieRule, nullInt(r.RerunOf), r.Adoptions,
		r.Entries, r.Ranked, nullInt(r.ComputedBy), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	r.ID, r.ComputedAt = id, tx.now
	const perStatement = 200
	for start := 0; start < len(entries); start += perStatement {
		batch := entries[start:min(start+perStatement, len(entries))]
		args := make([]any, 0, 10*len(batch))
		for i := range batch {
			e := &batch[i]
			e.RunID = r.ID
			args = append(args, r.ID, e.Rank, nullInt(e.ProductID), e.ProviderOrgID, e.Name, e.ProviderName, e.Score, e.Components,
				e.Eligible, e.Findings)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(batch)), ", ")
		if _, err := tx.exec(ctx, `INSERT INTO ranking_entries (run_id, rank, product_id, provider_org_id, name, provider_name,
 score, components, eligible, findings) VALUES `+values, args...); err != nil {
			return normalize(err)
		}
	}
	return nil
}

const runColumns = `r.id, r.kind, r.period_from, r.period_to, r.params_version, r.params_json, r.formula, r.tie_rule,
 COALESCE(r.rerun_of, 0), r.adoptions, r.entries, r.ranked, COALESCE(r.computed_by, 0), r.computed_at,
 COALESCE(r.proposed_call_id, 0), COALESCE(r.proposed_top, 0), COALESCE(r.proposed_amount_fen, 0), COALESCE(r.proposed_by, 0),
 COALESCE(r.proposed_at, ''), COALESCE(u.display_name, ''), COALESCE(c.title, '')`

const runFrom = ` FROM ranking_runs r LEFT JOIN users u ON u.id = r.computed_by LEFT JOIN calls c ON c.id = r.proposed_call_id`

func scanRankingRun(sc interface{ Scan(...any) error }) (*RankingRun, error) {
	var r RankingRun
	var computed, proposed string
	if err := sc.Scan(&r.ID, &r.Kind, &r.PeriodFrom, &r.PeriodTo, &r.ParamsVersion, &r.ParamsJSON, &r.Formula, &r.TieRule,
		&r.RerunOf, &r.Adoptions, &r.Entries, &r.Ranked, &r.ComputedBy, &computed, &r.ProposedCallID, &r.ProposedTop,
		&r.ProposedAmountFen, &r.ProposedBy, &proposed, &r.ComputedByName, &r.ProposedCallTitle); err != nil {
		return nil, err
	}
	r.ComputedAt, r.ProposedAt = parseTime(computed), parseTime(proposed)
	return &r, nil
}

// FindRankingRuns returns one page of runs, newest first; kind "" is all.
func (db *DB) FindRankingRuns(ctx context.Context, kind string, page Page) ([]*RankingRun, int, error) {
	where, args := "", []any{}
	if kind != "" {
		where, args = " WHERE r.kind = ?", append(args, kind)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM ranking_runs r`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT `+runColumns+runFrom+where+` ORDER BY r.id DESC LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*RankingRun
	for rows.Next() {
		r, err := scanRankingRun(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// RankingRun returns one run.
func (db *DB) RankingRun(ctx context.Context, id int64) (*RankingRun, error) {
	r, err := scanRankingRun(db.queryRow(ctx, `SELECT `+runColumns+runFrom+` WHERE r.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "排名不存在")
	}
	return r, err
}

// RankingRun reads a run inside a write transaction.
func (tx *Tx) RankingRun(ctx context.Context, id int64) (*RankingRun, error) {
	r, err := scanRankingRun(tx.queryRow(ctx, `SELECT `+runColumns+runFrom+` WHERE r.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "排名不存在")
	}
	return r, err
}

// MarkRunProposed records, once, that the run's top was proposed; ECONFLICT
// when it was already.
func (tx *Tx) MarkRunProposed(ctx context.Context, r *RankingRun) error {
	res, err := tx.exec(ctx, `UPDATE ranking_runs SET proposed_call_id = ?, proposed_top = ?, proposed_amount_fen = ?, proposed_by = ?,
 proposed_at = ? WHERE id = ? AND proposed_at IS NULL`, r.ProposedCallID, r.ProposedTop, r.ProposedAmountFen, nullInt(r.ProposedBy),
		fmtTime(tx.now), r.ID)
	if err := oneRow(res, err, "该排名已推荐过，不能再次推荐"); err != nil {
		return err
	}
	r.ProposedAt = tx.now
	return nil
}

const entryColumns = `e.id, e.run_id, e.rank, COALESCE(e.product_id, 0), e.provider_org_id, e.name, e.provider_name, e.score,
 e.components, e.eligible, e.findings, COALESCE(p.id, 0), COALESCE(p.application_id, 0), COALESCE(p.amount_fen, 0),
 COALESCE(p.outcome, ''), COALESCE(p.findings, ''), COALESCE(p.created_at, ''), COALESCE(a.number, ''), COALESCE(a.state, '')`

const entryFrom = ` FROM ranking_entries e LEFT JOIN ranking_proposals p ON p.entry_id = e.id
 LEFT JOIN applications a ON a.id = p.application_id`

func scanEntry(sc interface{ Scan(...any) error }) (*RankingEntry, error) {
	var e RankingEntry
	var p RankingProposal
	var created string
	if err := sc.Scan(&e.ID, &e.RunID, &e.Rank, &e.ProductID, &e.ProviderOrgID, &e.Name, &e.ProviderName, &e.Score, &e.Components,
		&e.Eligible, &e.Findings, &p.ID, &p.ApplicationID, &p.AmountFen, &p.Outcome, &p.Findings, &created, &p.AppNumber,
		&p.AppState); err != nil {
		return nil, err
	}
	if p.ID != 0 {
		p.RunID, p.EntryID, p.CreatedAt = e.RunID, e.ID, parseTime(created)
		e.Proposal = &p
	}
	return &e, nil
}

// EntryFilter selects a run's entries.
type EntryFilter struct {
	RunID         int64
	MaxRank       int   // ranked entries 1…MaxRank only (0: every entry)
	ProviderOrgID int64 // one provider's entries
	Page          Page
}

// RankingEntries returns one page of a run's entries (ranked ones by rank,
// then excluded ones) with their proposals, and the total.
func (db *DB) RankingEntries(ctx context.Context, f EntryFilter) ([]*RankingEntry, int, error) {
	where, args := entryWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM ranking_entries e`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+entryColumns+entryFrom+where+` ORDER BY e.eligible DESC, e.rank, e.id LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return collectEntries(rows, total)
}

// RankedEntries reads the entries ranked 1…maxRank inside a write
// transaction, by rank.
func (tx *Tx) RankedEntries(ctx context.Context, runID int64, maxRank int) ([]*RankingEntry, error) {
	where, args := entryWhere(EntryFilter{RunID: runID, MaxRank: maxRank})
	rows, err := tx.query(ctx, `SELECT `+entryColumns+entryFrom+where+` ORDER BY e.rank, e.id`, args...)
	if err != nil {
		return nil, err
	}
	es, _, err := collectEntries(rows, 0)
	return es, err
}

func entryWhere(f EntryFilter) (string, []any) {
	conds, args := []string{"e.run_id = ?"}, []any{f.RunID}
	if f.MaxRank > 0 {
		conds, args = append(conds, "e.rank BETWEEN 1 AND ?"), append(args, f.MaxRank)
	}
	if f.ProviderOrgID != 0 {
		conds, args = append(conds, "e.provider_org_id = ?"), append(args, f.ProviderOrgID)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func collectEntries(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}, total int) ([]*RankingEntry, int, error) {
	defer rows.Close()
	var out []*RankingEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// AddRankingProposal records what an entry became; an entry is proposed
// once (UNIQUE, ECONFLICT).
func (tx *Tx) AddRankingProposal(ctx context.Context, p *RankingProposal) error {
	id, err := tx.insertID(ctx, `INSERT INTO ranking_proposals (run_id, entry_id, application_id, amount_fen, outcome, findings, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?)`, p.RunID, p.EntryID, nullInt(p.ApplicationID), p.AmountFen, p.Outcome, p.Findings, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	p.ID, p.CreatedAt = id, tx.now
	return nil
}

// deadStates are the states from which an application leads to no award.
var deadStates = []any{dtfund.StateDraft, dtfund.StateWithdrawn, dtfund.StateNotRecommended, dtfund.StateReviewFailed,
	dtfund.StateRecheckFailed, dtfund.StateObjectionUpheld}

func deadPlaceholders() string {
	return strings.TrimSuffix(strings.Repeat("?, ", len(deadStates)), ", ")
}

// ProposedElsewhere finds the subjects (product IDs for a product ranking,
// provider organisation IDs for a provider ranking) proposed from another
// run of the same kind whose period overlaps [from, to] and whose proposed
// application is still alive or approved: subject → application number.
func (tx *Tx) ProposedElsewhere(ctx context.Context, kind, from, to string, exceptRun int64) (map[int64]string, error) {
	subject := "COALESCE(e.product_id, 0)"
	if kind == "provider" {
		subject = "e.provider_org_id"
	}
	args := append([]any{kind, to, from, exceptRun}, deadStates...)
	rows, err := tx.query(ctx, `SELECT `+subject+`, a.number, r.id FROM ranking_proposals p
 JOIN ranking_entries e ON e.id = p.entry_id JOIN ranking_runs r ON r.id = p.run_id JOIN applications a ON a.id = p.application_id
 WHERE r.kind = ? AND r.period_from <= ? AND r.period_to >= ? AND r.id <> ? AND p.outcome <> 'skipped'
 AND a.state NOT IN (`+deadPlaceholders()+`) ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id, run int64
		var number string
		if err := rows.Scan(&id, &number, &run); err != nil {
			return nil, err
		}
		out[id] = "已由第" + strconv.FormatInt(run, 10) + "号排名推荐（申报 " + number + "）"
	}
	return out, rows.Err()
}

// PendingRequestedFen sums what an organisation requests in applications of
// a category that are in the process (submitted, not yet approved nor
// refused), other than exceptApp: they count against a cumulative cap
// before they become awards.
func (tx *Tx) PendingRequestedFen(ctx context.Context, orgID int64, category string, exceptApp int64) (int64, error) {
	var sum int64
	args := append([]any{orgID, category, exceptApp, dtfund.StateApproved}, deadStates...)
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(a.requested_fen), 0) FROM applications a JOIN calls c ON c.id = a.call_id
 WHERE a.org_id = ? AND c.category = ? AND a.id <> ? AND a.state <> ? AND a.state NOT IN (`+deadPlaceholders()+`)`, args...).Scan(&sum)
	return sum, err
}

// AppItem is one item of an application: a product or the provider of a
// proposed award, capped item by item by the rules.
type AppItem struct {
	Seq            int
	Name           string
	ProductID      int64
	RankingEntryID int64
	RequestedFen   int64
}

// SaveApplicationItems replaces the application's items.
func (tx *Tx) SaveApplicationItems(ctx context.Context, appID int64, items []AppItem) error {
	if _, err := tx.exec(ctx, `DELETE FROM application_items WHERE application_id = ?`, appID); err != nil {
		return err
	}
	for i, it := range items {
		if _, err := tx.exec(ctx, `INSERT INTO application_items (application_id, seq, name, product_id, ranking_entry_id, requested_fen)
 VALUES (?, ?, ?, ?, ?, ?)`, appID, i+1, it.Name, nullInt(it.ProductID), nullInt(it.RankingEntryID), it.RequestedFen); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// ApplicationItems returns an application's items in order.
func (db *DB) ApplicationItems(ctx context.Context, appID int64) ([]AppItem, error) {
	return applicationItems(ctx, db.query, appID)
}

// ApplicationItems reads an application's items inside a transaction.
func (tx *Tx) ApplicationItems(ctx context.Context, appID int64) ([]AppItem, error) {
	return applicationItems(ctx, tx.query, appID)
}

func applicationItems(ctx context.Context, query queryFunc, appID int64) ([]AppItem, error) {
	rows, err := query(ctx, `SELECT seq, name, COALESCE(product_id, 0), COALESCE(ranking_entry_id, 0), requested_fen
 FROM application_items WHERE application_id = ? ORDER BY seq`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AppItem
	for rows.Next() {
		var it AppItem
		if err := rows.Scan(&it.Seq, &it.Name, &it.ProductID, &it.RankingEntryID, &it.RequestedFen); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// ChainMember is one enterprise of a 链式 application's chain (第七条（五）).
type ChainMember struct {
	Seq      int
	OrgID    int64
	Relation string // e.g. 一级供应商, 下游客户

	// Filled by queries.
	Name     string
	USCC     string
	District string
}

// ReplaceChainMembers replaces an application's chain members.
func (tx *Tx) ReplaceChainMembers(ctx context.Context, appID int64, ms []ChainMember) error {
	if _, err := tx.exec(ctx, `DELETE FROM application_chain_members WHERE application_id = ?`, appID); err != nil {
		return err
	}
	for i, m := range ms {
		if _, err := tx.exec(ctx, `INSERT INTO application_chain_members (application_id, org_id, seq, relation) VALUES (?, ?, ?, ?)`,
			appID, m.OrgID, i+1, m.Relation); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// ChainMembers returns an application's chain members in order.
func (db *DB) ChainMembers(ctx context.Context, appID int64) ([]ChainMember, error) {
	rows, err := db.query(ctx, `SELECT m.seq, m.org_id, m.relation, o.name, o.uscc, COALESCE(d.name, '')
 FROM application_chain_members m JOIN organizations o ON o.id = m.org_id LEFT JOIN districts d ON d.code = o.district_code
 WHERE m.application_id = ? ORDER BY m.seq`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChainMember
	for rows.Next() {
		var m ChainMember
		if err := rows.Scan(&m.Seq, &m.OrgID, &m.Relation, &m.Name, &m.USCC, &m.District); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
