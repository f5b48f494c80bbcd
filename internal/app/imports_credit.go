package app

import (
	"context"
	"slices"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
	"dtfund/policy"
	"dtfund/uscc"
)

// Credit records (信用记录, 第十一条, 第十三条): the lists an organisation is
// on (经营异常名录, 严重失信主体名单) and incidents (accidents, tax
// violations), one row per record, keyed by 统一社会信用代码, 类型 and 开始
// 日期. Each row is checked as the single-record form checks it
// (CreditInput.validate) and the code must name an organisation of the
// system. Records are only ever added, as on the organisation's credit page:
// a row whose record is on file changes nothing; a row that contradicts the
// stored record (another end date) is refused rather than stored beside it,
// since two versions of one listing would make the rules read the wrong one.
// The rules read the records with their dates at every submission and
// re-check.

// CreditColumns are the columns of the credit records import.
var CreditColumns = []sheet.Column{
	{Key: "uscc", Title: "统一社会信用代码", Aliases: []string{"信用代码", "社会信用代码", "统一代码"}, Required: true, Kind: sheet.Code,
		Help: "18位，GB 32100-2015；须为系统中已登记的单位"},
	{Key: "kind", Title: "类型", Aliases: []string{"类别", "记录类型", "记录类别"}, Required: true, Kind: sheet.Text,
		Help: "下列之一：" + creditKindNames() + "；也可写简称，如 经营异常名录、严重失信主体名单"},
	{Key: "start_date", Title: "开始日期", Aliases: []string{"列入日期", "发生日期", "列入或发生日期"}, Required: true, Kind: sheet.Date,
		Help: "列入名单或事件发生的日期，不能晚于今天；日期格式或 2024-03-15、2024年3月15日"},
	{Key: "end_date", Title: "结束日期", Aliases: []string{"移出日期", "截止日期"}, Kind: sheet.Date,
		Help: "移出名单或事件结束的日期，不能早于开始日期；名录、名单类留空表示仍在名单中"},
	{Key: "source", Title: "来源", Aliases: []string{"记录来源", "依据", "文号"}, Required: true, Kind: sheet.Text,
		Help: "如“信用中国”查询结果、处罚决定书文号；不超过200个字"},
	{Key: "note", Title: "备注", Aliases: []string{"说明"}, Kind: sheet.Text, Help: "可选，不超过500个字"},
}

// creditRow is one row: the organisation's code and the record as the
// single-record form takes it.
type creditRow struct {
	uscc string
	in   CreditInput
}

func init() {
	registerImport(&importKind[*creditRow]{
		ImportKindInfo: ImportKindInfo{Name: "credit", Label: "信用记录", Article: "第十一条、第十三条",
			Note: "按统一社会信用代码、类型和开始日期新增经营异常名录、严重失信主体名单、重大事故及偷漏税等记录；" +
				"系统中已有的记录不作改动，与之矛盾的行（结束日期不同）报错。同一文件再次导入不产生任何变化。",
			Columns: CreditColumns, Roles: creditWriters},
		keyColumn: "uscc", keyLabel: "统一社会信用代码、类型和开始日期",
		parse: parseCreditRow, check: checkCreditRows, write: writeCreditRows,
	})
}

func parseCreditRow(env *importEnv, rr *sheet.RowReader) (*creditRow, string) {
	r := &creditRow{uscc: strings.ToUpper(rr.Code("uscc", true))}
	if r.uscc != "" {
		if err := uscc.Validate(r.uscc); err != nil {
			rr.Fail("uscc", "“%s”%s", r.uscc, err.Error())
		}
	}
	if v := rr.Text("kind", true, 30); v != "" {
		if k, ok := creditKindOf(v); ok {
			r.in.Kind = string(k)
		} else {
			rr.Fail("kind", "“%s”无法识别，应为%s", v, creditKindNames())
		}
	}
	r.in.StartDate, _ = rr.Date("start_date", true)
	r.in.EndDate, _ = rr.Date("end_date", false)
	r.in.Source = rr.Text("source", true, 200)
	r.in.Note = rr.Text("note", false, 500)
	// A listing without an end date is still listed (the form's tick box).
	r.in.StillListed = r.in.EndDate == "" && IsListingKind(policy.CreditKind(r.in.Kind))
	// The form's rules, less those of cells already reported (which would
	// only repeat the problem in other words). Its field names are the
	// column keys.
	var v dtfund.ValidationErrors
	if asValidationErrors(r.in.validate(calendar.DateOf(env.a.DB.Now())), &v) {
		for _, fe := range v {
			if !reportedColumn(env.table, rr, fe.Field) {
				rr.Fail(fe.Field, "%s", fe.Message)
			}
		}
	}
	return r, r.uscc + "|" + r.in.Kind + "|" + r.in.StartDate
}

// reportedColumn reports whether the row has a problem in the column.
func reportedColumn(t *sheet.Table, rr *sheet.RowReader, key string) bool {
	col := t.SheetColumn(key)
	return col != 0 && slices.ContainsFunc(rr.Problems, func(p sheet.Problem) bool { return p.Col == col })
}

// creditKindWords are the short names officials' tables use besides the
// kinds' labels.
var creditKindWords = map[string]policy.CreditKind{
	"严重失信": policy.CreditSeriousDishonesty, "严重失信主体名单": policy.CreditSeriousDishonesty,
	"经营异常名录": policy.CreditAbnormalOperation, "经营异常": policy.CreditAbnormalOperation,
	"重大安全事故": policy.CreditSafetyAccident, "安全事故": policy.CreditSafetyAccident,
	"质量事故":   policy.CreditQualityAccident,
	"环境污染事故": policy.CreditEnvironmentAccident, "环境事故": policy.CreditEnvironmentAccident,
	"偷漏税": policy.CreditTaxViolation, "税收违法": policy.CreditTaxViolation,
}

