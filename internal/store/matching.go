package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"dtfund"
)

// 免申即享 (第十五条): matching policies, runs, their results and the
// proposals the enterprises confirm, decline or let lapse. A run reads
// everything it needs in a handful of queries (LoadMatchData) and writes
// with multi-row inserts, so that 100,000 enterprises take seconds.

// Proposal states.
const (
	ProposalProposed  = "proposed"  // 待企业确认
	ProposalConfirmed = "confirmed" // 企业已确认，已转为申报
	ProposalDeclined  = "declined"  // 企业放弃
	ProposalLapsed    = "lapsed"    // 逾期未确认，已失效
)

// Run outcomes of one enterprise.
const (
	OutcomeProposed = "proposed" // matched; a new proposal
	OutcomeAlready  = "already"  // matched; proposed by an earlier run
	OutcomeExcluded = "excluded" // a criterion failed
)

// MatchPolicy is a 免申即享 policy (匹配政策) defined by 市工业和信息化局.
type MatchPolicy struct {
	ID                int64
	Name              string
	CallID            int64
	Subtype           string // cloud
	PeriodFrom        string // YYYY-MM-DD
	PeriodTo          string
	MinServices       int
	RequireSME        bool
	RequirePilot      bool
	RequireAcceptance bool
	ConfirmDays       int
	Active            bool
	Note              string
	CreatedBy         int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Filled by queries.
	CallTitle    string
	CallCategory string
	Runs         int
	Proposals    int
}

const policySelect = `SELECT p.id, p.name, p.call_id, p.subtype, p.period_from, p.period_to, p.min_services, p.require_sme,
 p.require_pilot, p.require_acceptance, p.confirm_days, p.active, p.note, COALESCE(p.created_by, 0), p.created_at, p.updated_at,
 c.title, c.category, (SELECT count(*) FROM match_runs r WHERE r.policy_id = p.id),
 (SELECT count(*) FROM match_proposals mp WHERE mp.policy_id = p.id)
 FROM match_policies p JOIN calls c ON c.id = p.call_id`

func scanPolicy(sc interface{ Scan(...any) error }) (*MatchPolicy, error) {
	var p MatchPolicy
	var created, updated string
	if err := sc.Scan(&p.ID, &p.Name, &p.CallID, &p.Subtype, &p.PeriodFrom, &p.PeriodTo, &p.MinServices, &p.RequireSME,
		&p.RequirePilot, &p.RequireAcceptance, &p.ConfirmDays, &p.Active, &p.Note, &p.CreatedBy, &created, &updated,
		&p.CallTitle, &p.CallCategory, &p.Runs, &p.Proposals); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return &p, nil
}

func policyNotFound(p *MatchPolicy, err error) (*MatchPolicy, error) {
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "匹配政策不存在")
	}
	return p, err
}

// MatchPolicy returns one policy.
func (db *DB) MatchPolicy(ctx context.Context, id int64) (*MatchPolicy, error) {
	return policyNotFound(scanPolicy(db.queryRow(ctx, policySelect+` WHERE p.id = ?`, id)))
}

// MatchPolicy reads a policy inside a write transaction.
func (tx *Tx) MatchPolicy(ctx context.Context, id int64) (*MatchPolicy, error) {
	return policyNotFound(scanPolicy(tx.queryRow(ctx, policySelect+` WHERE p.id = ?`, id)))
}

