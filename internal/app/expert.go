package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	randv2 "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// Expert review (专家评审, 第十四条（三）): the expert pool, panels drawn at
// random with conflicts excluded, scoring, the panel's result and the
// 评审意见书.

// Panel sizes and the minimum number of experts behind a result.
const (
	MinPanelSize = 3
	MaxPanelSize = 7
	MinScorers   = 3
)

// DrawAlgorithm names the draw DrawPanel implements; it is stored with each
// panel so that a later change of algorithm cannot silently alter how an
// old panel is re-run.
const DrawAlgorithm = "pcg-dxsm-fisher-yates-v1"

// DrawPanel draws size experts from the candidates (user IDs, conflicted
// experts already removed). It is pure and fully specified, so anyone can
// re-run a panel's draw from its recorded candidates and seed:
//
//  1. sort the candidate IDs ascending (duplicates dropped);
//  2. seed Go's math/rand/v2 PCG (PCG-DXSM) with (seed, 0);
//  3. Fisher–Yates from the last position down: for i = n−1 … 1 take
//     j = drawUniform(i+1) and swap positions i and j, where drawUniform(m) draws
//     Uint64 values, rejects those below 2^64 mod m, and returns value mod m;
//  4. the panel is the first size IDs.
//
// Only the PCG's raw Uint64 output is used, never rand.Rand's helpers, whose
// implementation Go does not promise to keep.
func DrawPanel(candidates []int64, size int, seed uint64) []int64 {
	ids := slices.Clone(candidates)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	src := randv2.NewPCG(seed, 0)
	for i := len(ids) - 1; i > 0; i-- {
		j := drawUniform(src, uint64(i+1))
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids[:min(max(size, 0), len(ids))]
}

// drawUniform returns an unbiased value in [0, m) by rejection sampling.
func drawUniform(src *randv2.PCG, m uint64) uint64 {
	threshold := -m % m // 2^64 mod m
	for {
		if v := src.Uint64(); v >= threshold {
			return v % m
		}
	}
}

// NewSeed returns a seed from the operating system's random source.
func NewSeed() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}

// FindExperts lists the users with role expert and their profiles.
func (a *App) FindExperts(ctx context.Context, actor Actor, f store.ExpertFilter) ([]*store.ExpertProfile, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	es, total, err := a.DB.FindExperts(ctx, f)
	for _, e := range es {
		e.Contact = MaskContact(e.Contact)
	}
	return es, total, err
}

// ExpertProfile returns an expert's pool profile with the contact in full,
// for editing it; the view is audited (敏感信息查看留痕).
func (a *App) ExpertProfile(ctx context.Context, actor Actor, userID int64) (*store.ExpertProfile, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	es, _, err := a.DB.FindExperts(ctx, store.ExpertFilter{UserID: userID, Page: store.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "评审专家不存在")
	}
	if es[0].Contact != "" {
		if err := a.auditView(ctx, actor, "expert", itoa(userID), "contact"); err != nil {
			return nil, err
		}
	}
	return es[0], nil
}

// SaveExpertProfile creates or updates the pool profile of the expert
// account named username.
func (a *App) SaveExpertProfile(ctx context.Context, actor Actor, username string, p store.ExpertProfile) error {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return err
	}
	username = strings.TrimSpace(username)
	if err := validateProfile(username, &p); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.ExpertByUsername(ctx, username)
		if err != nil {
			return err
		}
		before := *e
		e.Field, e.Affiliation, e.OrgID, e.Contact, e.Active = p.Field, p.Affiliation, p.OrgID, p.Contact, p.Active
		if err := tx.SaveExpertProfile(ctx, e); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("expert.save", "expert", strconv.FormatInt(e.UserID, 10)), profileAudit(&before), profileAudit(e))
	})
}

