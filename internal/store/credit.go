package store

import (
	"context"
	"database/sql"

	"dtfund"
)

// CreditRecord is a credit or compliance record of an organisation (经营异常
// 名录, 严重失信主体名单, serious accidents, tax violations), with its dates,
// read by the rules of 第十一条 and 第十三条.
type CreditRecord struct {
	ID        int64
	OrgID     int64
	Kind      string // policy.CreditKind values
	StartDate string // YYYY-MM-DD: listed on / happened on
	EndDate   string // YYYY-MM-DD: last day listed; "" while listed
	Note      string
	Source    string // the document or list it was taken from
	CreatedBy int64
}

// CreditRecords returns an organisation's records, oldest first.
func (db *DB) CreditRecords(ctx context.Context, orgID int64) ([]CreditRecord, error) {
	return creditRecords(ctx, db.query, orgID)
}

// CreditRecords reads an organisation's records inside a write transaction,
// so that a re-check sees exactly the facts it decides on.
func (tx *Tx) CreditRecords(ctx context.Context, orgID int64) ([]CreditRecord, error) {
	return creditRecords(ctx, tx.query, orgID)
}

const creditColumns = `id, org_id, kind, start_date, end_date, note, source, COALESCE(created_by, 0)`

func creditRecords(ctx context.Context, query queryFunc, orgID int64) ([]CreditRecord, error) {
	return scanCredit(query(ctx, `SELECT `+creditColumns+` FROM credit_records WHERE org_id = ? ORDER BY start_date, id`, orgID))
}

// CreditRecordsOf returns the records of the given organisations (an
// import's), oldest first per organisation, in bounded IN lists.
func (db *DB) CreditRecordsOf(ctx context.Context, orgIDs []int64) ([]CreditRecord, error) {
	return creditRecordsOf(ctx, db.query, orgIDs)
}

// CreditRecordsOf reads the records of the given organisations inside a
// write transaction.
func (tx *Tx) CreditRecordsOf(ctx context.Context, orgIDs []int64) ([]CreditRecord, error) {
	return creditRecordsOf(ctx, tx.query, orgIDs)
}

func creditRecordsOf(ctx context.Context, query queryFunc, orgIDs []int64) ([]CreditRecord, error) {
	var out []CreditRecord
	for start := 0; start < len(orgIDs); start += importChunk {
		part := orgIDs[start:min(start+importChunk, len(orgIDs))]
		rs, err := scanCredit(query(ctx, `SELECT `+creditColumns+` FROM credit_records WHERE org_id IN (`+importInList(len(part))+`)
 ORDER BY org_id, start_date, id`, importArgs(part)...))
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func scanCredit(rows *sql.Rows, err error) ([]CreditRecord, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []CreditRecord
	for rows.Next() {
		var r CreditRecord
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Kind, &r.StartDate, &r.EndDate, &r.Note, &r.Source, &r.CreatedBy); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// AddCreditRecord inserts a record.
func (tx *Tx) AddCreditRecord(ctx context.Context, r *CreditRecord) error {
	if r.Source == "" {
		return dtfund.FieldError("source", "请填写记录来源")
	}
	id, err := tx.insertID(ctx, `INSERT INTO credit_records (org_id, kind, start_date, end_date, note, source, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.OrgID, r.Kind, r.StartDate, r.EndDate, r.Note, r.Source, nullInt(r.CreatedBy), fmtTime(tx.now))
	r.ID = id
	return err
}

// Organization reads an organisation with its size facts inside a write
// transaction.
func (tx *Tx) Organization(ctx context.Context, id int64) (*dtfund.Organization, error) {
	where, args := orgWhere(OrgFilter{ID: id})
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations o LEFT JOIN districts d ON d.code = o.district_code`+where, args...))
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
			return nil, dtfund.Errorf(dtfund.ENOTFOUND, "单位不存在")
		}
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT year, employees, revenue_fen, assets_fen FROM org_size_facts WHERE org_id = ? ORDER BY year DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f dtfund.SizeFact
		if err := rows.Scan(&f.Year, &f.Employees, &f.RevenueFen, &f.AssetsFen); err != nil {
			return nil, err
		}
		o.SizeFacts = append(o.SizeFacts, f)
	}
	return o, rows.Err()
}
