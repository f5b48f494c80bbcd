package app

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
	"dtfund/uscc"
)

// Inspections (监督检查, 第十七条): “市工业和信息化局会同市财政局对专项资金的
// 使用开展监督检查，也可依照法定程序委托第三方机构进行核查。”
//
// 市工信局 or 市财政局 plans an inspection: a random sample of the awards not
// revoked (抽查) or chosen awards and organisations (专项检查). The sample is
// drawn by DrawSample from the sorted population with a recorded seed, so the
// same seed and population always give the same sample and anyone can
// re-run it. Each item is assigned to a city official or to a third-party
// inspector (委托第三方机构), who sees only the items assigned to them and
// records the finding with its evidence; a finding marked as a violation
// can be the basis of a violation decision (第二十条, sanction.go).

// InspectArticle is the article inspections carry out.
const InspectArticle = "第十七条"

// Bounds of an inspection plan.
const (
	MaxInspectionItems = 200
	inspectionTitle    = 200
)

// inspectionPlanners plan inspections and assign their items; assignees
// may be those roles or a third-party inspector.
var (
	inspectionPlanners  = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance}
	inspectionAssignees = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector}
)

// DrawSample draws n award IDs from the population with the seed: the draw
// of DrawPanel (IDs sorted, PCG-DXSM seeded with (seed, 0), Fisher–Yates,
// the first n), fully specified so that the recorded population and seed
// reproduce the sample.
func DrawSample(population []int64, n int, seed uint64) []int64 {
	return DrawPanel(population, n, seed)
}

// ItemStateLabel names an inspection item's state in Chinese.
func ItemStateLabel(s string) string {
	return map[string]string{store.ItemUnassigned: "待指派", store.ItemAssigned: "核查中", store.ItemDone: "已出具结论"}[s]
}

// InspectionInput is a plan as typed by the city bureau.
type InspectionInput struct {
	Title      string
	Basis      string  // 检查依据与范围
	Kind       string  // random | targeted
	SampleSize int     // random
	Seed       *uint64 // random; nil: a fresh seed
	AwardIDs   []int64 // targeted: chosen awards
	USCCs      []string
	// IdempotencyKey (the form's) makes a resent form return the plan it
	// made instead of drawing another.
	IdempotencyKey string
}

func (in *InspectionInput) validate() error {
	in.Title, in.Basis = strings.TrimSpace(in.Title), strings.TrimSpace(in.Basis)
	var v dtfund.ValidationErrors
	checkText(&v, "title", "检查名称", in.Title, inspectionTitle)
	if utf8.RuneCountInString(in.Basis) > supervisionTextRunes {
		v.Add("basis", "检查依据与范围不超过 %d 字", supervisionTextRunes)
	}
	switch in.Kind {
	case store.InspectRandom:
		if in.SampleSize < 1 || in.SampleSize > MaxInspectionItems {
			v.Add("sample_size", "抽查数量须为 1 至 %d", MaxInspectionItems)
		}
	case store.InspectTargeted:
		var codes []string
		for _, c := range in.USCCs {
			if c = strings.ToUpper(uscc.Normalize(c)); c != "" && !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
		}
		in.USCCs = codes
		slices.Sort(in.AwardIDs)
		in.AwardIDs = slices.Compact(in.AwardIDs)
		switch n := len(in.AwardIDs) + len(in.USCCs); {
		case n == 0:
			v.Add("targets", "请选择检查的奖补，或填写被检查单位的统一社会信用代码")
		case n > MaxInspectionItems:
			v.Add("targets", "一次检查不超过 %d 个对象", MaxInspectionItems)
		}
		for _, c := range in.USCCs {
			if err := uscc.Validate(c); err != nil {
				v.Add("usccs", "%s：%s", c, err.Error())
				break
			}
		}
	default:
		v.Add("kind", "请选择随机抽查或专项检查")
	}
	return v.Err()
}

