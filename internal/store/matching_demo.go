package store

import (
	"context"
)

// Demonstration data for 免申即享 only: the cloud services and confirmed
// adoptions its story needs, besides those the providers' part of the demo
// records through the application (see SeedCloudAdoptions).

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

// SeedCloudAdoptions inserts the demonstration cloud services and their
// confirmed adoptions that are not there yet (a product by provider and
// name, an adoption by product, enterprise and contract number); it
// reports whether it inserted anything.
func (tx *Tx) SeedCloudAdoptions(ctx context.Context, ps []SeedCloudProduct) (bool, error) {
	now, inserted := fmtTime(tx.now), false
	for _, p := range ps {
		var id int64
		err := tx.queryRow(ctx, `SELECT id FROM products WHERE provider_org_id = ? AND name = ?`, p.ProviderID, p.Name).Scan(&id)
		if err != nil && !normalizedNotFound(err) {
			return false, err
		}
		if id == 0 {
			if id, err = tx.insertID(ctx, `INSERT INTO products (provider_org_id, kind, name, description, price_fen, created_at, updated_at)
 VALUES (?, 'cloud_service', ?, ?, ?, ?, ?)`, p.ProviderID, p.Name, p.Description, p.PriceFen, now, now); err != nil {
				return false, normalize(err)
			}
			inserted = true
		}
		for _, u := range p.Uses {
			var n int
			if err := tx.queryRow(ctx, `SELECT count(*) FROM adoptions WHERE product_id = ? AND enterprise_org_id = ? AND contract_no = ?`,
				id, u.EnterpriseID, u.ContractNo).Scan(&n); err != nil {
				return false, err
			}
			if n > 0 {
				continue
			}
			inserted = true
			if _, err := tx.exec(ctx, `INSERT INTO adoptions (product_id, enterprise_org_id, provider_org_id, contract_no, contract_date,
 state, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?)`, id, u.EnterpriseID, p.ProviderID, u.ContractNo,
				u.ContractDate, now, now); err != nil {
				return false, normalize(err)
			}
		}
	}
	return inserted, nil
}