// FindMatchPolicies returns a page of policies, newest first, and the total.
// activeOnly lists only the active ones (a scheduled run takes them all).
func (db *DB) FindMatchPolicies(ctx context.Context, activeOnly bool, page Page) ([]*MatchPolicy, int, error) {
	where := ""
	if activeOnly {
		where = ` WHERE p.active = TRUE`
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM match_policies p`+where).Scan(&total); err != nil {
		return nil, 0, err
	}
	pg := page.clamp()
	rows, err := db.query(ctx, policySelect+where+` ORDER BY p.id DESC LIMIT ? OFFSET ?`, pg.Limit, pg.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*MatchPolicy
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// CreateMatchPolicy inserts a policy.
func (tx *Tx) CreateMatchPolicy(ctx context.Context, p *MatchPolicy) error {
	id, err := tx.insertID(ctx, `INSERT INTO match_policies (name, call_id, subtype, period_from, period_to, min_services,
 require_sme, require_pilot, require_acceptance, confirm_days, active, note, created_by, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.CallID, p.Subtype, p.PeriodFrom, p.PeriodTo, p.MinServices, p.RequireSME, p.RequirePilot,
		p.RequireAcceptance, p.ConfirmDays, p.Active, p.Note, nullInt(p.CreatedBy), fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, tx.now, tx.now
	return nil
}

// UpdateMatchPolicy saves an edited policy. Proposals already made keep the
// findings of the run that made them.
func (tx *Tx) UpdateMatchPolicy(ctx context.Context, p *MatchPolicy) error {
	res, err := tx.exec(ctx, `UPDATE match_policies SET name = ?, call_id = ?, period_from = ?, period_to = ?, min_services = ?,
 require_sme = ?, require_pilot = ?, require_acceptance = ?, confirm_days = ?, active = ?, note = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.CallID, p.PeriodFrom, p.PeriodTo, p.MinServices, p.RequireSME, p.RequirePilot, p.RequireAcceptance,
		p.ConfirmDays, p.Active, p.Note, fmtTime(tx.now), p.ID)
	if err != nil {
		return normalize(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "匹配政策不存在")
	}
	p.UpdatedAt = tx.now
	return nil
}

// MatchQuery says what a run of a policy reads.
type MatchQuery struct {
	PolicyID   int64
	CallID     int64
	PeriodFrom string
	PeriodTo   string
}

// CloudAdoption is one confirmed adoption of a cloud-service product.
type CloudAdoption struct {
	ProductID    int64
	Product      string
	Provider     string
	ContractDate string
}

// MatchCandidate is an applicant enterprise with at least one confirmed
// cloud-service adoption in the period, with the facts the rules read.
type MatchCandidate struct {
	OrgID        int64
	Name         string
	USCC         string
	Kind         string
	LegalPerson  bool
	RegionCode   string
	DistrictCode string
	DistrictName string
	IndustryCode string
	HasSize      bool // the latest year's figures follow
	Employees    int64
	RevenueFen   int64
	Credits      []CreditRecord
	Adoptions    []CloudAdoption
	// Live names a live application or another policy's proposal under the
	// same call ("" when none).
	Live string
	// ProposalID and ProposalState are this policy's earlier proposal.
	ProposalID    int64
	ProposalState string

	adoptionIDs []int64 // while loading: the adoptions' record IDs
	enterprise  bool    // while loading: an applicant enterprise
}

// MatchData is what a run reads: the number of applicant enterprises and
// the candidates in organisation order.
type MatchData struct {
	Enterprises int
	Candidates  []*MatchCandidate
}

// endedStates are the application states that end an application without
// an award: such an application does not stop a proposal.
var endedStates = []dtfund.AppState{dtfund.StateNotRecommended, dtfund.StateReviewFailed, dtfund.StateRecheckFailed,
	dtfund.StateObjectionUpheld, dtfund.StateWithdrawn}

// LoadMatchData reads, inside the run's transaction, every fact a run
// decides on. Each table is read once, sequentially, and joined in memory
// (hash joins on the organisation ID): a run over 100,000 enterprises is a
// few table scans, not 100,000 lookups.
func (tx *Tx) LoadMatchData(ctx context.Context, q MatchQuery) (*MatchData, error) {
	d := &MatchData{}
	byOrg := map[int64]*MatchCandidate{}
	if err := tx.loadAdoptions(ctx, q, byOrg); err != nil {
		return nil, err
	}
	if err := tx.loadEnterprises(ctx, d, byOrg); err != nil {
		return nil, err
	}
	if len(d.Candidates) == 0 {
		return d, nil
	}
	for _, load := range []func() error{
		func() error { return tx.loadCandidateSizes(ctx, byOrg) },
		func() error { return tx.loadCandidateCredits(ctx, byOrg) },
		func() error { return tx.loadLiveApplications(ctx, q, byOrg) },
		func() error { return tx.loadOtherProposals(ctx, q, byOrg) },
		func() error { return tx.loadOwnProposals(ctx, q, byOrg) },
	} {
		if err := load(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// loadAdoptions reads the confirmed adoptions of cloud services with a
// contract date in the period, grouped by organisation in contract order.
func (tx *Tx) loadAdoptions(ctx context.Context, q MatchQuery, byOrg map[int64]*MatchCandidate) error {
	type product struct{ name, provider string }
	products := map[int64]product{}
	rows, err := tx.query(ctx, `SELECT p.id, p.name, o.name FROM products p JOIN organizations o ON o.id = p.provider_org_id
 WHERE p.kind = 'cloud_service'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var p product
		if err := rows.Scan(&id, &p.name, &p.provider); err != nil {
			rows.Close()
			return err
		}
		products[id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(products) == 0 {
		return err
	}
	rows, err = tx.query(ctx, `SELECT id, enterprise_org_id, product_id, contract_date FROM adoptions
 WHERE state = 'confirmed' AND contract_date >= ? AND contract_date <= ?`, q.PeriodFrom, q.PeriodTo)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, org int64
		var a CloudAdoption
		if err := rows.Scan(&id, &org, &a.ProductID, &a.ContractDate); err != nil {
			return err
		}
		p, ok := products[a.ProductID]
		if !ok {
			continue // not a cloud service
		}
		a.Product, a.Provider = p.name, p.provider
		c := byOrg[org]
		if c == nil {
			c = &MatchCandidate{OrgID: org}
			byOrg[org] = c
		}
		c.Adoptions = append(c.Adoptions, a)
		c.adoptionIDs = append(c.adoptionIDs, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range byOrg {
		sortAdoptions(c)
	}
	return nil
}

// sortAdoptions puts a candidate's adoptions in contract order (then
// record order), so that the findings name them the same way every run.
func sortAdoptions(c *MatchCandidate) {
	idx := make([]int, len(c.Adoptions))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := c.Adoptions[idx[i]], c.Adoptions[idx[j]]
		if a.ContractDate != b.ContractDate {
			return a.ContractDate < b.ContractDate
		}
		return c.adoptionIDs[idx[i]] < c.adoptionIDs[idx[j]]
	})
	sorted := make([]CloudAdoption, len(idx))
	for i, k := range idx {
		sorted[i] = c.Adoptions[k]
	}
	c.Adoptions, c.adoptionIDs = sorted, nil
}

// loadEnterprises counts the applicant enterprises and fills in the
// candidates' organisation facts; adoptions of other organisations (not an
// applicant enterprise) are dropped. Candidates come out in ID order.
func (tx *Tx) loadEnterprises(ctx context.Context, d *MatchData, byOrg map[int64]*MatchCandidate) error {
	districts := map[string]string{}
	rows, err := tx.query(ctx, `SELECT code, name FROM districts`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			rows.Close()
			return err
		}
		districts[code] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.query(ctx, `SELECT id, name, uscc, kind, legal_person, region_code, COALESCE(district_code, ''), industry_code
 FROM organizations WHERE kind = 'enterprise' AND is_applicant = TRUE`)
	if err != nil {
		return err
	}
	defer rows.Close()
	d.Candidates = make([]*MatchCandidate, 0, len(byOrg))
	for rows.Next() {
		d.Enterprises++
		var c MatchCandidate
		if err := rows.Scan(&c.OrgID, &c.Name, &c.USCC, &c.Kind, &c.LegalPerson, &c.RegionCode, &c.DistrictCode, &c.IndustryCode); err != nil {
			return err
		}
		m := byOrg[c.OrgID]
		if m == nil {
			continue
		}
		c.Adoptions, c.DistrictName, c.enterprise = m.Adoptions, districts[c.DistrictCode], true
		*m = c
		d.Candidates = append(d.Candidates, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, c := range byOrg {
		if !c.enterprise {
			delete(byOrg, id)
		}
	}
	sort.Slice(d.Candidates, func(i, j int) bool { return d.Candidates[i].OrgID < d.Candidates[j].OrgID })
	return nil
}

// loadCandidateSizes keeps the newest year's figures of each candidate.
func (tx *Tx) loadCandidateSizes(ctx context.Context, byOrg map[int64]*MatchCandidate) error {
	rows, err := tx.query(ctx, `SELECT org_id, year, employees, revenue_fen FROM org_size_facts`)
	if err != nil {
		return err
	}
	defer rows.Close()
	latest := make(map[int64]int, len(byOrg))
	for rows.Next() {
		var org, emp, rev int64
		var year int
		if err := rows.Scan(&org, &year, &emp, &rev); err != nil {
			return err
		}
		if m := byOrg[org]; m != nil && year > latest[org] {
			latest[org] = year
			m.HasSize, m.Employees, m.RevenueFen = true, emp, rev
		}
	}
	return rows.Err()
}

func (tx *Tx) loadCandidateCredits(ctx context.Context, byOrg map[int64]*MatchCandidate) error {
	rows, err := tx.query(ctx, `SELECT id, org_id, kind, start_date, end_date FROM credit_records ORDER BY org_id, start_date, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r CreditRecord
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Kind, &r.StartDate, &r.EndDate); err != nil {
			return err
		}
		if m := byOrg[r.OrgID]; m != nil {
			m.Credits = append(m.Credits, r)
		}
	}
	return rows.Err()
}

// loadLiveApplications marks candidates with an application under the call
// that has not ended without an award — other than the one made from this
// policy's own proposal.
func (tx *Tx) loadLiveApplications(ctx context.Context, q MatchQuery, byOrg map[int64]*MatchCandidate) error {
	ph, args := stateArgs(endedStates)
	rows, err := tx.query(ctx, `SELECT a.org_id, a.number, a.state FROM applications a WHERE a.call_id = ? AND a.state NOT IN (`+ph+`)
 AND NOT (a.origin = 'matching' AND a.origin_ref IN (SELECT 'matching:' || mp.id FROM match_proposals mp WHERE mp.policy_id = ?))
 ORDER BY a.id`, append(append([]any{q.CallID}, args...), q.PolicyID)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var number string
		var st dtfund.AppState
		if err := rows.Scan(&org, &number, &st); err != nil {
			return err
		}
		if m := byOrg[org]; m != nil && m.Live == "" {
			m.Live = "申报 " + number + "（" + st.Label() + "）"
		}
	}
	return rows.Err()
}

// loadOtherProposals marks candidates that another policy under the same
// call proposed and that are awaiting confirmation or confirmed.
func (tx *Tx) loadOtherProposals(ctx context.Context, q MatchQuery, byOrg map[int64]*MatchCandidate) error {
	rows, err := tx.query(ctx, `SELECT mp.org_id, pol.name, mp.state FROM match_proposals mp JOIN match_policies pol ON pol.id = mp.policy_id
 WHERE mp.call_id = ? AND mp.policy_id <> ? AND mp.state IN ('proposed', 'confirmed') ORDER BY mp.id`, q.CallID, q.PolicyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var org int64
		var name, st string
		if err := rows.Scan(&org, &name, &st); err != nil {
			return err
		}
		if m := byOrg[org]; m != nil && m.Live == "" {
			m.Live = "免申即享政策“" + name + "”的推荐（" + ProposalStateLabel(st) + "）"
		}
	}
	return rows.Err()
}

func (tx *Tx) loadOwnProposals(ctx context.Context, q MatchQuery, byOrg map[int64]*MatchCandidate) error {
	rows, err := tx.query(ctx, `SELECT org_id, id, state FROM match_proposals WHERE policy_id = ?`, q.PolicyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var org, id int64
		var st string
		if err := rows.Scan(&org, &id, &st); err != nil {
			return err
		}
		if m := byOrg[org]; m != nil {
			m.ProposalID, m.ProposalState = id, st
		}
	}
	return rows.Err()
}

// ProposalStateLabel is the Chinese name of a proposal state.
func ProposalStateLabel(s string) string {
	switch s {
	case ProposalProposed:
		return "待企业确认"
	case ProposalConfirmed:
		return "企业已确认"
	case ProposalDeclined:
		return "企业已放弃"
	case ProposalLapsed:
		return "逾期未确认，已失效"
	}
	return s
}

// MatchRun is one run of a policy.
type MatchRun struct {
	ID            int64
	PolicyID      int64
	AsOf          string // the decision date (Asia/Shanghai)
	CriteriaJSON  string // the policy as applied
	ParamsVersion string
	AmountRule    string // the amount rule in words, with its source
	Enterprises   int    // applicant enterprises considered
	Candidates    int    // with a cloud-service adoption in the period
	Matched       int
	Proposed      int    // new proposals
	Deadline      string // the new proposals' last day to confirm
	RunBy         int64
	RunByName     string
	CreatedAt     time.Time
	PolicyName    string // filled by queries
}

// Excluded is the number of enterprises the run did not match.
func (r *MatchRun) Excluded() int { return r.Enterprises - r.Matched }

// WithoutCloud is the number of enterprises with no cloud-service adoption
// in the period: excluded for that reason alone and not listed.
func (r *MatchRun) WithoutCloud() int { return r.Enterprises - r.Candidates }

const runSelect = `SELECT r.id, r.policy_id, r.as_of, r.criteria_json, r.params_version, r.amount_rule, r.enterprises, r.candidates,
 r.matched, r.proposed, r.deadline, COALESCE(r.run_by, 0), r.run_by_name, r.created_at, p.name
 FROM match_runs r JOIN match_policies p ON p.id = r.policy_id`

func scanRun(sc interface{ Scan(...any) error }) (*MatchRun, error) {
	var r MatchRun
	var created string
	if err := sc.Scan(&r.ID, &r.PolicyID, &r.AsOf, &r.CriteriaJSON, &r.ParamsVersion, &r.AmountRule, &r.Enterprises,
		&r.Candidates, &r.Matched, &r.Proposed, &r.Deadline, &r.RunBy, &r.RunByName, &created, &r.PolicyName); err != nil {
		return nil, err
	}
	r.CreatedAt = parseTime(created)
	return &r, nil
}

// CreateMatchRun inserts a run with its counts.
func (tx *Tx) CreateMatchRun(ctx context.Context, r *MatchRun) error {
	id, err := tx.insertID(ctx, `INSERT INTO match_runs (policy_id, as_of, criteria_json, params_version, amount_rule, enterprises,
 candidates, matched, proposed, deadline, run_by, run_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PolicyID, r.AsOf, r.CriteriaJSON, r.ParamsVersion, r.AmountRule, r.Enterprises, r.Candidates, r.Matched, r.Proposed,
		r.Deadline, nullInt(r.RunBy), r.RunByName, fmtTime(tx.now))
	if err != nil {
		return normalize(err)
	}
	r.ID, r.CreatedAt = id, tx.now
	return nil
}

// MatchRun returns one run.
func (db *DB) MatchRun(ctx context.Context, id int64) (*MatchRun, error) {
	r, err := scanRun(db.queryRow(ctx, runSelect+` WHERE r.id = ?`, id))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "匹配记录不存在")
	}
	return r, err
}

// FindMatchRuns returns a page of a policy's runs, newest first, and the total.
func (db *DB) FindMatchRuns(ctx context.Context, policyID int64, page Page) ([]*MatchRun, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM match_runs WHERE policy_id = ?`, policyID).Scan(&total); err != nil {
		return nil, 0, err
	}
	pg := page.clamp()
	rows, err := db.query(ctx, runSelect+` WHERE r.policy_id = ? ORDER BY r.id DESC LIMIT ? OFFSET ?`, policyID, pg.Limit, pg.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*MatchRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// NewProposal is a proposal a run makes.
type NewProposal struct {
	OrgID        int64
	DistrictCode string
	Services     int
	AmountFen    int64
	FindingsJSON string
}

// maxBulkParams bounds the parameters of one multi-row statement (SQLite's
// limit is 32766, PostgreSQL's 65535).
const maxBulkParams = 4000

// insertRows inserts rows with multi-row INSERT statements: one round trip
// per few hundred rows instead of one per row.
func (tx *Tx) insertRows(ctx context.Context, head string, rows [][]any, tail string) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows[0])
	per := max(1, maxBulkParams/n)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	args := make([]any, 0, min(per, len(rows))*n)
	var b strings.Builder
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		b.Reset()
		args = args[:0]
		b.WriteString(head)
		b.WriteString(" VALUES ")
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, rows[i]...)
		}
		b.WriteString(tail)
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// InsertMatchProposals inserts the run's new proposals, each only if the
// policy has none for the enterprise yet (UNIQUE (policy_id, org_id)), and
// returns the IDs of the run's proposals by organisation.
func (tx *Tx) InsertMatchProposals(ctx context.Context, r *MatchRun, callID int64, ps []NewProposal) (map[int64]int64, error) {
	rows := make([][]any, len(ps))
	now := fmtTime(tx.now)
	for i, p := range ps {
		rows[i] = []any{r.PolicyID, p.OrgID, r.ID, callID, nullString(p.DistrictCode), p.Services, p.AmountFen, p.FindingsJSON,
			r.Deadline, now}
	}
	if err := tx.insertRows(ctx, `INSERT INTO match_proposals (policy_id, org_id, run_id, call_id, district_code, services,
 amount_fen, findings_json, deadline, created_at)`, rows, ` ON CONFLICT (policy_id, org_id) DO NOTHING`); err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(ps))
	res, err := tx.query(ctx, `SELECT org_id, id FROM match_proposals WHERE run_id = ?`, r.ID)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	for res.Next() {
		var org, id int64
		if err := res.Scan(&org, &id); err != nil {
			return nil, err
		}
		out[org] = id
	}
	return out, res.Err()
}

// MatchResult is what a run found for one candidate.
type MatchResult struct {
	RunID        int64
	OrgID        int64
	Outcome      string
	ProposalID   int64
	Services     int
	AmountFen    int64
	FindingsJSON string
	// Filled by queries.
	OrgName       string
	USCC          string
	DistrictName  string
	ProposalState string
}

// InsertMatchResults writes a run's results.
func (tx *Tx) InsertMatchResults(ctx context.Context, rs []MatchResult) error {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		rows[i] = []any{r.RunID, r.OrgID, r.Outcome, nullInt(r.ProposalID), r.Services, r.AmountFen, r.FindingsJSON}
	}
	return tx.insertRows(ctx, `INSERT INTO match_results (run_id, org_id, outcome, proposal_id, services, amount_fen, findings_json)`, rows, "")
}

// NotifyRunProposals writes one notification to each enterprise the run
// proposed an award to, in one statement.
func (tx *Tx) NotifyRunProposals(ctx context.Context, runID int64, subject, body string) error {
	_, err := tx.exec(ctx, `INSERT INTO notifications (org_id, subject, body, created_at)
 SELECT org_id, ?, ?, ? FROM match_proposals WHERE run_id = ? ORDER BY id`, subject, body, fmtTime(tx.now), runID)
	return err
}

// ResultFilter selects a run's results.
type ResultFilter struct {
	RunID   int64
	Outcome string // "" for all; "matched" for proposed and already
	Query   string // organisation name or USCC
	Page    Page
}

func resultWhere(f ResultFilter) (string, []any) {
	where, args := ` WHERE mr.run_id = ?`, []any{f.RunID}
	switch f.Outcome {
	case "":
	case "matched":
		where += ` AND mr.outcome IN ('proposed', 'already')`
	default:
		where, args = where+` AND mr.outcome = ?`, append(args, f.Outcome)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where, args = where+` AND (o.name LIKE ? OR o.uscc = ?)`, append(args, "%"+escapeLike(q)+"%", strings.ToUpper(q))
	}
	return where, args
}

// MatchResults returns a page of a run's results in organisation order, and the total.
func (db *DB) MatchResults(ctx context.Context, f ResultFilter) ([]*MatchResult, int, error) {
	where, args := resultWhere(f)
	from := ` FROM match_results mr JOIN organizations o ON o.id = mr.org_id`
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	pg := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT mr.run_id, mr.org_id, mr.outcome, COALESCE(mr.proposal_id, 0), mr.services, mr.amount_fen,
 COALESCE(NULLIF(mr.findings_json, ''), mp.findings_json, '[]'), o.name, o.uscc, COALESCE(d.name, ''), COALESCE(mp.state, '')`+from+`
 LEFT JOIN districts d ON d.code = o.district_code LEFT JOIN match_proposals mp ON mp.id = mr.proposal_id`+where+
		` ORDER BY mr.org_id LIMIT ? OFFSET ?`, append(args, pg.Limit, pg.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*MatchResult
	for rows.Next() {
		var r MatchResult
		if err := rows.Scan(&r.RunID, &r.OrgID, &r.Outcome, &r.ProposalID, &r.Services, &r.AmountFen, &r.FindingsJSON,
			&r.OrgName, &r.USCC, &r.DistrictName, &r.ProposalState); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	return out, total, rows.Err()
}

// MatchProposal is a proposed award awaiting, or past, the enterprise's
// confirmation.
type MatchProposal struct {
	ID            int64
	PolicyID      int64
	PolicyName    string
	OrgID         int64
	OrgName       string
	OrgUSCC       string
	DistrictCode  string
	DistrictName  string
	RunID         int64
	CallID        int64
	CallTitle     string
	Services      int
	AmountFen     int64
	FindingsJSON  string
	State         string
	Deadline      string // last day to confirm, Asia/Shanghai
	CreatedAt     time.Time
	AccountName   string
	BankName      string
	AccountNo     string
	ApplicationID int64
	AppNumber     string
	AppState      dtfund.AppState
	DecidedBy     int64
	DecidedAt     time.Time
	DeclineReason string
}

const proposalSelect = `SELECT mp.id, mp.policy_id, pol.name, mp.org_id, o.name, o.uscc, COALESCE(mp.district_code, ''),
 COALESCE(d.name, ''), mp.run_id, mp.call_id, c.title, mp.services, mp.amount_fen, mp.findings_json, mp.state, mp.deadline,
 mp.created_at, mp.account_name, mp.bank_name, mp.account_no, COALESCE(mp.application_id, 0), COALESCE(a.number, ''),
 COALESCE(a.state, ''), COALESCE(mp.decided_by, 0), COALESCE(mp.decided_at, ''), mp.decline_reason
 FROM match_proposals mp JOIN match_policies pol ON pol.id = mp.policy_id JOIN organizations o ON o.id = mp.org_id
 JOIN calls c ON c.id = mp.call_id LEFT JOIN districts d ON d.code = mp.district_code
 LEFT JOIN applications a ON a.id = mp.application_id`

func scanProposal(sc interface{ Scan(...any) error }) (*MatchProposal, error) {
	var p MatchProposal
	var created, decided string
	if err := sc.Scan(&p.ID, &p.PolicyID, &p.PolicyName, &p.OrgID, &p.OrgName, &p.OrgUSCC, &p.DistrictCode, &p.DistrictName,
		&p.RunID, &p.CallID, &p.CallTitle, &p.Services, &p.AmountFen, &p.FindingsJSON, &p.State, &p.Deadline, &created,
		&p.AccountName, &p.BankName, &p.AccountNo, &p.ApplicationID, &p.AppNumber, &p.AppState, &p.DecidedBy, &decided,
		&p.DeclineReason); err != nil {
		return nil, err
	}
	p.CreatedAt, p.DecidedAt = parseTime(created), parseTime(decided)
	return &p, nil
}

// ProposalFilter selects proposals. OrgID and DistrictCode are the scope
// the app layer sets from the actor (an enterprise: its own; a district:
// its own), so that others' proposals are not found.
type ProposalFilter struct {
	ID           int64
	OrgID        int64
	DistrictCode string
	PolicyID     int64
	State        string
	Query        string // organisation name or USCC
	Page         Page
}

func proposalWhere(f ProposalFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.ID != 0 {
		add("mp.id = ?", f.ID)
	}
	if f.OrgID != 0 {
		add("mp.org_id = ?", f.OrgID)
	}
	if f.DistrictCode != "" {
		add("mp.district_code = ?", f.DistrictCode)
	}
	if f.PolicyID != 0 {
		add("mp.policy_id = ?", f.PolicyID)
	}
	if f.State != "" {
		add("mp.state = ?", f.State)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds, args = append(conds, "(o.name LIKE ? OR o.uscc = ?)"), append(args, "%"+escapeLike(q)+"%", strings.ToUpper(q))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindProposals returns a page of proposals, newest first, and the total.
func (db *DB) FindProposals(ctx context.Context, f ProposalFilter) ([]*MatchProposal, int, error) {
	where, args := proposalWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM match_proposals mp JOIN organizations o ON o.id = mp.org_id`+where, args...).
		Scan(&total); err != nil {
		return nil, 0, err
	}
	pg := f.Page.clamp()
	rows, err := db.query(ctx, proposalSelect+where+` ORDER BY mp.id DESC LIMIT ? OFFSET ?`, append(args, pg.Limit, pg.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*MatchProposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// CountProposals counts the proposals a filter selects (the 待办 line).
func (db *DB) CountProposals(ctx context.Context, f ProposalFilter, deadlineFrom string) (int, error) {
	where, args := proposalWhere(f)
	if deadlineFrom != "" {
		if where == "" {
			where = " WHERE mp.deadline >= ?"
		} else {
			where += " AND mp.deadline >= ?"
		}
		args = append(args, deadlineFrom)
	}
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM match_proposals mp JOIN organizations o ON o.id = mp.org_id`+where, args...).Scan(&n)
	return n, err
}

func proposalNotFound(p *MatchProposal, err error) (*MatchProposal, error) {
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "免申即享推荐不存在")
	}
	return p, err
}

// Proposal returns one proposal within the filter's scope, or ENOTFOUND.
func (db *DB) Proposal(ctx context.Context, f ProposalFilter) (*MatchProposal, error) {
	where, args := proposalWhere(f)
	return proposalNotFound(scanProposal(db.queryRow(ctx, proposalSelect+where, args...)))
}

// Proposal reads a proposal within the filter's scope inside a write transaction.
func (tx *Tx) Proposal(ctx context.Context, f ProposalFilter) (*MatchProposal, error) {
	where, args := proposalWhere(f)
	return proposalNotFound(scanProposal(tx.queryRow(ctx, proposalSelect+where, args...)))
}

// BankAccount is the account an enterprise confirmed for the payment.
type BankAccount struct {
	Name   string // 户名 (= the organisation's name)
	Bank   string // 开户银行
	Number string // 账号, digits
}

// ConfirmProposal records the enterprise's confirmation with its account
// and the application made from it; ECONFLICT when the proposal is no
// longer awaiting confirmation (a concurrent answer won).
func (tx *Tx) ConfirmProposal(ctx context.Context, id int64, acc BankAccount, appID, userID int64) error {
	return tx.decideProposal(ctx, `UPDATE match_proposals SET state = 'confirmed', account_name = ?, bank_name = ?, account_no = ?,
 application_id = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'proposed'`,
		acc.Name, acc.Bank, acc.Number, appID, userID, fmtTime(tx.now), id)
}

// DeclineProposal records the enterprise's refusal.
func (tx *Tx) DeclineProposal(ctx context.Context, id int64, reason string, userID int64) error {
	return tx.decideProposal(ctx, `UPDATE match_proposals SET state = 'declined', decline_reason = ?, decided_by = ?, decided_at = ?
 WHERE id = ? AND state = 'proposed'`, reason, userID, fmtTime(tx.now), id)
}

// LapseProposal marks a proposal lapsed.
func (tx *Tx) LapseProposal(ctx context.Context, id int64) error {
	return tx.decideProposal(ctx, `UPDATE match_proposals SET state = 'lapsed', decided_at = ? WHERE id = ? AND state = 'proposed'`,
		fmtTime(tx.now), id)
}

func (tx *Tx) decideProposal(ctx context.Context, q string, args ...any) error {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return normalize(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该推荐已不再待确认（已确认、放弃或失效）")
	}
	return nil
}

// LapsableProposals returns the proposals still awaiting confirmation whose
// last day to confirm is before today.
func (tx *Tx) LapsableProposals(ctx context.Context, today string) ([]*MatchProposal, error) {
	rows, err := tx.query(ctx, proposalSelect+` WHERE mp.state = 'proposed' AND mp.deadline < ? ORDER BY mp.id`, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*MatchProposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LiveApplicationExcept names the organisation's application under the call that
// has not ended without an award, other than the one with origin reference
// exceptRef; "" when none.
func (tx *Tx) LiveApplicationExcept(ctx context.Context, orgID, callID int64, exceptRef string) (string, error) {
	ph, args := stateArgs(endedStates)
	var number string
	var st dtfund.AppState
	err := tx.queryRow(ctx, `SELECT a.number, a.state FROM applications a WHERE a.org_id = ? AND a.call_id = ?
 AND a.state NOT IN (`+ph+`) AND NOT (a.origin = 'matching' AND a.origin_ref = ?) ORDER BY a.id LIMIT 1`,
		append(append([]any{orgID, callID}, args...), exceptRef)...).Scan(&number, &st)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return "申报 " + number + "（" + st.Label() + "）", nil
}

// ProposalOfApplication returns the proposal an application was made
// from; ENOTFOUND when it was not made from one.
func (db *DB) ProposalOfApplication(ctx context.Context, appID int64) (*MatchProposal, error) {
	return proposalNotFound(scanProposal(db.queryRow(ctx, proposalSelect+` WHERE mp.application_id = ?`, appID)))
}
