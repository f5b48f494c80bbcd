package store

import (
	"context"
	"strings"
	"time"

	"dtfund"
)

// Adoption records (应用记录): an enterprise's use of a provider's product,
// under a contract. The rankings of 第七条（三）（四）, the platform awards of
// （二） and 免申即享 matching read only confirmed ones:
//
//   - state 'confirmed' ⇔ confirmed_at IS NOT NULL: the enterprise recorded
//     it itself (recorded_by 'enterprise', confirmed in the same moment) or
//     confirmed a provider's proposal; confirmed_by is the enterprise's user.
//   - state 'proposed': recorded by the provider (recorded_by 'provider'),
//     awaiting the enterprise; it counts for nothing.
//   - state 'rejected' ⇔ rejected_at IS NOT NULL: the enterprise refused it.
//   - contract_date (YYYY-MM-DD) is the date of use the rankings' periods
//     select on; created_at / confirmed_at are when it was entered.
//   - effects: {"indicators":[{"name","unit","lower_better","before","after"}]}
//     as reported by the enterprise; effects_at when last reported.

// Adoption states.
const (
	AdoptionProposed  = "proposed"
	AdoptionConfirmed = "confirmed"
	AdoptionRejected  = "rejected"
)

// Who recorded an adoption.
const (
	RecordedByEnterprise = "enterprise"
	RecordedByProvider   = "provider"
)

// Adoption is one adoption record.
type Adoption struct {
	ID              int64
	ProductID       int64
	EnterpriseOrgID int64
	ProviderOrgID   int64
	ContractNo      string
	ContractDate    string // YYYY-MM-DD
	Scope           string
	State           string
	RecordedBy      string
	Effects         string // JSON, see above
	ProposedBy      int64
	ConfirmedBy     int64
	ConfirmedAt     time.Time
	RejectedBy      int64
	RejectedAt      time.Time
	RejectReason    string
	EffectsAt       time.Time
	CreatedAt       time.Time

	// Filled by queries.
	ProductName      string
	ProductKind      string
	EnterpriseName   string
	EnterpriseUSCC   string
	EnterpriseDistr  string // the enterprise's district code
	ProviderName     string
	ProviderUSCC     string
	DistrictName     string // the enterprise's district
	ProductWithdrawn bool
}

// AdoptionFilter selects adoptions. OrgID (either side) and DistrictCode
// (the enterprise's district) are the actor's scope.
type AdoptionFilter struct {
	ID              int64
	OrgID           int64
	EnterpriseOrgID int64
	ProviderOrgID   int64
	DistrictCode    string
	ProductID       int64
	State           string
	Query           string // product, enterprise or provider name, or contract number
	Page            Page
}

const adoptionColumns = `ad.id, ad.product_id, ad.enterprise_org_id, ad.provider_org_id, ad.contract_no, ad.contract_date, ad.scope,
 ad.state, ad.recorded_by, ad.effects, COALESCE(ad.proposed_by, 0), COALESCE(ad.confirmed_by, 0), COALESCE(ad.confirmed_at, ''),
 COALESCE(ad.rejected_by, 0), COALESCE(ad.rejected_at, ''), ad.reject_reason, COALESCE(ad.effects_at, ''), ad.created_at,
 p.name, p.kind, p.state, e.name, e.uscc, COALESCE(e.district_code, ''), v.name, v.uscc, COALESCE(d.name, '')`

const adoptionFrom = ` FROM adoptions ad JOIN products p ON p.id = ad.product_id
 JOIN organizations e ON e.id = ad.enterprise_org_id JOIN organizations v ON v.id = ad.provider_org_id
 LEFT JOIN districts d ON d.code = e.district_code`

