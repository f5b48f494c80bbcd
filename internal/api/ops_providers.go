package api

import (
	"context"
	"encoding/json"

	"dtfund"
	"dtfund/apiclient"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// providerOps: service providers' profiles and their 小快轻准 products (the
// public catalogue), adoption records — recorded by the enterprise, or
// proposed by the provider and confirmed only by the enterprise —, the
// chain members of a 第七条（五） application, and the rankings of 第七条
// （三）（四） turned into proposed awards.
func providerOps() []*Operation {
	applicant := roles(dtfund.RoleApplicant)
	adoptionViewers := roles(dtfund.RoleApplicant, dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
		dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	rankingViewers := roles(dtfund.RoleCityMIIT, dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin)
	miit := roles(dtfund.RoleCityMIIT)
	return group("providers",
		op("GET", "/public/products", "ListCatalogue", "“小快轻准”产品和解决方案目录（公开）", public, listCatalogue),
		op("GET", "/public/products/{id}", "GetCatalogueProduct", "目录中的产品及其服务商信息（公开）", public, getCatalogueProduct),
		op("GET", "/provider/profile", "GetProviderProfile", "本单位的服务商信息（本单位须登记为数字化服务商，否则 409）", applicant,
			getProviderProfile).may(404, 409),
		op("PUT", "/provider/profile", "SaveProviderProfile", "维护本单位的服务商信息", applicant, saveProviderProfile),
		op("GET", "/provider/products", "ListOwnProducts", "本单位的产品和解决方案（含已撤回的）", applicant, listOwnProducts).may(404, 409),
		op("POST", "/provider/products", "CreateProduct", "新增产品或解决方案（即在目录中公开）", applicant, createProduct).created().
			fields("price", "price_fen"),
		op("GET", "/provider/products/{id}", "GetOwnProduct", "本单位的一个产品", applicant, getOwnProduct).may(409),
		op("PUT", "/provider/products/{id}", "UpdateProduct", "修改本单位的产品", applicant, updateProduct).fields("price", "price_fen"),
		op("POST", "/provider/products/{id}/withdraw", "WithdrawProduct", "撤回产品：不再出现在目录中，也不能登记新的应用记录", applicant, withdrawProduct),

		op("GET", "/adoptions", "ListAdoptions", "应用记录（企业见本单位使用的，服务商见本单位产品的，县区见本辖区）", adoptionViewers, listAdoptions),
		op("GET", "/adoptions/{id}", "GetAdoption", "应用记录及其应用成效", adoptionViewers, getAdoption),
		op("POST", "/adoptions", "RecordAdoption", "登记本企业使用某产品的应用记录（即为已确认）", applicant, recordAdoption).created().
			fields("product", "product_id"),
		op("POST", "/adoptions/propose", "ProposeAdoption", "服务商为应用企业提交应用记录：企业确认前不计入任何排名", applicant, proposeAdoption).
			created().fields("product", "product_id"),
		op("POST", "/adoptions/{id}/confirm", "ConfirmAdoption", "应用企业确认服务商提交的应用记录（可同时填报应用成效）", applicant, confirmAdoption),
		op("POST", "/adoptions/{id}/reject", "RejectAdoption", "应用企业拒绝服务商提交的应用记录（须写理由）", applicant, rejectAdoption),
		op("PUT", "/adoptions/{id}/effects", "ReportAdoptionEffects", "应用企业填报或修改应用成效", applicant, reportAdoptionEffects),

		op("GET", "/applications/{id}/chain-members", "ListChainMembers", "第七条（五）申报的链上企业名单", anyUser, listChainMembers).may(409),
		op("PUT", "/applications/{id}/chain-members", "SetChainMembers", "保存链上企业名单（草稿或退回补正时）", applicant, setChainMembers),

		op("GET", "/rankings", "ListRankingRuns", "排名结果列表（第七条（三）产品和服务，（四）服务商）", rankingViewers, listRankingRuns),
		op("POST", "/rankings", "RunRanking", "按期间内已确认的应用记录计算并保存排名（市工信局）", miit, runRanking).created(),
		op("GET", "/rankings/{id}", "GetRankingRun", "排名结果：参数及其来源、公式、并列规则与推荐情况", rankingViewers, getRankingRun),
		op("GET", "/rankings/{id}/entries", "ListRankingEntries", "排名的各对象：名次、得分构成、判定依据与推荐结果", rankingViewers, listRankingEntries),
		op("POST", "/rankings/{id}/rerun", "RerunRanking", "按当前数据重新排名（生成新的排名结果，原结果不变）", miit, rerunRanking).created(),
		op("POST", "/rankings/{id}/proposal", "ProposeRankingAwards",
			"将排名前列推荐为奖补（每个服务商一份，在上限内；评审通过，待资格复核）；同一排名只推荐一次", miit, proposeRankingAwards).
			fields("call", "call_id", "amount", "amount_fen"),
	)
}

func productOut(p *store.Product) apiclient.Product {
	return apiclient.Product{ID: p.ID, ProviderOrgID: p.ProviderOrgID, ProviderName: p.ProviderName, ProviderUSCC: p.ProviderUSCC, Kind: p.Kind,
		KindLabel: app.ProductKindLabel(p.Kind), Name: p.Name, Description: p.Description, Scenarios: strs(p.Scenarios),
		Properties: strs(p.Properties), PriceFen: p.PriceFen, State: p.State, Adopters: p.Adopters, CreatedAt: utc(p.CreatedAt),
		UpdatedAt: utc(p.UpdatedAt)}
}

func profileOut(p *store.ProviderProfile, orgName string) apiclient.ProviderProfile {
	return apiclient.ProviderProfile{OrgID: p.OrgID, OrgName: orgName, ServiceScope: p.ServiceScope, Qualifications: p.Qualifications,
		Website: p.Website, ContactEmail: p.ContactEmail, UpdatedAt: timePtr(p.UpdatedAt)}
}

func listCatalogue(ctx context.Context, c *Call, in *apiclient.CatalogueQuery) (*apiclient.Page[apiclient.Product], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ps, total, err := c.App.Catalogue(ctx, store.ProductFilter{Kind: in.Kind, Property: in.Property, Scenario: in.Scenario, Query: in.Q, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, in.Paging, productOut), nil
}

func getCatalogueProduct(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.CatalogueProduct, error) {
	p, prof, err := c.App.CatalogueProduct(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &apiclient.CatalogueProduct{Product: productOut(p), Provider: profileOut(prof, p.ProviderName)}, nil
}

func getProviderProfile(ctx context.Context, c *Call, _ *apiclient.None) (*apiclient.ProviderProfile, error) {
	org, prof, err := c.App.ProviderProfile(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	out := profileOut(prof, org.Name)
	return &out, nil
}

func saveProviderProfile(ctx context.Context, c *Call, in *apiclient.ProviderProfileInput) (*apiclient.ProviderProfile, error) {
	if _, err := c.App.SaveProviderProfile(ctx, c.Actor, app.ProviderProfileInput{ServiceScope: in.ServiceScope,
		Qualifications: in.Qualifications, Website: in.Website, ContactEmail: in.ContactEmail}); err != nil {
		return nil, err
	}
	return getProviderProfile(ctx, c, nil)
}

func listOwnProducts(ctx context.Context, c *Call, in *apiclient.Paging) (*apiclient.Page[apiclient.Product], error) {
	p, err := page(in)
	if err != nil {
		return nil, err
	}
	ps, total, _, err := c.App.MyProducts(ctx, c.Actor, p)
	if err != nil {
		return nil, err
	}
	return pageOf(ps, total, *in, productOut), nil
}

func productIn(in *apiclient.ProductInput) (app.ProductInput, error) {
	if in.PriceFen < 0 {
		return app.ProductInput{}, dtfund.FieldError("price_fen", "参考价格不能为负数")
	}
	return app.ProductInput{Kind: in.Kind, Name: in.Name, Description: in.Description, Scenarios: in.Scenarios, Properties: in.Properties,
		PriceFen: in.PriceFen}, nil
}

func createProduct(ctx context.Context, c *Call, in *apiclient.ProductInput) (*apiclient.Product, error) {
	x, err := productIn(in)
	if err != nil {
		return nil, err
	}
	p, err := c.App.CreateProduct(ctx, c.Actor, x)
	if err != nil {
		return nil, err
	}
	return getOwnProduct(ctx, c, &apiclient.ByID{ID: p.ID})
}

func getOwnProduct(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Product, error) {
	p, err := c.App.ProviderProduct(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := productOut(p)
	return &out, nil
}

func updateProduct(ctx context.Context, c *Call, in *apiclient.ProductUpdate) (*apiclient.Product, error) {
	x, err := productIn(&in.ProductInput)
	if err != nil {
		return nil, err
	}
	if _, err := c.App.UpdateProduct(ctx, c.Actor, in.ID, x); err != nil {
		return nil, err
	}
	return getOwnProduct(ctx, c, &apiclient.ByID{ID: in.ID})
}

func withdrawProduct(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Product, error) {
	if err := c.App.WithdrawProduct(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	return getOwnProduct(ctx, c, in)
}

// ---- adoptions ----

func effectsOut(inds []policy.EffectIndicator) []apiclient.EffectIndicator {
	return mapSlice(inds, func(x policy.EffectIndicator) apiclient.EffectIndicator {
		return apiclient.EffectIndicator{Name: x.Name, Unit: x.Unit, LowerBetter: x.LowerBetter, Before: x.Before, After: x.After}
	})
}

func effectsIn(inds []apiclient.EffectIndicator) []policy.EffectIndicator {
	var out []policy.EffectIndicator
	for _, x := range inds {
		out = append(out, policy.EffectIndicator{Name: x.Name, Unit: x.Unit, LowerBetter: x.LowerBetter, Before: x.Before, After: x.After})
	}
	return out
}

func adoptionOut(ad *store.Adoption) apiclient.Adoption {
	return apiclient.Adoption{ID: ad.ID, ProductID: ad.ProductID, ProductName: ad.ProductName, ProductKind: ad.ProductKind,
		ProductWithdrawn: ad.ProductWithdrawn, EnterpriseOrgID: ad.EnterpriseOrgID, EnterpriseName: ad.EnterpriseName,
		EnterpriseUSCC: ad.EnterpriseUSCC, DistrictName: ad.DistrictName, ProviderOrgID: ad.ProviderOrgID, ProviderName: ad.ProviderName,
		ProviderUSCC: ad.ProviderUSCC, ContractNo: ad.ContractNo, ContractDate: ad.ContractDate, Scope: ad.Scope, State: ad.State,
		StateLabel: app.AdoptionStateLabel(ad.State), RecordedBy: ad.RecordedBy, Effects: effectsOut(app.AdoptionIndicators(ad)),
		ConfirmedAt: timePtr(ad.ConfirmedAt), RejectedAt: timePtr(ad.RejectedAt), RejectReason: ad.RejectReason,
		EffectsAt: timePtr(ad.EffectsAt), CreatedAt: utc(ad.CreatedAt)}
}

func listAdoptions(ctx context.Context, c *Call, in *apiclient.AdoptionQuery) (*apiclient.Page[apiclient.Adoption], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	ads, total, err := c.App.FindAdoptions(ctx, c.Actor, store.AdoptionFilter{State: in.State, Query: in.Q, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(ads, total, in.Paging, adoptionOut), nil
}

func getAdoption(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.Adoption, error) {
	ad, err := c.App.Adoption(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := adoptionOut(ad)
	return &out, nil
}

func adoptionIn(in *apiclient.AdoptionInput) app.AdoptionInput {
	return app.AdoptionInput{ProductID: in.ProductID, EnterpriseUSCC: in.EnterpriseUSCC, ContractNo: in.ContractNo,
		ContractDate: in.ContractDate, Scope: in.Scope, Effects: effectsIn(in.Effects)}
}

func recordAdoption(ctx context.Context, c *Call, in *apiclient.AdoptionInput) (*apiclient.Adoption, error) {
	ad, err := c.App.RecordAdoption(ctx, c.Actor, adoptionIn(in))
	if err != nil {
		return nil, err
	}
	return getAdoption(ctx, c, &apiclient.ByID{ID: ad.ID})
}

func proposeAdoption(ctx context.Context, c *Call, in *apiclient.AdoptionInput) (*apiclient.Adoption, error) {
	ad, err := c.App.ProposeAdoption(ctx, c.Actor, adoptionIn(in))
	if err != nil {
		return nil, err
	}
	return getAdoption(ctx, c, &apiclient.ByID{ID: ad.ID})
}

func confirmAdoption(ctx context.Context, c *Call, in *apiclient.AdoptionEffectsInput) (*apiclient.Adoption, error) {
	if _, err := c.App.ConfirmAdoption(ctx, c.Actor, in.ID, effectsIn(in.Effects)); err != nil {
		return nil, err
	}
	return getAdoption(ctx, c, &apiclient.ByID{ID: in.ID})
}

func rejectAdoption(ctx context.Context, c *Call, in *apiclient.AdoptionRejectInput) (*apiclient.Adoption, error) {
	if err := c.App.RejectAdoption(ctx, c.Actor, in.ID, in.Reason); err != nil {
		return nil, err
	}
	return getAdoption(ctx, c, &apiclient.ByID{ID: in.ID})
}

func reportAdoptionEffects(ctx context.Context, c *Call, in *apiclient.AdoptionEffectsInput) (*apiclient.Adoption, error) {
	if err := c.App.ReportAdoptionEffects(ctx, c.Actor, in.ID, effectsIn(in.Effects)); err != nil {
		return nil, err
	}
	return getAdoption(ctx, c, &apiclient.ByID{ID: in.ID})
}

// ---- chain members ----

func listChainMembers(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.List[apiclient.ChainMember], error) {
	a, err := c.App.Application(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	if a.CallCategory != "7.5" {
		return nil, dtfund.Errorf(dtfund.ECONFLICT, "申报 %s 不是第七条（五）“链式”类申报，没有链上企业名单", a.Number)
	}
	ms, err := c.App.ChainMembers(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(ms, func(m store.ChainMember) apiclient.ChainMember {
		return apiclient.ChainMember{Seq: m.Seq, OrgID: m.OrgID, Name: m.Name, USCC: m.USCC, DistrictName: m.District, Relation: m.Relation}
	}), nil
}

func setChainMembers(ctx context.Context, c *Call, in *apiclient.ChainMembersInput) (*apiclient.List[apiclient.ChainMember], error) {
	rows := make([]app.ChainMemberInput, 0, len(in.Members))
	for _, m := range in.Members {
		rows = append(rows, app.ChainMemberInput{USCC: m.USCC, Relation: m.Relation})
	}
	if _, err := c.App.SetChainMembers(ctx, c.Actor, in.ID, rows); err != nil {
		return nil, err
	}
	return listChainMembers(ctx, c, &apiclient.ByID{ID: in.ID})
}

// ---- rankings ----

func rankingRunOut(r *store.RankingRun) apiclient.RankingRun {
	kind := policy.RankKind(r.Kind)
	var params policy.RankParams
	json.Unmarshal([]byte(r.ParamsJSON), &params)
	if params.Sources == nil {
		params.Sources = map[string]string{}
	}
	return apiclient.RankingRun{ID: r.ID, Kind: r.Kind, KindLabel: kind.Label(), Article: kind.Article(), PeriodFrom: r.PeriodFrom,
		PeriodTo: r.PeriodTo, ParamsVersion: r.ParamsVersion, Formula: r.Formula, TieRule: r.TieRule, RerunOf: idPtr(r.RerunOf),
		Params: apiclient.RankingParams{WeightCountBP: params.WeightCountBP, WeightEffectBP: params.WeightEffectBP,
			EffectCapBP: params.EffectCapBP, TopN: params.TopN, Sources: params.Sources},
		Adoptions: r.Adoptions, Entries: r.Entries, Ranked: r.Ranked, ComputedBy: r.ComputedByName, ComputedAt: utc(r.ComputedAt),
		ProposedCallID: idPtr(r.ProposedCallID), ProposedCallTitle: r.ProposedCallTitle, ProposedTop: r.ProposedTop,
		ProposedAmountFen: r.ProposedAmountFen, ProposedAt: timePtr(r.ProposedAt)}
}

func listRankingRuns(ctx context.Context, c *Call, in *apiclient.RankingQuery) (*apiclient.Page[apiclient.RankingRun], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	runs, total, err := c.App.RankingRuns(ctx, c.Actor, in.Kind, p)
	if err != nil {
		return nil, err
	}
	return pageOf(runs, total, in.Paging, rankingRunOut), nil
}

func getRankingRun(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.RankingRun, error) {
	r, err := c.App.RankingRun(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	out := rankingRunOut(r)
	return &out, nil
}

func runRanking(ctx context.Context, c *Call, in *apiclient.RankingInput) (*apiclient.RankingRun, error) {
	r, err := c.App.RunRanking(ctx, c.Actor, app.RankingInput{Kind: in.Kind, From: in.From, To: in.To})
	if err != nil {
		return nil, err
	}
	return getRankingRun(ctx, c, &apiclient.ByID{ID: r.ID})
}

func rerunRanking(ctx context.Context, c *Call, in *apiclient.ByID) (*apiclient.RankingRun, error) {
	r, err := c.App.RerunRanking(ctx, c.Actor, in.ID)
	if err != nil {
		return nil, err
	}
	return getRankingRun(ctx, c, &apiclient.ByID{ID: r.ID})
}

func rankingEntryOut(ctx context.Context, c *Call, e *store.RankingEntry) apiclient.RankingEntry {
	out := apiclient.RankingEntry{Rank: e.Rank, ProductID: idPtr(e.ProductID), ProviderOrgID: e.ProviderOrgID, Name: e.Name,
		ProviderName: e.ProviderName, Score: e.Score, Eligible: e.Eligible, Findings: findingsOut(ctx, c, e.Findings)}
	var comp policy.RankComponents
	json.Unmarshal([]byte(e.Components), &comp)
	out.Components = apiclient.RankComponents{Count: comp.Count, Enterprises: comp.Enterprises, Adoptions: comp.Adoptions,
		FirstAdoption: comp.FirstAdoption.String(), EffectBP: comp.EffectBP, MaxCount: comp.MaxCount, MaxEffectBP: comp.MaxEffectBP,
		CountNormBP: comp.CountNormBP, EffectNormBP: comp.EffectNormBP, WeightCountBP: comp.WeightCountBP, WeightEffectBP: comp.WeightEffectBP}
	if p := e.Proposal; p != nil {
		out.Proposal = &apiclient.RankingProposal{ApplicationID: idPtr(p.ApplicationID), AppNumber: p.AppNumber,
			AppState: apiclient.AppState(p.AppState), AmountFen: p.AmountFen, Outcome: p.Outcome, Findings: findingsOut(ctx, c, p.Findings)}
	}
	return out
}

func listRankingEntries(ctx context.Context, c *Call, in *apiclient.RankingEntryQuery) (*apiclient.Page[apiclient.RankingEntry], error) {
	p, err := page(&in.Paging)
	if err != nil {
		return nil, err
	}
	if in.MaxRank < 0 {
		return nil, badInput("max_rank", "max_rank 须为非负整数")
	}
	if _, err := c.App.RankingRun(ctx, c.Actor, in.ID); err != nil {
		return nil, err
	}
	es, total, err := c.App.RankingEntries(ctx, c.Actor, store.EntryFilter{RunID: in.ID, MaxRank: in.MaxRank, ProviderOrgID: in.ProviderID, Page: p})
	if err != nil {
		return nil, err
	}
	return pageOf(es, total, in.Paging, func(e *store.RankingEntry) apiclient.RankingEntry { return rankingEntryOut(ctx, c, e) }), nil
}

func proposeRankingAwards(ctx context.Context, c *Call, in *apiclient.RankingProposalInput) (*apiclient.RankingProposalResult, error) {
	if in.AmountFen < 0 {
		return nil, dtfund.FieldError("amount_fen", "拟奖补金额不能为负数")
	}
	res, err := c.App.ProposeRankingAwards(ctx, c.Actor, app.RankingProposalInput{RunID: in.RunID, CallID: in.CallID, TopN: in.TopN,
		AmountFen: in.AmountFen})
	if err != nil {
		return nil, err
	}
	run, err := getRankingRun(ctx, c, &apiclient.ByID{ID: in.RunID})
	if err != nil {
		return nil, err
	}
	return &apiclient.RankingProposalResult{Run: *run, Replayed: res.Replayed,
		Applications: mapSlice(res.Applications, func(a *dtfund.Application) apiclient.Application { return appOut(a, c.Actor.User.Role) })}, nil
}