func validateProfile(username string, p *store.ExpertProfile) error {
	p.Field, p.Affiliation, p.Contact = strings.TrimSpace(p.Field), strings.TrimSpace(p.Affiliation), strings.TrimSpace(p.Contact)
	var v dtfund.ValidationErrors
	if username == "" {
		v.Add("username", "请填写专家的用户名")
	}
	if p.Field == "" || utf8.RuneCountInString(p.Field) > 50 {
		v.Add("field", "请填写专业领域，不超过50个字")
	}
	if p.Affiliation == "" || utf8.RuneCountInString(p.Affiliation) > 100 {
		v.Add("affiliation", "请填写工作单位，不超过100个字")
	}
	if utf8.RuneCountInString(p.Contact) > 100 {
		v.Add("contact", "联系方式不超过100个字")
	}
	return v.Err()
}

func profileAudit(e *store.ExpertProfile) map[string]any {
	if !e.HasProfile {
		return nil
	}
	return map[string]any{"field": e.Field, "affiliation": e.Affiliation, "org_id": e.OrgID, "contact": e.Contact, "active": e.Active}
}

// PanelRequest asks for a panel for applications of one call.
type PanelRequest struct {
	CallID int64
	AppIDs []int64 // empty: every recommended application of the call
	Size   int
	Field  string  // only experts whose field contains this
	Seed   *uint64 // nil: a fresh random seed
}

func (r *PanelRequest) validate() error {
	var v dtfund.ValidationErrors
	if r.CallID == 0 {
		v.Add("call", "请选择申报批次")
	}
	if r.Size < MinPanelSize || r.Size > MaxPanelSize {
		v.Add("size", "评审组人数须为%d至%d人", MinPanelSize, MaxPanelSize)
	}
	r.Field = strings.TrimSpace(r.Field)
	if utf8.RuneCountInString(r.Field) > 50 {
		v.Add("field", "专业领域不超过50个字")
	}
	return v.Err()
}

