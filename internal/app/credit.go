package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Credit and compliance records (第十一条, 第十三条): lists an organisation is
// on (经营异常名录, 严重失信主体名单) and incidents (accidents, tax
// violations), with their dates. The rules read them at every submission
// and re-check, so a record added after submission counts at the re-check.

// CreditKinds are the kinds an official may record, in display order.
var CreditKinds = []policy.CreditKind{policy.CreditSeriousDishonesty, policy.CreditAbnormalOperation,
	policy.CreditSafetyAccident, policy.CreditQualityAccident, policy.CreditEnvironmentAccident, policy.CreditTaxViolation}

// creditWriters are the roles that record credit information.
var creditWriters = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleAdmin}

// CanWriteCredit reports whether the role may add credit records.
func CanWriteCredit(r dtfund.Role) bool {
	for _, w := range creditWriters {
		if w == r {
			return true
		}
	}
	return false
}

// IsListingKind reports whether the kind is a list one is on for a time
// (then an empty end date means still listed) rather than an incident.
func IsListingKind(k policy.CreditKind) bool {
	return k == policy.CreditSeriousDishonesty || k == policy.CreditAbnormalOperation
}

// CreditInput is a record as typed by an official.
type CreditInput struct {
	OrgID       int64
	Kind        string
	StartDate   string
	EndDate     string
	StillListed bool // a listing not yet ended
	Note        string
	Source      string
}

func (in *CreditInput) validate(today calendar.Date) error {
	in.StartDate, in.EndDate = strings.TrimSpace(in.StartDate), strings.TrimSpace(in.EndDate)
	in.Note, in.Source = strings.TrimSpace(in.Note), strings.TrimSpace(in.Source)
	var v dtfund.ValidationErrors
	kind := policy.CreditKind(in.Kind)
	known := false
	for _, k := range CreditKinds {
		known = known || k == kind
	}
	if !known {
		v.Add("kind", "请选择记录类别")
	}
	start, err := calendar.ParseDate(in.StartDate)
	switch {
	case err != nil:
		v.Add("start_date", "列入或发生日期：%s", err.Error())
	case start.After(today):
		v.Add("start_date", "列入或发生日期不能晚于今天（%s）", today)
	}
	in.validateEnd(&v, kind, start, err == nil)
	if utf8.RuneCountInString(in.Note) > 500 {
		v.Add("note", "说明不超过500字")
	}
	if in.Source == "" || utf8.RuneCountInString(in.Source) > 200 {
		v.Add("source", "请填写记录来源（如“信用中国”查询结果、处罚决定书文号），不超过200字")
	}
	return v.Err()
}

// validateEnd checks the end date: for a listing either a date or "still
// listed"; for an incident optional (empty: the start date only).
func (in *CreditInput) validateEnd(v *dtfund.ValidationErrors, kind policy.CreditKind, start calendar.Date, startOK bool) {
	if in.EndDate == "" {
		if IsListingKind(kind) && !in.StillListed {
			v.Add("end_date", "请填写移出名单日期，或勾选“仍在名单中”")
		}
		return
	}
	if in.StillListed {
		v.Add("end_date", "已勾选“仍在名单中”，请不要填写移出日期")
		return
	}
	end, err := calendar.ParseDate(in.EndDate)
	switch {
	case err != nil:
		v.Add("end_date", "截止日期：%s", err.Error())
	case startOK && end.Before(start):
		v.Add("end_date", "截止日期不能早于列入或发生日期")
	}
}

// AddCreditRecord stores a record of an organisation, with its audit entry.
func (a *App) AddCreditRecord(ctx context.Context, actor Actor, in CreditInput) (*store.CreditRecord, error) {
	if err := requireRole(actor, creditWriters...); err != nil {
		return nil, err
	}
	if _, err := a.DB.Organization(ctx, in.OrgID, ""); err != nil {
		return nil, err
	}
	if err := in.validate(calendar.DateOf(a.DB.Now())); err != nil {
		return nil, err
	}
	r := &store.CreditRecord{OrgID: in.OrgID, Kind: in.Kind, StartDate: in.StartDate, EndDate: in.EndDate, Note: in.Note,
		Source: in.Source, CreatedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddCreditRecord(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("credit.add", "organization", strconv.FormatInt(r.OrgID, 10)), nil, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CreditRecords returns the records of an organisation the actor may see.
func (a *App) CreditRecords(ctx context.Context, actor Actor, orgID int64) ([]store.CreditRecord, error) {
	if _, err := a.Organization(ctx, actor, orgID); err != nil {
		return nil, err
	}
	return a.DB.CreditRecords(ctx, orgID)
}
