package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"dtfund"
)

// Service providers' profiles and their products, solutions and platform
// cloud services (「小快轻准」产品和服务, 第七条（二）（三）（四）).

// Product kinds.
const (
	KindProduct      = "product"       // 产品
	KindSolution     = "solution"      // 解决方案
	KindCloudService = "cloud_service" // 云服务（上云上平台，第七条（二））
)

// ProductKinds lists the kinds in display order.
var ProductKinds = []string{KindProduct, KindSolution, KindCloudService}

// Product states.
const (
	ProductActive    = "active"    // offered
	ProductWithdrawn = "withdrawn" // withdrawn by the provider
)

// Product is a product, solution or cloud service a provider offers.
type Product struct {
	ID            int64
	ProviderOrgID int64
	Kind          string
	Name          string
	Description   string
	Scenarios     []string // business scenarios served
	Properties    []string // subset of small, fast, light, precise (小快轻准)
	PriceFen      int64
	State         string
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Filled by queries.
	ProviderName string
	ProviderUSCC string
	Adopters     int // distinct enterprises with a confirmed adoption
}

// ProductFilter selects products. ProviderOrgID is the provider's own
// scope; the others are the catalogue's filters.
type ProductFilter struct {
	ID            int64
	ProviderOrgID int64
	Kind          string
	State         string
	Property      string // one of the four 小快轻准 properties
	Scenario      string // part of a scenario's name
	Query         string // part of the product's or the provider's name
	Page          Page
}

const productColumns = `p.id, p.provider_org_id, p.kind, p.name, p.description, p.scenarios, p.properties, p.price_fen, p.state,
 COALESCE(p.created_by, 0), p.created_at, p.updated_at, o.name, o.uscc,
 (SELECT count(DISTINCT ad.enterprise_org_id) FROM adoptions ad WHERE ad.product_id = p.id AND ad.state = 'confirmed')`

const productFrom = ` FROM products p JOIN organizations o ON o.id = p.provider_org_id`

func scanProduct(sc interface{ Scan(...any) error }) (*Product, error) {
	var p Product
	var scenarios, props, created, updated string
	if err := sc.Scan(&p.ID, &p.ProviderOrgID, &p.Kind, &p.Name, &p.Description, &scenarios, &props, &p.PriceFen, &p.State,
		&p.CreatedBy, &created, &updated, &p.ProviderName, &p.ProviderUSCC, &p.Adopters); err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(scenarios), &p.Scenarios)
	json.Unmarshal([]byte(props), &p.Properties)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return &p, nil
}

func productWhere(f ProductFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vs ...any) { conds, args = append(conds, cond), append(args, vs...) }
	if f.ID != 0 {
		add("p.id = ?", f.ID)
	}
	if f.ProviderOrgID != 0 {
		add("p.provider_org_id = ?", f.ProviderOrgID)
	}
	if f.Kind != "" {
		add("p.kind = ?", f.Kind)
	}
	if f.State != "" {
		add("p.state = ?", f.State)
	}
	if f.Property != "" {
		// properties is a JSON array of fixed tokens: a quoted token matches exactly.
		add("p.properties LIKE ?", `%"`+escapeLike(f.Property)+`"%`)
	}
	if s := strings.TrimSpace(f.Scenario); s != "" {
		add("p.scenarios LIKE ?", "%"+escapeLike(s)+"%")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add("(p.name LIKE ? OR o.name LIKE ?)", "%"+escapeLike(q)+"%", "%"+escapeLike(q)+"%")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindProducts returns one page of products, newest first, and the total.
func (db *DB) FindProducts(ctx context.Context, f ProductFilter) ([]*Product, int, error) {
	where, args := productWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*)`+productFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+productColumns+productFrom+where+` ORDER BY p.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Product
	for rows.Next() {
		pr, err := scanProduct(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pr)
	}
	return out, total, rows.Err()
}

// Product returns one product matching the scope in f (ID set from id).
func (db *DB) Product(ctx context.Context, id int64, scope ProductFilter) (*Product, error) {
	scope.ID, scope.Page = id, Page{Limit: 1}
	ps, _, err := db.FindProducts(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "产品不存在")
	}
	return ps[0], nil
}