// CreatePanel draws a panel and moves its applications to expert review,
// all in one transaction: candidates are the experts in the pool (in the
// field, if given) less those with a conflict on any of the applications;
// DrawPanel picks the members with the recorded seed.
func (a *App) CreatePanel(ctx context.Context, actor Actor, req PanelRequest) (*store.Panel, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	seed := NewSeed()
	if req.Seed != nil {
		seed = *req.Seed
	}
	p := &store.Panel{CallID: req.CallID, Size: req.Size, Field: req.Field, Seed: seed, Algorithm: DrawAlgorithm, CreatedBy: actor.User.ID}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		apps, err := panelApplications(ctx, tx, req)
		if err != nil {
			return err
		}
		if err := drawMembers(ctx, tx, p, apps); err != nil {
			return err
		}
		if err := tx.CreatePanel(ctx, p); err != nil {
			return err
		}
		reason := fmt.Sprintf("随机抽取评审组（编号%d，专家%d人，种子%d）", p.ID, p.Size, p.Seed)
		for _, app := range apps {
			if _, err := a.ActTx(ctx, tx, actor, Step{AppID: app.ID, Action: dtfund.ActStartReview, Reason: reason}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor.audit("panel.create", "panel", strconv.FormatInt(p.ID, 10)), nil,
			map[string]any{"call_id": p.CallID, "seed": strconv.FormatUint(p.Seed, 10), "members": len(p.Members), "apps": len(apps)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// panelApplications loads the requested applications (by default all
// recommended ones of the call) and checks each belongs to the call and
// waits for expert review.
func panelApplications(ctx context.Context, tx *store.Tx, req PanelRequest) ([]*dtfund.Application, error) {
	if _, err := tx.Call(ctx, req.CallID); err != nil {
		if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
			return nil, dtfund.FieldError("call", "申报批次不存在")
		}
		return nil, err
	}
	ids := req.AppIDs
	if len(ids) == 0 {
		var err error
		if ids, err = tx.RecommendedAppIDs(ctx, req.CallID); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, dtfund.FieldError("apps", "该批次没有县区已推荐、待专家评审的申报")
	}
	var apps []*dtfund.Application
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		app, err := tx.Application(ctx, id)
		if err != nil {
			return nil, dtfund.FieldError("apps", "申报（ID %d）不存在", id)
		}
		if app.CallID != req.CallID || app.State != dtfund.StateRecommended {
			return nil, dtfund.FieldError("apps", "申报 %s 不是本批次县区已推荐、待专家评审的申报（当前状态：%s）", app.Number, app.State.Label())
		}
		apps = append(apps, app)
	}
	return apps, nil
}

// drawMembers finds the candidates, records the exclusions and draws.
func drawMembers(ctx context.Context, tx *store.Tx, p *store.Panel, apps []*dtfund.Application) error {
	cands, err := tx.DrawCandidates(ctx, p.Field)
	if err != nil {
		return err
	}
	if p.Exclusions, err = panelConflicts(ctx, tx, cands, apps); err != nil {
		return err
	}
	excluded := map[int64]bool{}
	for _, e := range p.Exclusions {
		excluded[e.ExpertID] = true
	}
	for _, c := range cands {
		if !excluded[c.UserID] {
			p.Candidates = append(p.Candidates, c.UserID)
		}
	}
	if len(p.Candidates) < p.Size {
		return dtfund.FieldError("size", "可抽取的专家（在库、未停用%s、无利益冲突）只有%d人，少于评审组人数%d人",
			fieldNote(p.Field), len(p.Candidates), p.Size)
	}
	for i, id := range DrawPanel(p.Candidates, p.Size, p.Seed) {
		p.Members = append(p.Members, store.PanelMember{ExpertID: id, DrawOrder: i + 1})
	}
	for _, app := range apps {
		p.Apps = append(p.Apps, store.PanelApp{ApplicationID: app.ID})
	}
	return nil
}

func fieldNote(field string) string {
	if field == "" {
		return ""
	}
	return "、专业领域含“" + field + "”"
}

// panelConflicts lists, for every candidate and application, why the expert may
// not review it: the expert works for the applicant or one of its service
// providers, or declared a conflict with the applicant earlier. One
// conflict keeps the expert off the whole panel.
func panelConflicts(ctx context.Context, tx *store.Tx, cands []*store.ExpertProfile, apps []*dtfund.Application) ([]store.PanelExclusion, error) {
	ids := make([]int64, len(apps))
	for i, app := range apps {
		ids[i] = app.ID
	}
	declared, err := tx.DeclaredConflicts(ctx, ids)
	if err != nil {
		return nil, err
	}
	isCand := map[int64]bool{}
	var out []store.PanelExclusion
	seen := map[[2]int64]bool{}
	add := func(expert, app int64, reason string) {
		if isCand[expert] && !seen[[2]int64{expert, app}] {
			seen[[2]int64{expert, app}] = true
			out = append(out, store.PanelExclusion{ExpertID: expert, ApplicationID: app, Reason: reason})
		}
	}
	for _, c := range cands {
		isCand[c.UserID] = true
		for _, app := range apps {
			switch {
			case c.OrgID != 0 && c.OrgID == app.OrgID:
				add(c.UserID, app.ID, "专家所在单位即申报单位（"+app.OrgName+"）")
			case c.OrgID != 0 && slices.Contains(app.ProviderIDs, c.OrgID):
				add(c.UserID, app.ID, "专家所在单位（"+c.OrgName+"）是该申报的服务商")
			}
		}
	}
	for _, d := range declared {
		add(d.ExpertID, d.ApplicationID, "专家曾声明与该申报单位存在利益冲突（申报 "+d.DeclaredOn+"："+d.Reason+"）")
	}
	return out, nil
}

// FindPanels lists panels for city_miit.
func (a *App) FindPanels(ctx context.Context, actor Actor, f store.PanelFilter) ([]*store.Panel, int, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, 0, err
	}
	return a.DB.FindPanels(ctx, f)
}

// Panel returns a panel with members, applications and exclusions.
func (a *App) Panel(ctx context.Context, actor Actor, id int64) (*store.Panel, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	return a.DB.Panel(ctx, id)
}

// ExpertAssignments lists the expert's own assignments.
func (a *App) ExpertAssignments(ctx context.Context, actor Actor, page store.Page) ([]*store.Assignment, int, error) {
	if err := requireRole(actor, dtfund.RoleExpert); err != nil {
		return nil, 0, err
	}
	return a.DB.ExpertAssignments(ctx, actor.User.ID, page)
}

// ExpertTask is what an expert needs to review one application.
type ExpertTask struct {
	PanelApp    *store.PanelApp
	App         *dtfund.Application
	Call        *dtfund.Call
	Declaration *store.Declaration // nil until the expert makes one
	Sheet       *store.ScoreSheet  // nil until the expert scores
}

// Confirmed reports whether the expert confirmed having no conflict.
func (t *ExpertTask) Confirmed() bool { return t.Declaration != nil && !t.Declaration.Conflict }

// NeedsInvestment reports whether the expert approves investment per
// spending item (第七条（一）).
func (t *ExpertTask) NeedsInvestment() bool { return t.Call.Category == "7.1" }

// ExpertTask returns the expert's task on an application of a panel. An
// expert not drawn for the panel, or who declared a conflict on the
// application, gets ENOTFOUND, as for any application outside their scope.
func (a *App) ExpertTask(ctx context.Context, actor Actor, panelID, appID int64) (*ExpertTask, error) {
	if err := requireRole(actor, dtfund.RoleExpert); err != nil {
		return nil, err
	}
	app, err := a.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	t := &ExpertTask{App: app}
	if t.PanelApp, err = a.DB.PanelApp(ctx, panelID, appID); err != nil {
		return nil, err
	}
	if ok, err := a.DB.IsPanelMember(ctx, panelID, actor.User.ID); err != nil || !ok {
		return nil, reviewNotFound(err, "该申报不在您的评审任务中")
	}
	if t.Call, err = a.DB.Call(ctx, app.CallID); err != nil {
		return nil, err
	}
	if t.Declaration, err = a.DB.Declaration(ctx, panelID, appID, actor.User.ID); err != nil {
		return nil, err
	}
	t.Sheet, err = a.DB.ScoreSheet(ctx, panelID, appID, actor.User.ID)
	return t, err
}

func reviewNotFound(err error, msg string) error {
	if err != nil {
		return err
	}
	return dtfund.Errorf(dtfund.ENOTFOUND, "%s", msg)
}

// DeclareConflict records the expert's statement before scoring: no
// conflict (确认无利益冲突), or a conflict with its reason, which removes the
// expert from the application (and drops any scores they gave it).
func (a *App) DeclareConflict(ctx context.Context, actor Actor, panelID, appID int64, conflict bool, reason string) error {
	reason = strings.TrimSpace(reason)
	if conflict && reason == "" {
		return dtfund.FieldError("reason", "请说明利益冲突的情形")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return dtfund.FieldError("reason", "说明不超过500个字")
	}
	if _, err := a.ExpertTask(ctx, actor, panelID, appID); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockPanelApp(ctx, panelID, appID); err != nil {
			return err
		}
		d := &store.Declaration{PanelID: panelID, ApplicationID: appID, ExpertID: actor.User.ID, Conflict: conflict, Reason: reason}
		if err := tx.Declare(ctx, d); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("expert.declare", "application", strconv.FormatInt(appID, 10)), nil,
			map[string]any{"panel_id": panelID, "conflict": d.Conflict, "reason": d.Reason})
	})
}

