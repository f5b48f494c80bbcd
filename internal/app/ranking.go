package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dtfund"
	"dtfund/calendar"
	"dtfund/internal/store"
	"dtfund/policy"
)

// Rankings of 第七条（三）（四）: 市工业和信息化局 ranks, for a period, the
// 「小快轻准」 products by the number of enterprises using them and by the
// effect reported, and the service providers by the solutions landed and
// the effect (policy.Rank: a pure function, parameters with their sources).
// A run is stored with every entry's score components and never changes;
// running again makes a new run. Providers that fail 第十一条–第十三条 on
// the day of the run (the rules of policy.Evaluate for a service provider)
// are excluded with the findings. The top of a run becomes proposed awards
// (ProposeApplication) under a call of the category, within the caps of
// （三）（四） (policy.RankingAwards), one application per provider; from
// there they go through the joint re-check, publicity and approval.

// rankingViewers see the runs; city_miit runs and proposes.
var rankingViewers = []dtfund.Role{dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

// RankingInput asks for a run.
type RankingInput struct {
	Kind    string // product | provider
	From    string // YYYY-MM-DD: adoptions whose contract date is in [From, To]
	To      string
	RerunOf int64
}

func (in *RankingInput) validate(today calendar.Date) error {
	var v dtfund.ValidationErrors
	if in.Kind != string(policy.RankProducts) && in.Kind != string(policy.RankProviders) {
		v.Add("kind", "请选择排名类别：第七条（三）产品和服务，或第七条（四）服务商")
	}
	from, ferr := calendar.ParseDate(strings.TrimSpace(in.From))
	to, terr := calendar.ParseDate(strings.TrimSpace(in.To))
	if ferr != nil {
		v.Add("from", "期间起始日应为 YYYY-MM-DD")
	}
	if terr != nil {
		v.Add("to", "期间截止日应为 YYYY-MM-DD")
	}
	if ferr == nil && terr == nil {
		switch {
		case to.Before(from):
			v.Add("to", "期间截止日不能早于起始日")
		case to.After(today):
			v.Add("to", "期间截止日 %s 晚于今天（%s）：期间结束后才能排名", to, today)
		}
		in.From, in.To = from.String(), to.String()
	}
	return v.Err()
}

// RunRanking computes and stores a ranking run.
func (a *App) RunRanking(ctx context.Context, actor Actor, in RankingInput) (*store.RankingRun, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	today := calendar.DateOf(a.Now())
	if err := in.validate(today); err != nil {
		return nil, err
	}
	var run *store.RankingRun
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if run, err = rankTx(ctx, tx, in, today, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("ranking.run", "ranking_run", itoa(run.ID)), nil, map[string]any{"kind": run.Kind,
			"from": run.PeriodFrom, "to": run.PeriodTo, "params_version": run.ParamsVersion, "adoptions": run.Adoptions,
			"entries": run.Entries, "ranked": run.Ranked, "rerun_of": run.RerunOf})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// RerunRanking runs a stored run's ranking again on today's data: a new
// run; the earlier one stays as it was published.
func (a *App) RerunRanking(ctx context.Context, actor Actor, runID int64) (*store.RankingRun, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	old, err := a.DB.RankingRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	return a.RunRanking(ctx, actor, RankingInput{Kind: old.Kind, From: old.PeriodFrom, To: old.PeriodTo, RerunOf: old.ID})
}

// rankTx reads the period's confirmed adoptions and the products and
// providers they concern, checks the providers' eligibility, ranks and
// stores the run, computed by the user byUser.
func rankTx(ctx context.Context, tx *store.Tx, in RankingInput, today calendar.Date, byUser int64) (*store.RankingRun, error) {
	kind := policy.RankKind(in.Kind)
	v, err := policy.Default().At(policy.NewDate(today.Year, today.Month, today.Day))
	if err != nil {
		return nil, err
	}
	params := policy.RankingParams(v, kind)
	rows, err := tx.ConfirmedAdoptions(ctx, in.From, in.To)
	if err != nil {
		return nil, err
	}
	rin := policy.RankInput{Kind: kind, Adoptions: make([]policy.RankAdoption, 0, len(rows))}
	rin.From, _ = policy.ParseDate(in.From)
	rin.To, _ = policy.ParseDate(in.To)
	var productIDs []int64
	seen := map[int64]bool{}
	for _, r := range rows {
		d, err := policy.ParseDate(r.ContractDate)
		if err != nil {
			continue // dates are validated on entry
		}
		var e adoptionEffects
		if r.Effects != "{}" { // none reported: nothing to decode
			json.Unmarshal([]byte(r.Effects), &e)
		}
		rin.Adoptions = append(rin.Adoptions, policy.RankAdoption{ID: r.ID, ProductID: r.ProductID, ProviderID: r.ProviderOrgID,
			EnterpriseID: r.EnterpriseOrgID, ContractDate: d, EffectBP: policy.EffectBP(e.Indicators, params.EffectCapBP)})
		if !seen[r.ProductID] {
			seen[r.ProductID] = true
			productIDs = append(productIDs, r.ProductID)
		}
	}
	products, err := tx.ProductsByID(ctx, productIDs)
	if err != nil {
		return nil, err
	}
	elig := &eligibilityCache{tx: tx, category: kind.Category(), asOf: today, checked: map[int64]eligibility{}}
	subjects, err := rankSubjects(ctx, elig, kind, productIDs, products)
	if err != nil {
		return nil, err
	}
	rin.Subjects = subjects
	r := policy.Rank(v, rin)
	return storeRun(ctx, tx, in, r, elig, byUser)
}

// rankSubjects lists the products (（三）) or providers (（四）) concerned,
// with the reasons any of them may not be ranked.
func rankSubjects(ctx context.Context, elig *eligibilityCache, kind policy.RankKind, productIDs []int64,
	products map[int64]*store.Product) ([]policy.RankSubject, error) {
	var out []policy.RankSubject
	providers := map[int64]bool{}
	for _, id := range productIDs {
		p, ok := products[id]
		if !ok {
			continue
		}
		e, err := elig.of(ctx, p.ProviderOrgID)
		if err != nil {
			return nil, err
		}
		if kind == policy.RankProviders {
			if !providers[p.ProviderOrgID] {
				providers[p.ProviderOrgID] = true
				out = append(out, policy.RankSubject{ID: p.ProviderOrgID, ProviderID: p.ProviderOrgID, Name: e.name, Excluded: e.excluded})
			}
			continue
		}
		excluded := append(slices.Clone(e.excluded), policy.RankableProduct(p.State == store.ProductWithdrawn, p.Properties)...)
		out = append(out, policy.RankSubject{ID: p.ID, ProviderID: p.ProviderOrgID, Name: p.Name, Excluded: excluded})
	}
	return out, nil
}

// eligibility is a provider's standing under 第十一条–第十三条 on a date.
type eligibility struct {
	name     string
	excluded []policy.Finding // the failing findings; none when eligible
	summary  policy.Finding   // what an eligible entry shows
}

// eligibilityCache runs the rules once per provider: policy.Evaluate with
// the provider as a service provider claiming under the ranking's category.
type eligibilityCache struct {
	tx       *store.Tx
	category policy.Category
	asOf     calendar.Date
	checked  map[int64]eligibility
}

func (c *eligibilityCache) of(ctx context.Context, orgID int64) (eligibility, error) {
	if e, ok := c.checked[orgID]; ok {
		return e, nil
	}
	org, err := c.tx.Organization(ctx, orgID)
	if err != nil {
		return eligibility{}, err
	}
	credits, err := c.tx.CreditRecords(ctx, orgID)
	if err != nil {
		return eligibility{}, err
	}
	sanctions, err := c.tx.OrgSanctions(ctx, orgID) // a banned provider is excluded (第二十条)
	if err != nil {
		return eligibility{}, err
	}
	e := eligibility{name: org.Name}
	cat := string(c.category)
	in, err := PolicyInput(org, &dtfund.Call{Category: cat, Title: "排名遴选资格审查"},
		&dtfund.Application{OrgID: orgID, CallCategory: cat}, credits, sanctions, c.asOf)
	if err != nil {
		e.excluded = []policy.Finding{{Rule: "Input", Article: "第十三条", Outcome: policy.Fail,
			Message: "服务商资格无法判定：" + dtfund.ErrorMessage(err)}}
		c.checked[orgID] = e
		return e, nil
	}
	d := policy.Evaluate(nil, in)
	if !d.CentralEligible && !d.LocalEligible {
		for _, f := range d.Findings {
			if f.Outcome == policy.Fail {
				e.excluded = append(e.excluded, f)
			}
		}
	}
	e.summary = policy.Finding{Rule: "Evaluate", Article: "第十三条", Outcome: policy.Pass,
		Message: "服务商资格审查通过：第十一条、第十二条、第十三条均符合（判定日" + c.asOf.String() + "，参数版本" + d.ParamsVersion + "）"}
	c.checked[orgID] = e
	return e, nil
}

// storeRun writes the run and its entries.
func storeRun(ctx context.Context, tx *store.Tx, in RankingInput, r *policy.Ranking, elig *eligibilityCache, byUser int64) (*store.RankingRun, error) {
	params, err := json.Marshal(r.Params)
	if err != nil {
		return nil, err
	}
	run := &store.RankingRun{Kind: in.Kind, PeriodFrom: in.From, PeriodTo: in.To, ParamsVersion: r.Params.Version,
		ParamsJSON: string(params), Formula: r.Kind.Formula(), TieRule: policy.RankTieRule, RerunOf: in.RerunOf,
		Adoptions: r.Adoptions, Entries: len(r.Entries), ComputedBy: byUser}
	entries := make([]store.RankingEntry, len(r.Entries))
	for i, e := range r.Entries {
		comp, _ := json.Marshal(e.Components)
		findings := e.Findings
		if e.Eligible {
			run.Ranked++
			findings = []policy.Finding{elig.checked[e.ProviderID].summary}
		}
		fj, _ := json.Marshal(findings)
		entries[i] = store.RankingEntry{Rank: e.Rank, ProviderOrgID: e.ProviderID, Name: e.Name,
			ProviderName: elig.checked[e.ProviderID].name, Score: e.Score, Components: string(comp), Eligible: e.Eligible,
			Findings: string(fj)}
		if r.Kind == policy.RankProducts {
			entries[i].ProductID = e.ID
		}
	}
	return run, tx.CreateRankingRun(ctx, run, entries)
}

// RankingRuns lists the runs, newest first; kind "" is all.
func (a *App) RankingRuns(ctx context.Context, actor Actor, kind string, page store.Page) ([]*store.RankingRun, int, error) {
	if err := requireRole(actor, rankingViewers...); err != nil {
		return nil, 0, err
	}
	return a.DB.FindRankingRuns(ctx, kind, page)
}

// RankingRun returns one run.
func (a *App) RankingRun(ctx context.Context, actor Actor, id int64) (*store.RankingRun, error) {
	if err := requireRole(actor, rankingViewers...); err != nil {
		return nil, err
	}
	return a.DB.RankingRun(ctx, id)
}

// RankingEntries lists one page of a run's entries with what each became.
func (a *App) RankingEntries(ctx context.Context, actor Actor, f store.EntryFilter) ([]*store.RankingEntry, int, error) {
	if err := requireRole(actor, rankingViewers...); err != nil {
		return nil, 0, err
	}
	return a.DB.RankingEntries(ctx, f)
}

// RankingProposalInput is the city bureau's decision to propose awards
// from a run: the call (of the run's category), how many ranks, and the
// amount per product （三） or per provider （四） (0: the cap).
type RankingProposalInput struct {
	RunID     int64
	CallID    int64
	TopN      int
	AmountFen int64
}

// RankingProposalResult is what a proposal created.
type RankingProposalResult struct {
	Run          *store.RankingRun
	Applications []*dtfund.Application
	Awards       []policy.ProviderAward
	Replayed     bool // the run had been proposed before: nothing new was created
}

// ProposeRankingAwards turns the top of a run into proposed awards: one
// application per provider (origin ranking, OriginRef
// "ranking:<run>:org:<org>"), its items the provider's products in the top
// with their amounts, within the caps. A run is proposed once; proposing it
// again creates nothing and returns the first result.
func (a *App) ProposeRankingAwards(ctx context.Context, actor Actor, in RankingProposalInput) (*RankingProposalResult, error) {
	if err := requireRole(actor, dtfund.RoleCityMIIT); err != nil {
		return nil, err
	}
	var v dtfund.ValidationErrors
	if in.CallID <= 0 {
		v.Add("call_id", "请选择奖补所属的申报批次")
	}
	if in.TopN < 1 || in.TopN > 1000 {
		v.Add("top_n", "推荐名次数须在1至1000之间")
	}
	if in.AmountFen < 0 {
		v.Add("amount", "拟奖补金额不能为负数")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	res := &RankingProposalResult{}
	err := a.DB.InTx(ctx, func(tx *store.Tx) error {
		run, err := tx.RankingRun(ctx, in.RunID)
		if err != nil {
			return err
		}
		res.Run = run
		if !run.ProposedAt.IsZero() {
			res.Replayed = true
			return nil
		}
		return a.proposeTx(ctx, tx, actor, in, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (a *App) proposeTx(ctx context.Context, tx *store.Tx, actor Actor, in RankingProposalInput, res *RankingProposalResult) error {
	run := res.Run
	kind := policy.RankKind(run.Kind)
	call, err := tx.Call(ctx, in.CallID)
	if dtfund.ErrorCode(err) == dtfund.ENOTFOUND {
		return dtfund.FieldError("call_id", "所选批次不存在")
	}
	if err != nil {
		return err
	}
	if call.Category != string(kind.Category()) {
		return dtfund.FieldError("call_id", "所选批次“%s”属于%s；%s的奖补须列入%s类批次", call.Title,
			dtfund.CategoryLabel(call.Category), kind.Label(), dtfund.CategoryLabel(string(kind.Category())))
	}
	today := calendar.DateOf(a.Now())
	v, err := policy.Default().At(policy.NewDate(today.Year, today.Month, today.Day))
	if err != nil {
		return err
	}
	entries, err := tx.RankedEntries(ctx, run.ID, in.TopN)
	if err != nil {
		return err
	}
	r, byRef := awardRanking(kind, entries)
	ain, err := awardInput(ctx, tx, run, call, entries, in)
	if err != nil {
		return err
	}
	run.ProposedCallID, run.ProposedTop, run.ProposedAmountFen, run.ProposedBy = call.ID, in.TopN, in.AmountFen, actor.User.ID
	run.ProposedCallTitle = call.Title
	res.Awards = policy.RankingAwards(v, r, ain)
	for _, pa := range res.Awards {
		ap, err := a.proposeProvider(ctx, tx, actor, run, call, pa, byRef)
		if err != nil {
			return err
		}
		if ap != nil {
			res.Applications = append(res.Applications, ap)
		}
	}
	if err := tx.MarkRunProposed(ctx, run); err != nil {
		return err
	}
	return tx.Audit(ctx, actor.audit("ranking.propose", "ranking_run", itoa(run.ID)), nil, map[string]any{"call_id": call.ID,
		"top_n": in.TopN, "amount_fen": in.AmountFen, "awards": res.Awards, "applications": len(res.Applications)})
}

// awardRanking rebuilds the policy view of the stored entries, and maps
// each subject to its entry.
func awardRanking(kind policy.RankKind, entries []*store.RankingEntry) (*policy.Ranking, map[int64]*store.RankingEntry) {
	r := &policy.Ranking{Kind: kind}
	byRef := map[int64]*store.RankingEntry{}
	for _, e := range entries {
		id := e.ProductID
		if kind == policy.RankProviders {
			id = e.ProviderOrgID
		}
		byRef[id] = e
		r.Entries = append(r.Entries, policy.RankEntry{Rank: e.Rank, ID: id, ProviderID: e.ProviderOrgID, Name: e.Name,
			Eligible: e.Eligible, Score: e.Score})
	}
	return r, byRef
}

// awardInput gathers what limits the proposal: each provider's earlier
// awards and pending requests under （三） (the cumulative cap), subjects
// already proposed from another run of an overlapping period, and providers
// with another live application in the chosen call.
func awardInput(ctx context.Context, tx *store.Tx, run *store.RankingRun, call *dtfund.Call, entries []*store.RankingEntry,
	in RankingProposalInput) (policy.RankAwardInput, error) {
	ain := policy.RankAwardInput{TopN: in.TopN, AmountFen: in.AmountFen, PriorFen: map[int64]int64{}, PriorNote: map[int64]string{},
		SkipProvider: map[int64]string{}}
	var err error
	if ain.Skip, err = tx.ProposedElsewhere(ctx, run.Kind, run.PeriodFrom, run.PeriodTo, run.ID); err != nil {
		return ain, err
	}
	for _, e := range entries {
		org := e.ProviderOrgID
		if _, done := ain.PriorNote[org]; done {
			continue
		}
		number, state, err := tx.LiveApplication(ctx, call.ID, org)
		if err != nil {
			return ain, err
		}
		if number != "" {
			ain.SkipProvider[org] = "该服务商在批次“" + call.Title + "”已有申报 " + number + "（" + state.Label() +
				"），每个批次只能有一份有效申报（第十四条（一）），本次不予推荐"
		}
		if run.Kind != string(policy.RankProducts) {
			ain.PriorNote[org] = ""
			continue
		}
		awarded, err := tx.PriorAwardsFen(ctx, org, "7.3", 0)
		if err != nil {
			return ain, err
		}
		pending, err := tx.PendingRequestedFen(ctx, org, "7.3", 0)
		if err != nil {
			return ain, err
		}
		ain.PriorFen[org] = awarded + pending
		ain.PriorNote[org] = "此前已获第七条（三）奖补" + policy.Wan(awarded) + "、在审申报申请" + policy.Wan(pending)
	}
	return ain, nil
}

// rankingRef is the OriginRef of a provider's application from a run.
func rankingRef(runID, orgID int64) string {
	return "ranking:" + strconv.FormatInt(runID, 10) + ":org:" + strconv.FormatInt(orgID, 10)
}

// proposeProvider creates one provider's application (when anything is
// left to propose) and records what each of its entries became.
func (a *App) proposeProvider(ctx context.Context, tx *store.Tx, actor Actor, run *store.RankingRun, call *dtfund.Call,
	pa policy.ProviderAward, byRef map[int64]*store.RankingEntry) (*dtfund.Application, error) {
	var ap *dtfund.Application
	kind := policy.RankKind(run.Kind)
	if pa.TotalFen > 0 {
		first := byRef[pa.Items[0].ID]
		var items []store.AppItem
		var lines []string
		for _, it := range pa.Items {
			if it.AmountFen == 0 {
				continue
			}
			e := byRef[it.ID]
			items = append(items, store.AppItem{Name: it.Name, ProductID: e.ProductID, RankingEntryID: e.ID, RequestedFen: it.AmountFen})
			lines = append(lines, fmt.Sprintf("第%d名“%s”（得分%s）推荐%s", it.Rank, it.Name, policy.ScoreText(it.Score), policy.Wan(it.AmountFen)))
		}
		title := fmt.Sprintf("%s至%s%s：%s", run.PeriodFrom, run.PeriodTo, kind.Label(), first.ProviderName)
		if kind == policy.RankProducts {
			title = fmt.Sprintf("%s至%s优秀“小快轻准”产品和服务（%d项）：%s", run.PeriodFrom, run.PeriodTo, len(items), first.ProviderName)
		}
		summary := fmt.Sprintf("依据第%d号%s（期间%s至%s，参数版本%s，前%d名）：%s；合计%s（%s）。", run.ID, kind.Label(), run.PeriodFrom,
			run.PeriodTo, run.ParamsVersion, run.ProposedTop, strings.Join(lines, "；"), policy.Wan(pa.TotalFen), kind.Article())
		var err error
		ap, _, err = ProposeApplication(ctx, tx, actor, Proposal{CallID: call.ID, OrgID: pa.ProviderID, Origin: dtfund.OriginRanking,
			OriginRef: rankingRef(run.ID, pa.ProviderID), Title: title, Summary: summary, RequestFen: pa.TotalFen, Citation: kind.Article()})
		if err != nil {
			return nil, err
		}
		if err := tx.SaveApplicationItems(ctx, ap.ID, items); err != nil {
			return nil, err
		}
	}
	for _, it := range pa.Items {
		fj, _ := json.Marshal(it.Findings)
		p := &store.RankingProposal{RunID: run.ID, EntryID: byRef[it.ID].ID, AmountFen: it.AmountFen, Outcome: it.Outcome, Findings: string(fj)}
		if ap != nil && it.AmountFen > 0 {
			p.ApplicationID = ap.ID
		}
		if err := tx.AddRankingProposal(ctx, p); err != nil {
			return nil, err
		}
	}
	return ap, nil
}