// creditKindOf accepts a kind's Chinese label (policy.CreditKind.Label),
// a short name of it, or its code; brackets may be full- or half-width.
func creditKindOf(s string) (policy.CreditKind, bool) {
	s = sheet.Fold(s)
	for _, k := range CreditKinds {
		if s == sheet.Fold(k.Label()) || s == string(k) {
			return k, true
		}
	}
	k, ok := creditKindWords[s]
	return k, ok
}

func creditKindNames() string {
	names := make([]string, len(CreditKinds))
	for i, k := range CreditKinds {
		names[i] = "“" + k.Label() + "”"
	}
	return strings.Join(names, "、")
}

// creditKey identifies a record: organisation, kind and start date.
func creditKey(orgID int64, kind, start string) string {
	return itoa(orgID) + "|" + kind + "|" + start
}

// storedCredit indexes records by creditKey.
func storedCredit(recs []store.CreditRecord) map[string][]store.CreditRecord {
	out := make(map[string][]store.CreditRecord, len(recs))
	for _, r := range recs {
		k := creditKey(r.OrgID, r.Kind, r.StartDate)
		out[k] = append(out[k], r)
	}
	return out
}

// sameRecord finds among the stored records of a key the one the row
// repeats (the same end date); the row then changes nothing.
func sameRecord(stored []store.CreditRecord, in CreditInput) (store.CreditRecord, bool) {
	i := slices.IndexFunc(stored, func(r store.CreditRecord) bool { return r.EndDate == in.EndDate })
	if i < 0 {
		return store.CreditRecord{}, false
	}
	return stored[i], true
}

// checkCreditRows resolves the codes to organisations and compares each row
// with the records on file: a row contradicting one fails, one whose source
// or note differ is noted (the stored record stays).
func checkCreditRows(ctx context.Context, env *importEnv, rows []*parsed[*creditRow]) error {
	codes := make([]string, 0, len(rows))
	for _, p := range rows {
		codes = append(codes, p.rec.uscc)
	}
	slices.Sort(codes)
	orgs, err := env.a.DB.OrganizationsByUSCC(ctx, slices.Compact(codes))
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(orgs))
	for _, o := range orgs {
		ids = append(ids, o.ID)
	}
	recs, err := env.a.DB.CreditRecordsOf(ctx, ids)
	if err != nil {
		return err
	}
	stored := storedCredit(recs)
	for i, p := range rows {
		o, ok := orgs[p.rec.uscc]
		if !ok {
			p.Fail("uscc", "系统中没有统一社会信用代码为 %s 的单位", p.rec.uscc)
			continue
		}
		p.rec.in.OrgID = o.ID
		compareStored(p, stored[creditKey(o.ID, p.rec.in.Kind, p.rec.in.StartDate)])
		env.progress("核对", i+1, len(rows))
	}
	return nil
}

// compareStored fails or notes a row whose record is on file already.
func compareStored(p *parsed[*creditRow], stored []store.CreditRecord) {
	if len(stored) == 0 {
		return
	}
	in := p.rec.in
	r, same := sameRecord(stored, in)
	if !same {
		p.Fail("end_date", "系统中已有该单位同类型、同开始日期的记录，结束日期为%s，与本行的%s不同；已登记的信用记录不能通过导入修改",
			endLabel(stored[0].EndDate), endLabel(in.EndDate))
		return
	}
	if r.Source != in.Source {
		p.Note("source", "系统中已有该记录，来源为“%s”；保留系统中的记录", r.Source)
	}
	if r.Note != in.Note {
		p.Note("note", "系统中已有该记录，备注为“%s”；保留系统中的记录", r.Note)
	}
}

func endLabel(d string) string {
	if d == "" {
		return "空（仍在名单中或无结束日期）"
	}
	return d
}

// writeCreditRows adds the records not on file, each audited as the credit
// page audits it. A record that appeared or changed since the check fails
// the import (ECONFLICT): nothing is written and the file can be checked
// again.
func writeCreditRows(ctx context.Context, tx *store.Tx, env *importEnv, rows []*parsed[*creditRow]) (ImportCounts, error) {
	var c ImportCounts
	ids := make([]int64, 0, len(rows))
	for _, p := range rows {
		ids = append(ids, p.rec.in.OrgID)
	}
	slices.Sort(ids)
	recs, err := tx.CreditRecordsOf(ctx, slices.Compact(ids))
	if err != nil {
		return c, err
	}
	stored := storedCredit(recs)
	for i, p := range rows {
		in := p.rec.in
		key := creditKey(in.OrgID, in.Kind, in.StartDate)
		if have := stored[key]; len(have) > 0 {
			if _, same := sameRecord(have, in); !same {
				return c, dtfund.Errorf(dtfund.ECONFLICT, "第%d行：系统中该单位的信用记录在校验后有变化，请重新上传文件校验", p.Row.Num)
			}
			c.Unchanged++
			continue
		}
		r := &store.CreditRecord{OrgID: in.OrgID, Kind: in.Kind, StartDate: in.StartDate, EndDate: in.EndDate, Note: in.Note,
			Source: in.Source, CreatedBy: actorID(env.actor)}
		if err := tx.AddCreditRecord(ctx, r); err != nil {
			return c, err
		}
		if err := tx.Audit(ctx, env.actor.audit("credit.add", "organization", itoa(r.OrgID)), nil, r); err != nil {
			return c, err
		}
		stored[key] = append(stored[key], *r)
		c.Inserted++
		env.progress("写入", i+1, len(rows))
	}
	return c, nil
}