// ScoreInput is an expert's scoring form, already parsed.
type ScoreInput struct {
	Scores   []int    // one per rubric criterion, in order; -1 when left empty
	Comments []string // one per criterion
	Approved map[int]int64
	Comment  string
}

// SaveScores writes or revises the expert's scores until the panel's result
// for the application is final.
func (a *App) SaveScores(ctx context.Context, actor Actor, panelID, appID int64, in ScoreInput) error {
	t, err := a.ExpertTask(ctx, actor, panelID, appID)
	if err != nil {
		return err
	}
	if !t.Confirmed() {
		return dtfund.Errorf(dtfund.ECONFLICT, "请先确认与该申报不存在利益冲突，再进行评分")
	}
	if t.App.State != dtfund.StateExpertReview {
		return dtfund.Errorf(dtfund.ECONFLICT, "申报处于“%s”状态，不能评分", t.App.State.Label())
	}
	sheet, err := buildSheet(t, in)
	if err != nil {
		return err
	}
	sheet.PanelID, sheet.ApplicationID, sheet.ExpertID = panelID, appID, actor.User.ID
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockPanelApp(ctx, panelID, appID); err != nil {
			return err
		}
		if err := tx.SaveScoreSheet(ctx, sheet); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("expert.score", "application", strconv.FormatInt(appID, 10)), nil,
			map[string]any{"panel_id": panelID, "total_hundredths": sheet.TotalHundredths, "items": sheet.Items, "investments": sheet.Investments})
	})
}