func scanAdoption(sc interface{ Scan(...any) error }) (*Adoption, error) {
	var a Adoption
	var confirmed, rejected, effectsAt, created, productState string
	if err := sc.Scan(&a.ID, &a.ProductID, &a.EnterpriseOrgID, &a.ProviderOrgID, &a.ContractNo, &a.ContractDate, &a.Scope,
		&a.State, &a.RecordedBy, &a.Effects, &a.ProposedBy, &a.ConfirmedBy, &confirmed, &a.RejectedBy, &rejected,
		&a.RejectReason, &effectsAt, &created, &a.ProductName, &a.ProductKind, &productState, &a.EnterpriseName,
		&a.EnterpriseUSCC, &a.EnterpriseDistr, &a.ProviderName, &a.ProviderUSCC, &a.DistrictName); err != nil {
		return nil, err
	}
	a.ConfirmedAt, a.RejectedAt, a.EffectsAt, a.CreatedAt = parseTime(confirmed), parseTime(rejected), parseTime(effectsAt), parseTime(created)
	a.ProductWithdrawn = productState == ProductWithdrawn
	return &a, nil
}

func adoptionWhere(f AdoptionFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vs ...any) { conds, args = append(conds, cond), append(args, vs...) }
	if f.ID != 0 {
		add("ad.id = ?", f.ID)
	}
	if f.OrgID != 0 {
		add("(ad.enterprise_org_id = ? OR ad.provider_org_id = ?)", f.OrgID, f.OrgID)
	}
	if f.EnterpriseOrgID != 0 {
		add("ad.enterprise_org_id = ?", f.EnterpriseOrgID)
	}
	if f.ProviderOrgID != 0 {
		add("ad.provider_org_id = ?", f.ProviderOrgID)
	}
	if f.DistrictCode != "" {
		add("e.district_code = ?", f.DistrictCode)
	}
	if f.ProductID != 0 {
		add("ad.product_id = ?", f.ProductID)
	}
	if f.State != "" {
		add("ad.state = ?", f.State)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		add("(p.name LIKE ? OR e.name LIKE ? OR v.name LIKE ? OR ad.contract_no = ?)", like, like, like, q)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindAdoptions returns one page of adoptions, newest first, and the total.
func (db *DB) FindAdoptions(ctx context.Context, f AdoptionFilter) ([]*Adoption, int, error) {
	where, args := adoptionWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+adoptionFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+adoptionColumns+adoptionFrom+where+` ORDER BY ad.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Adoption
	for rows.Next() {
		a, err := scanAdoption(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// Adoption returns one adoption matching the scope in f (ID set from id).
func (db *DB) Adoption(ctx context.Context, id int64, scope AdoptionFilter) (*Adoption, error) {
	scope.ID, scope.Page = id, Page{Limit: 1}
	as, _, err := db.FindAdoptions(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "应用记录不存在")
	}
	return as[0], nil
}

// Adoption reads an adoption inside a write transaction.
func (tx *Tx) Adoption(ctx context.Context, id int64) (*Adoption, error) {
	where, args := adoptionWhere(AdoptionFilter{ID: id})
	a, err := scanAdoption(tx.queryRow(ctx, `SELECT `+adoptionColumns+adoptionFrom+where, args...))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "应用记录不存在")
	}
	return a, err
}

// CreateAdoption inserts an adoption in its state: confirmed when the
// enterprise records it (ConfirmedBy set), proposed otherwise. The same
// contract of the same product and enterprise is recorded once (ECONFLICT).
func (tx *Tx) CreateAdoption(ctx context.Context, a *Adoption) error {
	if a.Effects == "" {
		a.Effects = "{}"
	}
	var confirmedAt, effectsAt any
	if a.State == AdoptionConfirmed {
		confirmedAt, a.ConfirmedAt = fmtTime(tx.now), tx.now
	}
	if a.Effects != "{}" {
		effectsAt, a.EffectsAt = fmtTime(tx.now), tx.now
	}
	id, err := tx.insertID(ctx, `INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date,
 scope, state, effects, proposed_by, confirmed_by, confirmed_at, created_at, recorded_by, effects_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ProductID, a.EnterpriseOrgID, a.ProviderOrgID, a.ContractNo,
		a.ContractDate, a.Scope, a.State, a.Effects, nullInt(a.ProposedBy), nullInt(a.ConfirmedBy), confirmedAt,
		fmtTime(tx.now), a.RecordedBy, effectsAt)
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ECONFLICT {
			return dtfund.FieldError("contract_no", "该企业使用该产品的合同 %s 已登记过", a.ContractNo)
		}
		return normalize(err)
	}
	a.ID, a.CreatedAt = id, tx.now
	return nil
}