// PlanInspection records an inspection plan and its items in one
// transaction. A random plan samples the awards not revoked.
func (a *App) PlanInspection(ctx context.Context, actor Actor, in InspectionInput) (*store.InspectionPlan, error) {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	p := &store.InspectionPlan{Title: in.Title, Basis: in.Basis, Kind: in.Kind, CreatedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.IdempotencyKey != "" {
			done, err := tx.IdempotencyResult(ctx, "inspection:"+in.IdempotencyKey, actor.User.ID)
			if err != nil || done != "" {
				p.ID, _ = strconv.ParseInt(done, 10, 64)
				return err
			}
		}
		var items []*store.InspectionItem
		var err error
		if in.Kind == store.InspectRandom {
			items, err = sampleItems(ctx, tx, p, in)
		} else {
			items, err = targetItems(ctx, tx, in)
			p.SampleSize = len(items)
		}
		if err != nil {
			return err
		}
		if err := tx.CreateInspectionPlan(ctx, p, items); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if err := tx.SaveIdempotencyResult(ctx, "inspection:"+in.IdempotencyKey, actor.User.ID, itoa(p.ID)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor.audit("inspection.plan", "inspection_plan", itoa(p.ID)), nil, map[string]any{"title": p.Title,
			"kind": p.Kind, "seed": strconv.FormatUint(p.Seed, 10), "population": len(p.Population), "items": len(items)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// sampleItems draws the sample of a random plan and records the population,
// the seed and the algorithm on the plan.
func sampleItems(ctx context.Context, tx *store.Tx, p *store.InspectionPlan, in InspectionInput) ([]*store.InspectionItem, error) {
	pop, err := tx.InspectionPopulation(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case len(pop) == 0:
		return nil, dtfund.FieldError("sample_size", "目前没有可抽查的奖补（未撤销的奖补为 0 项）")
	case in.SampleSize > len(pop):
		return nil, dtfund.FieldError("sample_size", "抽查数量（%d）不能超过总体（%d 项未撤销的奖补）", in.SampleSize, len(pop))
	}
	p.Seed = NewSeed()
	if in.Seed != nil {
		p.Seed = *in.Seed
	}
	p.Population, p.SampleSize, p.Algorithm = pop, in.SampleSize, DrawAlgorithm
	var items []*store.InspectionItem
	for _, id := range DrawSample(pop, in.SampleSize, p.Seed) {
		org, err := tx.AwardOrg(ctx, id)
		if err != nil {
			return nil, err
		}
		items = append(items, &store.InspectionItem{AwardID: id, OrgID: org})
	}
	return items, nil
}

// targetItems are the chosen awards, then the organisations named by code.
func targetItems(ctx context.Context, tx *store.Tx, in InspectionInput) ([]*store.InspectionItem, error) {
	var items []*store.InspectionItem
	for _, id := range in.AwardIDs {
		org, err := tx.AwardOrg(ctx, id)
		if err != nil {
			return nil, dtfund.FieldError("targets", "所选奖补（编号 %d）不存在", id)
		}
		items = append(items, &store.InspectionItem{AwardID: id, OrgID: org})
	}
	orgs, err := tx.OrganizationsByUSCC(ctx, in.USCCs)
	if err != nil {
		return nil, err
	}
	var unknown []string
	for _, c := range in.USCCs {
		if o, ok := orgs[c]; ok {
			items = append(items, &store.InspectionItem{OrgID: o.ID})
		} else {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		return nil, dtfund.FieldError("usccs", "系统中没有以下统一社会信用代码的单位：%s", strings.Join(unknown, "、"))
	}
	return items, nil
}

// SampleReproduced reports whether re-running the plan's draw from its
// recorded population and seed gives its items, in order.
func SampleReproduced(p *store.InspectionPlan, items []*store.InspectionItem) bool {
	if p.Kind != store.InspectRandom {
		return false
	}
	got := make([]int64, 0, len(items))
	for _, it := range items {
		got = append(got, it.AwardID)
	}
	return slices.Equal(DrawSample(p.Population, p.SampleSize, p.Seed), got)
}

// InspectionPlans lists the plans for the city bureaus.
func (a *App) InspectionPlans(ctx context.Context, actor Actor, page store.Page) ([]*store.InspectionPlan, int, error) {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindInspectionPlans(ctx, page)
}

// InspectionPlan returns a plan and one page of its items for the city bureaus.
func (a *App) InspectionPlan(ctx context.Context, actor Actor, id int64, page store.Page) (*store.InspectionPlan, []*store.InspectionItem, int, error) {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return nil, nil, 0, err
	}
	p, err := a.DB.InspectionPlan(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	items, total, err := a.DB.FindInspectionItems(ctx, store.InspectionFilter{PlanID: id, Page: page})
	return p, items, total, err
}

// PlanSampleReproduced re-runs a random plan's draw over all its items.
func (a *App) PlanSampleReproduced(ctx context.Context, actor Actor, p *store.InspectionPlan) (bool, error) {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return false, err
	}
	items, _, err := a.DB.FindInspectionItems(ctx, store.InspectionFilter{PlanID: p.ID, Page: store.Page{Limit: MaxInspectionItems}})
	if err != nil {
		return false, err
	}
	return SampleReproduced(p, items), nil
}

// Assignees lists the users an item may be assigned to: city officials and
// third-party inspectors, enabled.
func (a *App) Assignees(ctx context.Context, actor Actor) ([]*dtfund.User, error) {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return nil, err
	}
	var out []*dtfund.User
	for _, r := range []dtfund.Role{dtfund.RoleInspector, dtfund.RoleCityMIIT, dtfund.RoleCityFinance} {
		us, _, err := a.DB.FindUsers(ctx, store.UserFilter{Role: r, Page: store.Page{Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if !u.Disabled {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// AssignInspection assigns an item not yet concluded to a city official or
// a third-party inspector (委托第三方机构进行核查), who is notified.
func (a *App) AssignInspection(ctx context.Context, actor Actor, itemID, assigneeID int64) error {
	if err := requireRole(actor, inspectionPlanners...); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.InspectionItem(ctx, itemID)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, assigneeID)
		if err != nil || u.Disabled || !slices.Contains(inspectionAssignees, u.Role) {
			return dtfund.FieldError("assignee", "请选择市工信局、市财政局工作人员或第三方核查机构的账号")
		}
		if err := tx.AssignItem(ctx, itemID, u.ID); err != nil {
			return err
		}
		if err := tx.Notify(ctx, store.Notification{UserID: u.ID, Subject: "核查任务（第十七条）：" + it.PlanTitle,
			Body: "请核查 " + it.OrgName + itemAward(it) + "，并出具核查结论。"}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("inspection.assign", "inspection_item", itoa(itemID)),
			map[string]any{"assignee": it.AssigneeID}, map[string]any{"assignee": u.ID, "username": u.Username})
	})
}

func itemAward(it *store.InspectionItem) string {
	if it.AppNumber == "" {
		return ""
	}
	return "（" + it.AppNumber + " " + it.ProjectTitle + "）"
}

// FindingInput is an inspection finding (核查结论).
type FindingInput struct {
	ItemID    int64
	Finding   string
	Violation bool // 发现违规
	FoundOn   string
	File      *PublicityFile
}

// RecordFinding records the finding of an item by its assignee; a third-party
// inspector who is not the assignee does not see the item (not found).
func (a *App) RecordFinding(ctx context.Context, actor Actor, in FindingInput) (*store.InspectionItem, error) {
	if err := requireRole(actor, inspectionAssignees...); err != nil {
		return nil, err
	}
	in.Finding, in.FoundOn = strings.TrimSpace(in.Finding), strings.TrimSpace(in.FoundOn)
	var v dtfund.ValidationErrors
	checkText(&v, "finding", "核查结论", in.Finding, supervisionTextRunes)
	checkCivilDate(&v, "found_on", "核查日期", in.FoundOn, a.today())
	checkEvidence(&v, in.File)
	if err := v.Err(); err != nil {
		return nil, err
	}
	fc, err := a.storePublicityFile(in.File)
	if err != nil {
		return nil, err
	}
	var it *store.InspectionItem
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if it, err = tx.InspectionItem(ctx, in.ItemID); err != nil {
			return err
		}
		if err := assigneeOnly(actor, it); err != nil {
			return err
		}
		if it.State == store.ItemDone {
			return dtfund.Errorf(dtfund.ECONFLICT, "该核查事项已出具结论")
		}
		it.Finding, it.Violation, it.FoundOn, it.RecordedBy = in.Finding, in.Violation, in.FoundOn, actor.User.ID
		if fc != nil {
			if err := tx.SaveFileContent(ctx, fc); err != nil {
				return err
			}
			it.EvidenceSHA256, it.EvidenceName = fc.SHA256, in.File.Name
		}
		if err := tx.RecordFinding(ctx, it); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("inspection.finding", "inspection_item", itoa(it.ID)), nil,
			map[string]any{"finding": it.Finding, "violation": it.Violation, "found_on": it.FoundOn, "evidence": it.EvidenceSHA256})
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// assigneeOnly lets only the assignee record a finding: an inspector who is
// not the assignee does not see the item; a city official is told who is.
func assigneeOnly(actor Actor, it *store.InspectionItem) error {
	if it.AssigneeID == actor.User.ID {
		return nil
	}
	if actor.User.Role == dtfund.RoleInspector {
		return dtfund.Errorf(dtfund.ENOTFOUND, "核查事项不存在")
	}
	if it.AssigneeID == 0 {
		return dtfund.Errorf(dtfund.ECONFLICT, "该核查事项尚未指派，请先指派核查人员")
	}
	return dtfund.Errorf(dtfund.EFORBIDDEN, "该核查事项已指派给 %s，由其出具核查结论", it.AssigneeName)
}

// InspectionTasks lists the items assigned to the actor (核查任务).
func (a *App) InspectionTasks(ctx context.Context, actor Actor, openOnly bool, page store.Page) ([]*store.InspectionItem, int, error) {
	if err := requireRole(actor, inspectionAssignees...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindInspectionItems(ctx, store.InspectionFilter{AssigneeID: actor.User.ID, OpenOnly: openOnly, Page: page})
}

// InspectionItem returns an item: any for the city bureaus, only an item
// assigned to them for a third-party inspector (else not found).
func (a *App) InspectionItem(ctx context.Context, actor Actor, id int64) (*store.InspectionItem, error) {
	if err := requireRole(actor, inspectionAssignees...); err != nil {
		return nil, err
	}
	it, err := a.DB.InspectionItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.User.Role == dtfund.RoleInspector && it.AssigneeID != actor.User.ID {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "核查事项不存在")
	}
	return it, nil
}

// OpenFindingEvidence opens an item's evidence for those who may see the
// item; the caller closes it.
func (a *App) OpenFindingEvidence(ctx context.Context, actor Actor, id int64) (string, *store.FileContent, *os.File, error) {
	it, err := a.InspectionItem(ctx, actor, id)
	if err != nil {
		return "", nil, nil, err
	}
	fc, f, err := a.openPublicityFile(ctx, it.EvidenceSHA256)
	return it.EvidenceName, fc, f, err
}

// OpenInspectionTasks counts the actor's items not yet concluded (待办).
func (a *App) OpenInspectionTasks(ctx context.Context, actor Actor) (int, error) {
	if err := requireRole(actor, inspectionAssignees...); err != nil {
		return 0, err
	}
	return a.DB.CountOpenTasks(ctx, actor.User.ID)
}