// ValidateScores checks a scoring form against the rubric and the spending
// without saving, so that a form with unreadable fields can show every
// problem at once.
func ValidateScores(t *ExpertTask, in ScoreInput) error {
	_, err := buildSheet(t, in)
	return err
}

// buildSheet checks the input against the call's rubric and the
// application's spending and computes the weighted total.
func buildSheet(t *ExpertTask, in ScoreInput) (*store.ScoreSheet, error) {
	var v dtfund.ValidationErrors
	s := &store.ScoreSheet{Comment: strings.TrimSpace(in.Comment)}
	for i, c := range t.Call.Rubric.Criteria {
		score, comment := -1, ""
		if i < len(in.Scores) {
			score = in.Scores[i]
		}
		if i < len(in.Comments) {
			comment = strings.TrimSpace(in.Comments[i])
		}
		if score < 0 || score > 100 {
			v.Add("score."+strconv.Itoa(i), "请为“%s”打分，须为0至100的整数", c.Name)
		}
		s.Items = append(s.Items, store.ScoreItem{Seq: i + 1, Criterion: c.Name, Weight: c.Weight, Score: score, Comment: comment})
	}
	if len(s.Items) == 0 {
		v.Add("", "该批次没有设置评分标准，无法评分")
	}
	if t.NeedsInvestment() {
		s.Investments = checkInvestments(&v, t.App.Spending, in.Approved)
	}
	if utf8.RuneCountInString(s.Comment) > reviewTextRunes {
		v.Add("comment", "评审意见不超过%d个字", reviewTextRunes)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	s.TotalHundredths = WeightedTotal(s.Items)
	return s, nil
}

func checkInvestments(v *dtfund.ValidationErrors, spending []dtfund.Spending, approved map[int]int64) []store.Investment {
	var out []store.Investment
	for _, sp := range spending {
		field := "invest." + strconv.Itoa(sp.Seq)
		fen, ok := approved[sp.Seq]
		switch {
		case !ok:
			v.Add(field, "请填写第%d项支出的核定投入（元）", sp.Seq)
		case fen > sp.AmountFen:
			v.Add(field, "第%d项支出的核定投入不能超过申报金额", sp.Seq)
		default:
			out = append(out, store.Investment{SpendingSeq: sp.Seq, ApprovedFen: fen})
		}
	}
	return out
}

// WeightedTotal is an expert's weighted total in hundredths of a point:
// Σ score×weight×100 / Σ weight, rounded half up. With weights in percent
// summing to 100 (ValidateCall) it is exactly Σ score×weight, no rounding.
func WeightedTotal(items []store.ScoreItem) int64 {
	var num, den int64
	for _, it := range items {
		num += int64(it.Score) * int64(it.Weight) * 100
		den += int64(it.Weight)
	}
	if den == 0 {
		return 0
	}
	return roundHalfUp(num, den)
}

// roundHalfUp divides non-negative integers, rounding halves up.
func roundHalfUp(num, den int64) int64 { return (2*num + den) / (2 * den) }

// MeanHundredths is the panel's result: the mean of the experts' weighted
// totals (each in hundredths), rounded half up to a hundredth of a point.
// The rounded mean is what is compared with the pass mark, so a result
// shown as 60.00 never fails a pass mark of 60.
func MeanHundredths(totals []int64) int64 {
	if len(totals) == 0 {
		return 0
	}
	var sum int64
	for _, t := range totals {
		sum += t
	}
	return roundHalfUp(sum, int64(len(totals)))
}

// MedianFen is the approved investment of one spending item: the median of the
// experts' values, so that one expert far off either way does not move it;
// with an even number of values, the mean of the middle two rounded half up
// to the fen.
func MedianFen(vs []int64) int64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return roundHalfUp(s[n/2-1]+s[n/2], 2)
}

