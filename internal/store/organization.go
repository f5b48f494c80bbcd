package store

import (
	"context"
	"database/sql"
	"strings"

	"dtfund"
)

// OrgFilter selects organisations. DistrictCode scopes the query to one
// jurisdiction: district officials always pass theirs, so a record of another
// district is simply not found.
type OrgFilter struct {
	ID           int64
	DistrictCode string
	Query        string // name or USCC prefix
	IsProvider   *bool
	Sort         string // a key of OrgSorts, "-" in front for descending; "" = by registration in the system
	Page         Page
}

// OrgSorts are the columns an organisation list may be sorted by.
var OrgSorts = map[string]string{"name": "o.name", "uscc": "o.uscc", "district": "o.district_code", "industry": "o.industry_code",
	"updated": "o.updated_at"}

const orgColumns = `o.id, o.uscc, o.name, o.kind, o.legal_person, o.region_code, COALESCE(o.district_code, ''),
 o.industry_code, o.is_applicant, o.is_provider, o.address, o.contact_name, o.contact_phone, o.created_at, o.updated_at,
 COALESCE(d.name, '')`

func scanOrg(sc interface{ Scan(...any) error }) (*dtfund.Organization, error) {
	var o dtfund.Organization
	var created, updated string
	err := sc.Scan(&o.ID, &o.USCC, &o.Name, &o.Kind, &o.LegalPerson, &o.RegionCode, &o.DistrictCode,
		&o.IndustryCode, &o.IsApplicant, &o.IsProvider, &o.Address, &o.ContactName, &o.ContactPhone, &created, &updated,
		&o.DistrictName)
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = parseTime(created), parseTime(updated)
	return &o, nil
}

// FindOrganizations returns one page of organisations and the total count.
func (db *DB) FindOrganizations(ctx context.Context, f OrgFilter) ([]*dtfund.Organization, int, error) {
	where, args := orgWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM organizations o`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+orgColumns+` FROM organizations o LEFT JOIN districts d ON d.code = o.district_code`+
		where+orderBy(f.Sort, OrgSorts, "o.id", "o.id")+` LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var orgs []*dtfund.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, err
		}
		orgs = append(orgs, o)
	}
	return orgs, total, rows.Err()
}

func orgWhere(f OrgFilter) (string, []any) {
	var conds []string
	var args []any
	if f.ID != 0 {
		conds, args = append(conds, "o.id = ?"), append(args, f.ID)
	}
	if f.DistrictCode != "" {
		conds, args = append(conds, "o.district_code = ?"), append(args, f.DistrictCode)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, "(o.name LIKE ? OR o.uscc LIKE ?)")
		args = append(args, "%"+escapeLike(q)+"%", escapeLike(strings.ToUpper(q))+"%")
	}
	if f.IsProvider != nil {
		conds, args = append(conds, "o.is_provider = ?"), append(args, *f.IsProvider)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// escapeLike drops the LIKE wildcards % and _ from user input, so that a
// search term matches as typed on both engines without an ESCAPE clause
// (neither character occurs in names or credit codes worth searching for).
func escapeLike(s string) string {
	r := strings.NewReplacer("%", "", "_", "")
	return r.Replace(s)
}

// Organization returns one organisation with its size facts. A non-empty
// districtCode restricts the lookup to that jurisdiction.
func (db *DB) Organization(ctx context.Context, id int64, districtCode string) (*dtfund.Organization, error) {
	orgs, _, err := db.FindOrganizations(ctx, OrgFilter{ID: id, DistrictCode: districtCode, Page: Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
	}
	o := orgs[0]
	o.SizeFacts, err = db.sizeFacts(ctx, o.ID)
	return o, err
}

// OrganizationByUSCC returns the organisation with the code, or ENOTFOUND.
func (db *DB) OrganizationByUSCC(ctx context.Context, code string) (*dtfund.Organization, error) {
	var id int64
	if err := db.queryRow(ctx, `SELECT id FROM organizations WHERE uscc = ?`, code).Scan(&id); err != nil {
		if err == sql.ErrNoRows {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "统一社会信用代码为 %s 的单位不存在", code)
		}
		return nil, err
	}
	return db.Organization(ctx, id, "")
}

func (db *DB) sizeFacts(ctx context.Context, orgID int64) ([]dtfund.SizeFact, error) {
	rows, err := db.query(ctx, `SELECT year, employees, revenue_fen, assets_fen FROM org_size_facts WHERE org_id = ? ORDER BY year DESC`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []dtfund.SizeFact
	for rows.Next() {
		var f dtfund.SizeFact
		if err := rows.Scan(&f.Year, &f.Employees, &f.RevenueFen, &f.AssetsFen); err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// CreateOrganization inserts an organisation with its size facts.
func (tx *Tx) CreateOrganization(ctx context.Context, o *dtfund.Organization) error {
	id, err := tx.insertID(ctx, `INSERT INTO organizations (uscc, name, kind, legal_person, region_code, district_code,
 industry_code, is_applicant, is_provider, address, contact_name, contact_phone, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.USCC, o.Name, o.Kind, o.LegalPerson, o.RegionCode, nullString(o.DistrictCode), o.IndustryCode,
		o.IsApplicant, o.IsProvider, o.Address, o.ContactName, o.ContactPhone, fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		return normalizeOrgErr(err)
	}
	o.ID, o.CreatedAt, o.UpdatedAt = id, tx.now, tx.now
	return tx.ReplaceSizeFacts(ctx, o.ID, o.SizeFacts)
}

// UpdateOrganization writes the editable fields of an organisation.
func (tx *Tx) UpdateOrganization(ctx context.Context, o *dtfund.Organization) error {
	res, err := tx.exec(ctx, `UPDATE organizations SET uscc = ?, name = ?, kind = ?, legal_person = ?, region_code = ?,
 district_code = ?, industry_code = ?, is_applicant = ?, is_provider = ?, address = ?, contact_name = ?, contact_phone = ?,
 updated_at = ? WHERE id = ?`,
		o.USCC, o.Name, o.Kind, o.LegalPerson, o.RegionCode, nullString(o.DistrictCode), o.IndustryCode,
		o.IsApplicant, o.IsProvider, o.Address, o.ContactName, o.ContactPhone, fmtTime(tx.now), o.ID)
	if err != nil {
		return normalizeOrgErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
	}
	o.UpdatedAt = tx.now
	return tx.ReplaceSizeFacts(ctx, o.ID, o.SizeFacts)
}

// ReplaceSizeFacts replaces the size facts of an organisation.
func (tx *Tx) ReplaceSizeFacts(ctx context.Context, orgID int64, facts []dtfund.SizeFact) error {
	if _, err := tx.exec(ctx, `DELETE FROM org_size_facts WHERE org_id = ?`, orgID); err != nil {
		return err
	}
	seen := map[int]bool{}
	for _, f := range facts {
		if seen[f.Year] {
			return dtfund.FieldError("size", "%d年度的规模数据重复", f.Year)
		}
		seen[f.Year] = true
		if _, err := tx.exec(ctx, `INSERT INTO org_size_facts (org_id, year, employees, revenue_fen, assets_fen) VALUES (?, ?, ?, ?, ?)`,
			orgID, f.Year, f.Employees, f.RevenueFen, f.AssetsFen); err != nil {
			return err
		}
	}
	return nil
}

func normalizeOrgErr(err error) error {
	if dtfund.ErrorCode(normalize(err)) == dtfund.ECONFLICT {
		return dtfund.FieldError("uscc", "该统一社会信用代码已被其他单位使用")
	}
	return err
}