// Product reads a product inside a write transaction.
func (tx *Tx) Product(ctx context.Context, id int64) (*Product, error) {
	where, args := productWhere(ProductFilter{ID: id})
	p, err := scanProduct(tx.queryRow(ctx, `SELECT `+productColumns+productFrom+where, args...))
	if err != nil && normalizedNotFound(err) {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "产品不存在")
	}
	return p, err
}

// CreateProduct inserts a product.
func (tx *Tx) CreateProduct(ctx context.Context, p *Product) error {
	p.State = ProductActive
	id, err := tx.insertID(ctx, `INSERT INTO products (provider_org_id, kind, name, description, scenarios, properties, price_fen,
 state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ProviderOrgID, p.Kind, p.Name, p.Description, toJSONOr(p.Scenarios, "[]"), toJSONOr(p.Properties, "[]"), p.PriceFen,
		p.State, nullInt(p.CreatedBy), fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return productNameErr(err, p.Name)
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, tx.now, tx.now
	return nil
}

// UpdateProduct writes the editable fields of an offered product; a
// withdrawn one is not found.
func (tx *Tx) UpdateProduct(ctx context.Context, p *Product) error {
	res, err := tx.exec(ctx, `UPDATE products SET kind = ?, name = ?, description = ?, scenarios = ?, properties = ?, price_fen = ?,
 updated_at = ? WHERE id = ? AND state = ?`, p.Kind, p.Name, p.Description, toJSONOr(p.Scenarios, "[]"),
		toJSONOr(p.Properties, "[]"), p.PriceFen, fmtTime(tx.now), p.ID, ProductActive)
	if err != nil {
		return productNameErr(err, p.Name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "产品已撤回，不能修改")
	}
	p.UpdatedAt = tx.now
	return nil
}

// productNameErr names the field when the provider already offers a
// product of the name.
func productNameErr(err error, name string) error {
	if dtfund.ErrorCode(normalize(err)) == dtfund.ECONFLICT {
		return dtfund.FieldError("name", "本单位已有在售的“%s”，名称不能重复", name)
	}
	return normalize(err)
}

// WithdrawProduct marks an offered product withdrawn; ECONFLICT when it was
// withdrawn already.
func (tx *Tx) WithdrawProduct(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE products SET state = ?, updated_at = ? WHERE id = ? AND state = ?`,
		ProductWithdrawn, fmtTime(tx.now), id, ProductActive)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "产品已撤回")
	}
	return nil
}

// ProviderProfile is what a provider says about itself beyond the
// organisation record (which holds its contact person and telephone).
type ProviderProfile struct {
	OrgID          int64
	ServiceScope   string // 服务范围
	Qualifications string // 资质
	Website        string
	ContactEmail   string
	UpdatedBy      int64
	UpdatedAt      time.Time
}

// ProviderProfile returns the organisation's profile, empty when it has
// none yet.
func (db *DB) ProviderProfile(ctx context.Context, orgID int64) (*ProviderProfile, error) {
	p := &ProviderProfile{OrgID: orgID}
	var at string
	err := db.queryRow(ctx, `SELECT service_scope, qualifications, website, contact_email, COALESCE(updated_by, 0), updated_at
 FROM provider_profiles WHERE org_id = ?`, orgID).Scan(&p.ServiceScope, &p.Qualifications, &p.Website, &p.ContactEmail,
		&p.UpdatedBy, &at)
	if err != nil {
		if normalizedNotFound(err) {
			return p, nil
		}
		return nil, err
	}
	p.UpdatedAt = parseTime(at)
	return p, nil
}

// SaveProviderProfile inserts or replaces the profile.
func (tx *Tx) SaveProviderProfile(ctx context.Context, p *ProviderProfile) error {
	_, err := tx.exec(ctx, `INSERT INTO provider_profiles (org_id, service_scope, qualifications, website, contact_email, updated_by, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET service_scope = excluded.service_scope,
 qualifications = excluded.qualifications, website = excluded.website, contact_email = excluded.contact_email,
 updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		p.OrgID, p.ServiceScope, p.Qualifications, p.Website, p.ContactEmail, nullInt(p.UpdatedBy), fmtTime(tx.now))
	p.UpdatedAt = tx.now
	return normalize(err)
}