// Outcome is a panel's result for one application, computed from the score
// sheets of the members who did not declare a conflict.
type Outcome struct {
	Scorers          int
	ResultHundredths int64
	PassMark         int
	Passed           bool
	Approved         map[int]int64 // spending seq → approved fen (第七条（一）)
	ApprovedTotal    int64
}

// Result shows the result, e.g. "79.50".
func (o *Outcome) Result() string { return store.FormatHundredths(o.ResultHundredths) }

// Action is the transition the result leads to.
func (o *Outcome) Action() dtfund.AppAction {
	if o.Passed {
		return dtfund.ActPassReview
	}
	return dtfund.ActFailReview
}

// Reason is the result as written on the application's timeline.
func (o *Outcome) Reason() string {
	verdict := "评审未通过"
	if o.Passed {
		verdict = "评审通过"
	}
	s := fmt.Sprintf("专家评审得分%s分（%d位专家加权总分的平均值），合格分数线%d分，%s", o.Result(), o.Scorers, o.PassMark, verdict)
	if o.Approved != nil {
		s += fmt.Sprintf("；核定投入合计%s元", reviewYuan(o.ApprovedTotal))
	}
	return s
}

// reviewYuan writes fen as 元 with thousands separators, e.g. 1,300.00.
func reviewYuan(fen int64) string {
	whole := strconv.FormatInt(fen/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s.%02d", whole, fen%100)
}

// outcomeFacts are what a result is computed from.
type outcomeFacts struct {
	call    *dtfund.Call
	app     *dtfund.Application
	members []store.PanelMember
	decls   []store.Declaration
	sheets  []*store.ScoreSheet
}

// computeOutcome refuses while a member without a conflict has not scored,
// or when fewer than MinScorers experts scored.
func computeOutcome(f outcomeFacts) (*Outcome, error) {
	conflicted := map[int64]bool{}
	for _, d := range f.decls {
		conflicted[d.ExpertID] = d.Conflict
	}
	byExpert := map[int64]*store.ScoreSheet{}
	for _, s := range f.sheets {
		byExpert[s.ExpertID] = s
	}
	var missing []string
	var sheets []*store.ScoreSheet
	for _, m := range f.members {
		switch s := byExpert[m.ExpertID]; {
		case conflicted[m.ExpertID]:
		case s == nil:
			missing = append(missing, m.Name)
		default:
			sheets = append(sheets, s)
		}
	}
	if len(missing) > 0 {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "尚有%d位专家未完成评分（%s），不能定稿", len(missing), strings.Join(missing, "、"))
	}
	if len(sheets) < MinScorers {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "完成评分的专家只有%d人，少于%d人，不能形成评审结果", len(sheets), MinScorers)
	}
	o := &Outcome{Scorers: len(sheets), PassMark: f.call.Rubric.PassMark}
	totals := make([]int64, len(sheets))
	for i, s := range sheets {
		totals[i] = s.TotalHundredths
	}
	o.ResultHundredths = MeanHundredths(totals)
	o.Passed = o.ResultHundredths >= int64(o.PassMark)*100
	if f.call.Category == "7.1" {
		o.Approved, o.ApprovedTotal = approvedInvestment(f.app.Spending, sheets)
	}
	return o, nil
}

// approvedInvestment is the median of the experts' values per spending item.
func approvedInvestment(spending []dtfund.Spending, sheets []*store.ScoreSheet) (map[int]int64, int64) {
	values := map[int][]int64{}
	for _, s := range sheets {
		for _, inv := range s.Investments {
			values[inv.SpendingSeq] = append(values[inv.SpendingSeq], inv.ApprovedFen)
		}
	}
	out := map[int]int64{}
	var total int64
	for _, sp := range spending {
		if vs := values[sp.Seq]; len(vs) > 0 {
			out[sp.Seq] = MedianFen(vs)
			total += out[sp.Seq]
		}
	}
	return out, total
}

