package app

import (
	"context"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/internal/sheet"
	"dtfund/internal/store"
)

// The expert pool (专家库, 第十四条（三）): the profiles the panel draw reads,
// one row per expert account, keyed by the account's user name. Accounts
// themselves are created by the administrator (they carry passwords); the
// import fills in or updates their pool profiles.

// ExpertColumns are the columns of the expert pool import and export.
var ExpertColumns = []sheet.Column{
	{Key: "username", Title: "用户名", Aliases: []string{"账号", "登录名", "专家账号", "用户账号"}, Required: true, Kind: sheet.Text,
		Help: "专家的登录账号（由系统管理员创建，角色为评审专家）"},
	{Key: "name", Title: "姓名", Aliases: []string{"专家姓名"}, Kind: sheet.Text, Help: "可选；填写时须与账号的姓名一致，用于核对"},
	{Key: "field", Title: "专业领域", Aliases: []string{"领域", "专业", "擅长领域", "专业方向"}, Required: true, Kind: sheet.Text,
		Help: "不超过50个字；抽取评审组时按领域筛选"},
	{Key: "affiliation", Title: "工作单位", Aliases: []string{"所在单位", "单位"}, Required: true, Kind: sheet.Text, Help: "不超过100个字"},
	{Key: "org_uscc", Title: "工作单位统一社会信用代码", Aliases: []string{"单位统一社会信用代码", "单位信用代码"}, Kind: sheet.Code,
		Help: "工作单位是系统中的单位时填写：该单位的申报抽取时回避（第十四条（三））"},
	{Key: "contact", Title: "联系方式", Aliases: []string{"联系电话", "电话", "手机", "邮箱"}, Kind: sheet.Text, Help: "不超过100个字"},
	{Key: "active", Title: "在库", Aliases: []string{"是否在库", "入库", "可抽取"}, Kind: sheet.Bool, Help: "是/否；留空为是。不在库的专家不参加抽取"},
}

// expertRow is one row of the expert pool. Nil pointers are columns the
// file does not have: the stored value stays.
type expertRow struct {
	username, name, field, affiliation string
	orgUSCC, contact                   *string
	orgID                              int64
	active                             *bool
}

func init() {
	registerImport(&importKind[*expertRow]{
		ImportKindInfo: ImportKindInfo{Name: "experts", Label: "专家库", Article: "第十四条（三）",
			Note:    "按用户名更新评审专家的专家库信息（专业领域、工作单位、回避单位、联系方式、是否在库）；专家账号须先由系统管理员创建。",
			Columns: ExpertColumns, Roles: []dtfund.Role{dtfund.RoleCityMIIT}},
		keyColumn: "username", keyLabel: "用户名",
		parse: parseExpertRow, check: checkExpertRows, write: writeExpertRows,
	})
}

func parseExpertRow(_ *importEnv, rr *sheet.RowReader) (*expertRow, string) {
	r := &expertRow{username: rr.Text("username", true, 50), name: rr.Text("name", false, 50),
		field: rr.Text("field", true, 50), affiliation: rr.Text("affiliation", true, 100)}
	if rr.Has("org_uscc") {
		v := strings.ToUpper(rr.Code("org_uscc", false))
		r.orgUSCC = &v
	}
	if rr.Has("contact") {
		v := rr.Text("contact", false, 100)
		r.contact = &v
	}
	if rr.Has("active") {
		v := rr.Bool("active", true)
		r.active = &v
	}
	return r, r.username
}

// checkExpertRows checks that every user name is an expert account, the
// name (if given) is that account's, and the affiliation's code (if given)
// is an organisation of the system.
func checkExpertRows(ctx context.Context, env *importEnv, rows []*parsed[*expertRow]) error {
	experts, err := allExperts(ctx, env.a.DB)
	if err != nil {
		return err
	}
	var codes []string
	for _, p := range rows {
		if p.rec.orgUSCC != nil && *p.rec.orgUSCC != "" {
			codes = append(codes, *p.rec.orgUSCC)
		}
	}
	orgs, err := env.a.DB.OrganizationsByUSCC(ctx, codes)
	if err != nil {
		return err
	}
	for _, p := range rows {
		e, ok := experts[p.rec.username]
		switch {
		case !ok:
			p.Fail("username", "没有用户名为“%s”的评审专家账号；专家账号须先由系统管理员创建", p.rec.username)
		case p.rec.name != "" && p.rec.name != e.Name:
			p.Fail("name", "“%s”与账号 %s 的姓名“%s”不一致", p.rec.name, e.Username, e.Name)
		}
		if c := p.rec.orgUSCC; c != nil && *c != "" {
			if o, ok := orgs[*c]; ok {
				p.rec.orgID = o.ID
			} else {
				p.Fail("org_uscc", "系统中没有统一社会信用代码为 %s 的单位", *c)
			}
		}
		prof := store.ExpertProfile{Field: p.rec.field, Affiliation: p.rec.affiliation}
		if p.rec.contact != nil {
			prof.Contact = *p.rec.contact
		}
		if err := validateProfile(p.rec.username, &prof); err != nil {
			var v dtfund.ValidationErrors
			if asValidationErrors(err, &v) {
				for _, fe := range v {
					p.Fail(fe.Field, "%s", fe.Message)
				}
			}
		}
	}
	return nil
}

// allExperts reads the expert accounts by user name (a pool of hundreds).
func allExperts(ctx context.Context, db *store.DB) (map[string]*store.ExpertProfile, error) {
	out := map[string]*store.ExpertProfile{}
	for offset := 0; ; offset += 200 {
		es, total, err := db.FindExperts(ctx, store.ExpertFilter{Page: store.Page{Offset: offset, Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			out[e.Username] = e
		}
		if offset+200 >= total {
			return out, nil
		}
	}
}

// writeExpertRows saves each profile the import changes, audited as the
// pool form audits it.
func writeExpertRows(ctx context.Context, tx *store.Tx, env *importEnv, rows []*parsed[*expertRow]) (ImportCounts, error) {
	var c ImportCounts
	for i, p := range rows {
		e, err := tx.ExpertByUsername(ctx, p.rec.username)
		if err != nil {
			return c, err
		}
		before := *e
		p.rec.applyTo(e)
		switch {
		case before.HasProfile && sameProfile(&before, e):
			c.Unchanged++
			continue
		case before.HasProfile:
			c.Updated++
		default:
			c.Inserted++
		}
		if err := tx.SaveExpertProfile(ctx, e); err != nil {
			return c, err
		}
		if err := tx.Audit(ctx, env.actor.audit("expert.save", "expert", strconv.FormatInt(e.UserID, 10)), profileAudit(&before), profileAudit(e)); err != nil {
			return c, err
		}
		env.progress("写入", i+1, len(rows))
	}
	return c, nil
}

func (r *expertRow) applyTo(e *store.ExpertProfile) {
	e.Field, e.Affiliation = r.field, r.affiliation
	if r.orgUSCC != nil {
		e.OrgID = r.orgID
	}
	if r.contact != nil {
		e.Contact = *r.contact
	}
	switch {
	case r.active != nil:
		e.Active = *r.active
	case !e.HasProfile:
		e.Active = true
	}
}

func sameProfile(a, b *store.ExpertProfile) bool {
	return a.Field == b.Field && a.Affiliation == b.Affiliation && a.OrgID == b.OrgID && a.Contact == b.Contact && a.Active == b.Active
}