// ConfirmAdoption moves a proposed adoption to confirmed; ECONFLICT when
// it is no longer proposed.
func (tx *Tx) ConfirmAdoption(ctx context.Context, id, by int64) error {
	res, err := tx.exec(ctx, `UPDATE adoptions SET state = ?, confirmed_by = ?, confirmed_at = ? WHERE id = ? AND state = ?`,
		AdoptionConfirmed, by, fmtTime(tx.now), id, AdoptionProposed)
	return oneRow(res, err, "该应用记录已被企业拒绝，不能再确认")
}

// RejectAdoption moves a proposed adoption to rejected with the reason.
func (tx *Tx) RejectAdoption(ctx context.Context, id, by int64, reason string) error {
	res, err := tx.exec(ctx, `UPDATE adoptions SET state = ?, rejected_by = ?, rejected_at = ?, reject_reason = ? WHERE id = ? AND state = ?`,
		AdoptionRejected, by, fmtTime(tx.now), reason, id, AdoptionProposed)
	return oneRow(res, err, "该应用记录已由企业确认，不能再拒绝")
}

// SetAdoptionEffects replaces the effects the enterprise reports.
func (tx *Tx) SetAdoptionEffects(ctx context.Context, id int64, effects string) error {
	res, err := tx.exec(ctx, `UPDATE adoptions SET effects = ?, effects_at = ? WHERE id = ? AND state <> ?`,
		effects, fmtTime(tx.now), id, AdoptionRejected)
	return oneRow(res, err, "已拒绝的应用记录不能填报成效")
}

// oneRow turns an UPDATE that matched no row into ECONFLICT with msg.
func oneRow(res interface{ RowsAffected() (int64, error) }, err error, msg string) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return dtfund.Errorf(dtfund.ECONFLICT, "%s", msg)
	}
	return nil
}

// RankingAdoption is a confirmed adoption as the rankings read it.
type RankingAdoption struct {
	ID              int64
	ProductID       int64
	ProviderOrgID   int64
	EnterpriseOrgID int64
	ContractDate    string
	Effects         string
}

// ConfirmedAdoptions returns the confirmed adoptions whose contract date is
// in [from, to] (both YYYY-MM-DD, inclusive), read through the transaction.
func (tx *Tx) ConfirmedAdoptions(ctx context.Context, from, to string) ([]RankingAdoption, error) {
	rows, err := tx.query(ctx, `SELECT id, product_id, provider_org_id, enterprise_org_id, contract_date, effects FROM adoptions
 WHERE state = ? AND contract_date >= ? AND contract_date <= ? ORDER BY id`, AdoptionConfirmed, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RankingAdoption
	for rows.Next() {
		var a RankingAdoption
		if err := rows.Scan(&a.ID, &a.ProductID, &a.ProviderOrgID, &a.EnterpriseOrgID, &a.ContractDate, &a.Effects); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ProductsByID reads products inside a write transaction.
func (tx *Tx) ProductsByID(ctx context.Context, ids []int64) (map[int64]*Product, error) {
	out := make(map[int64]*Product, len(ids))
	for start := 0; start < len(ids); start += 500 {
		if err := tx.productBatch(ctx, ids[start:min(start+500, len(ids))], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (tx *Tx) productBatch(ctx context.Context, ids []int64, out map[int64]*Product) error {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.query(ctx, `SELECT p.id, p.provider_org_id, p.kind, p.name, p.description, p.scenarios, p.properties,
 p.price_fen, p.state, COALESCE(p.created_by, 0), p.created_at, p.updated_at, o.name, o.uscc, 0`+productFrom+
		` WHERE p.id IN (`+ph+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return err
		}
		out[p.ID] = p
	}
	return rows.Err()
}