// Finalise forms the panel's result for one application and takes it
// through Act (评审通过 or 评审未通过, the result as the reason). The result
// is computed once to choose the action and again inside the transaction,
// after locking the panel place against further scoring; if the two differ
// (an expert revised meanwhile) nothing is written.
func (a *App) Finalise(ctx context.Context, actor Actor, panelID, appID int64, idempotencyKey string) (*Outcome, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	app, err := a.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	out, err := a.outcome(ctx, panelID, app)
	if err != nil {
		return nil, err
	}
	_, err = a.Act(ctx, actor, Step{AppID: appID, Action: out.Action(), Reason: out.Reason(), IdempotencyKey: idempotencyKey,
		Before: func(ctx context.Context, tx *store.Tx, app *dtfund.Application, _ dtfund.AppState) error {
			return finaliseTx(ctx, tx, actor, panelID, app, out)
		}})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// outcome computes the current result from committed data.
func (a *App) outcome(ctx context.Context, panelID int64, app *dtfund.Application) (*Outcome, error) {
	f := outcomeFacts{app: app}
	panel, err := a.DB.Panel(ctx, panelID)
	if err != nil {
		return nil, err
	}
	if _, err := a.DB.PanelApp(ctx, panelID, app.ID); err != nil {
		return nil, err
	}
	f.members = panel.Members
	if f.call, err = a.DB.Call(ctx, app.CallID); err != nil {
		return nil, err
	}
	if f.decls, err = a.DB.Declarations(ctx, panelID, app.ID); err != nil {
		return nil, err
	}
	if f.sheets, err = a.DB.ScoreSheets(ctx, panelID, app.ID); err != nil {
		return nil, err
	}
	return computeOutcome(f)
}

func finaliseTx(ctx context.Context, tx *store.Tx, actor Actor, panelID int64, app *dtfund.Application, want *Outcome) error {
	if err := tx.LockPanelApp(ctx, panelID, app.ID); err != nil {
		return err
	}
	f := outcomeFacts{app: app}
	var err error
	if f.call, err = tx.Call(ctx, app.CallID); err != nil {
		return err
	}
	if f.members, err = tx.PanelMembers(ctx, panelID); err != nil {
		return err
	}
	if f.decls, err = tx.Declarations(ctx, panelID, app.ID); err != nil {
		return err
	}
	if f.sheets, err = tx.ScoreSheets(ctx, panelID, app.ID); err != nil {
		return err
	}
	got, err := computeOutcome(f)
	if err != nil {
		return err
	}
	if got.Reason() != want.Reason() {
		return dtfund.Errorf(dtfund.ECONFLICT, "定稿期间专家评分发生了变化，请刷新页面后重试")
	}
	if err := tx.FinalisePanelApp(ctx, store.PanelResult{PanelID: panelID, ApplicationID: app.ID, ResultHundredths: got.ResultHundredths,
		PassMark: got.PassMark, Passed: got.Passed, Scorers: got.Scorers, FinalisedBy: actor.User.ID}); err != nil {
		return err
	}
	for seq, fen := range got.Approved {
		if err := tx.SetApprovedFen(ctx, app.ID, seq, fen); err != nil {
			return err
		}
	}
	return nil
}

// Opinion is the 评审意见书 of an application: the panel, every scoring
// expert's scores per criterion and comments, the result and, for
// 第七条（一）, the approved investment per spending item.
type Opinion struct {
	App        *dtfund.Application
	Call       *dtfund.Call
	Panel      *store.Panel
	PanelApp   *store.PanelApp
	Sheets     []*store.ScoreSheet
	Rows       []OpinionRow
	Conflicts  []store.Declaration
	Outcome    *Outcome // the stored result once final, else a preview
	Pending    string   // why there is no result yet
	Items      []OpinionItem
	Investment bool
}

// OpinionRow is one criterion with each expert's score, in Sheets order.
type OpinionRow struct {
	Criterion string
	Weight    int
	Scores    []int
}

// OpinionItem is a spending item with each expert's approved value and the
// panel's (the median).
type OpinionItem struct {
	Spending    dtfund.Spending
	PerExpert   []int64
	ApprovedFen int64
	Approved    bool
}

// Opinion returns the 评审意见书 of an application the actor may see.
func (a *App) Opinion(ctx context.Context, actor Actor, appID int64) (*Opinion, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector); err != nil {
		return nil, err
	}
	app, err := a.Application(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	o := &Opinion{App: app}
	if o.PanelApp, err = a.DB.PanelAppOf(ctx, appID); err != nil {
		return nil, dtfund.Errorf(dtfund.ENOTFOUND, "该申报尚未组织专家评审")
	}
	if o.Panel, err = a.DB.Panel(ctx, o.PanelApp.PanelID); err != nil {
		return nil, err
	}
	if o.Call, err = a.DB.Call(ctx, app.CallID); err != nil {
		return nil, err
	}
	if err := a.fillOpinion(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

func (a *App) fillOpinion(ctx context.Context, o *Opinion) error {
	decls, err := a.DB.Declarations(ctx, o.Panel.ID, o.App.ID)
	if err != nil {
		return err
	}
	for _, d := range decls {
		if d.Conflict {
			o.Conflicts = append(o.Conflicts, d)
		}
	}
	if o.Sheets, err = a.DB.ScoreSheets(ctx, o.Panel.ID, o.App.ID); err != nil {
		return err
	}
	o.Rows = opinionRows(o.Call, o.Sheets)
	o.Outcome, err = computeOutcome(outcomeFacts{call: o.Call, app: o.App, members: o.Panel.Members, decls: decls, sheets: o.Sheets})
	if err != nil {
		o.Pending = dtfund.ErrorMessage(err)
	}
	if pa := o.PanelApp; pa.Finalised() {
		o.Outcome = storedOutcome(pa, o.App)
	}
	o.Investment = o.Call.Category == "7.1"
	if o.Investment {
		o.Items = opinionItems(o.App.Spending, o.Sheets, o.Outcome)
	}
	return nil
}

// storedOutcome is the result as finalised: the authoritative figures.
func storedOutcome(pa *store.PanelApp, app *dtfund.Application) *Outcome {
	o := &Outcome{Scorers: pa.Scorers, ResultHundredths: pa.ResultHundredths, PassMark: pa.PassMark, Passed: pa.Passed}
	for _, sp := range app.Spending {
		if sp.ApprovedFen != nil {
			if o.Approved == nil {
				o.Approved = map[int]int64{}
			}
			o.Approved[sp.Seq] = *sp.ApprovedFen
			o.ApprovedTotal += *sp.ApprovedFen
		}
	}
	return o
}

func opinionRows(call *dtfund.Call, sheets []*store.ScoreSheet) []OpinionRow {
	var rows []OpinionRow
	for i, c := range call.Rubric.Criteria {
		r := OpinionRow{Criterion: c.Name, Weight: c.Weight}
		for _, s := range sheets {
			score := -1
			if i < len(s.Items) {
				r.Criterion, r.Weight, score = s.Items[i].Criterion, s.Items[i].Weight, s.Items[i].Score
			}
			r.Scores = append(r.Scores, score)
		}
		rows = append(rows, r)
	}
	return rows
}

func opinionItems(spending []dtfund.Spending, sheets []*store.ScoreSheet, out *Outcome) []OpinionItem {
	var items []OpinionItem
	for _, sp := range spending {
		it := OpinionItem{Spending: sp}
		for _, s := range sheets {
			v := int64(-1)
			for _, inv := range s.Investments {
				if inv.SpendingSeq == sp.Seq {
					v = inv.ApprovedFen
				}
			}
			it.PerExpert = append(it.PerExpert, v)
		}
		if out != nil && out.Approved != nil {
			it.ApprovedFen, it.Approved = out.Approved[sp.Seq], true
		}
		items = append(items, it)
	}
	return items
}
