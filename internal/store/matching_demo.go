package store

import (
	"context"
)

// Demonstration data for 免申即享 only. Cloud services and their confirmed
// adoptions belong to the providers' part of the system; when that part has
// seeded its own, these are not inserted (see SeedCloudAdoptionsIfNone).

// SeedCloudProduct is a demonstration cloud service with the enterprises
// that confirmed using it.
type SeedCloudProduct struct {
	ProviderID  int64
	Name        string
	Description string
	PriceFen    int64
	Uses        []SeedCloudUse
}

// SeedCloudUse is one confirmed adoption of a demonstration cloud service.
type SeedCloudUse struct {
	EnterpriseID int64
	ContractNo   string
	ContractDate string // YYYY-MM-DD
}

// SeedCloudAdoptionsIfNone inserts the demonstration cloud services and
// their confirmed adoptions, unless some confirmed cloud-service adoption
// exists already; it reports whether it inserted anything.
func (tx *Tx) SeedCloudAdoptionsIfNone(ctx context.Context, ps []SeedCloudProduct) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM adoptions ad JOIN products p ON p.id = ad.product_id
 WHERE p.kind = 'cloud_service' AND ad.state = 'confirmed'`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	now := fmtTime(tx.now)
	for _, p := range ps {
		id, err := tx.insertID(ctx, `INSERT INTO products (provider_org_id, kind, name, description, price_fen, created_at, updated_at)
 VALUES (?, 'cloud_service', ?, ?, ?, ?, ?)`, p.ProviderID, p.Name, p.Description, p.PriceFen, now, now)
		if err != nil {
			return false, normalize(err)
		}
		for _, u := range p.Uses {
			if _, err := tx.exec(ctx, `INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date,
 state, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?)`, id, u.EnterpriseID, p.ProviderID, u.ContractNo,
				u.ContractDate, now, now); err != nil {
				return false, normalize(err)
			}
		}
	}
	return true, nil
}
