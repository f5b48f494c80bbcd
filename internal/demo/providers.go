package demo

import (
	"fmt"
	"strconv"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
	"dtfund/policy"
)

// The providers' part of the demo (第七条（二）–（四）): service providers with
// their profiles and their products, solutions and cloud services;
// enterprises recording their use of them during last year, with effects;
// one provider proposal awaiting the enterprise's confirmation, one
// confirmed and one rejected; a product withdrawn; a provider later put on
// the 严重失信 list; the rankings of last year for （三） and （四）; and
// their top proposed as awards in two closed calls, waiting for the joint
// re-check. A provider's attempt to record its own use is refused
// (第二十条), which the demo checks.

type demoProduct struct {
	user      string // the provider's account
	kind      string
	name      string
	desc      string
	scenarios []string
	props     []string
	yuan      int64
}

var demoProducts = []demoProduct{
	{"qiming", store.KindSolution, "轻量化MES系统", "面向离散制造中小企业的轻量化生产执行系统，两周上线，按月订阅。",
		[]string{"生产排程", "质量追溯", "设备管理"}, []string{"small", "fast", "light"}, 98000},
	{"qiming", store.KindProduct, "设备综合效率（OEE）分析系统", "采集设备状态，自动计算设备综合效率并给出停机原因分析。",
		[]string{"设备管理", "能耗管理"}, []string{"fast", "precise"}, 36000},
	{"qiming", store.KindSolution, "焊装质量追溯解决方案", "焊装线焊点参数采集与一物一码质量追溯。",
		[]string{"质量追溯"}, []string{"precise"}, 150000},
	{"fuwushang", store.KindCloudService, "智造云设备管理SaaS", "设备台账、点检、维修工单和远程运维，开箱即用。",
		[]string{"设备管理", "远程运维"}, []string{"small", "fast", "light"}, 12000},
	{"fuwushang", store.KindSolution, "电子批记录及质量管理系统", "满足药品生产质量管理规范的电子批记录、偏差和变更管理。",
		[]string{"质量管理", "合规管理"}, []string{"precise"}, 260000},
	{"fuwushang", store.KindProduct, "质量追溯系统（旧版）", "已由新版替代。", []string{"质量追溯"}, []string{"light"}, 50000},
	{"pingtai", store.KindCloudService, "长春工业互联网平台·设备上云服务", "工业网关接入、设备数据上云、看板与告警，按设备计费。",
		[]string{"设备上云", "数据采集"}, []string{"small", "fast", "light"}, 6000},
	{"pingtai", store.KindCloudService, "供应链协同云服务", "主机厂与供应商的订单、排产、质量协同。", []string{"供应链协同"}, []string{"light", "fast"}, 36000},
	{"pingtai", store.KindSolution, "数字化诊断咨询服务", "对照中小企业数字化水平评测指标开展诊断，出具改造方案。",
		[]string{"数字化诊断"}, []string{"precise", "fast"}, 30000},
	{"dongruan", store.KindSolution, "精益数字化咨询", "精益生产与数字化结合的咨询服务。", []string{"精益生产"}, []string{"precise"}, 80000},
}

var demoProfiles = map[string]app.ProviderProfileInput{
	"qiming":    {ServiceScope: "汽车零部件、轨道交通装备企业的MES实施、设备联网与质量追溯", Qualifications: "软件企业证书；ISO 9001；ISO 27001", Website: "https://qiming.example.com"},
	"fuwushang": {ServiceScope: "工业SaaS：设备管理、质量管理、电子批记录", Qualifications: "高新技术企业；信息系统安全等级保护三级", Website: "https://zhizaoyun.example.com"},
	"pingtai":   {ServiceScope: "工业互联网平台运营：设备上云、供应链协同、数字化诊断", Qualifications: "省级工业互联网平台", ContactEmail: "service@ccgyhlw.example.com"},
	"dongruan":  {ServiceScope: "精益生产与数字化转型咨询"},
}

// demoAdoption is an enterprise's use of a product during last year.
type demoAdoption struct {
	user    string // the enterprise's account
	product string
	month   int
	effects []policy.EffectIndicator
}

func ind(name, unit, before, after string) policy.EffectIndicator {
	return policy.EffectIndicator{Name: name, Unit: unit, Before: before, After: after}
}

func lower(name, unit, before, after string) policy.EffectIndicator {
	return policy.EffectIndicator{Name: name, Unit: unit, Before: before, After: after, LowerBetter: true}
}

var demoAdoptions = []demoAdoption{
	{"qiye", "轻量化MES系统", 3, []policy.EffectIndicator{ind("设备综合效率", "%", "62", "74"), lower("不良品率", "%", "1.8", "1.2")}},
	{"lianzhu", "轻量化MES系统", 4, []policy.EffectIndicator{ind("订单准时交付率", "%", "85", "96")}},
	{"hengtong", "轻量化MES系统", 5, []policy.EffectIndicator{ind("人均产值", "万元", "42", "49")}},
	{"guidao", "轻量化MES系统", 6, nil},
	{"huaxin", "轻量化MES系统", 6, []policy.EffectIndicator{lower("在制品库存", "万元", "380", "290")}},
	{"tongda", "轻量化MES系统", 8, []policy.EffectIndicator{ind("设备综合效率", "%", "58", "66")}},
	{"qiye", "设备综合效率（OEE）分析系统", 2, []policy.EffectIndicator{ind("设备综合效率", "%", "62", "70")}},
	{"dingsheng", "设备综合效率（OEE）分析系统", 5, nil},
	{"xida", "设备综合效率（OEE）分析系统", 9, []policy.EffectIndicator{lower("非计划停机时间", "小时/月", "46", "30")}},
	{"hengtong", "焊装质量追溯解决方案", 7, []policy.EffectIndicator{lower("客户投诉", "次/季度", "6", "2")}},
	{"xida", "智造云设备管理SaaS", 3, []policy.EffectIndicator{lower("设备故障停机", "小时/月", "30", "21")}},
	{"boao", "智造云设备管理SaaS", 4, []policy.EffectIndicator{ind("点检完成率", "%", "70", "98")}},
	{"kanghua", "智造云设备管理SaaS", 5, nil},
	{"ruiguang", "智造云设备管理SaaS", 10, []policy.EffectIndicator{lower("维修响应时间", "小时", "8", "3")}},
	{"boao", "电子批记录及质量管理系统", 6, []policy.EffectIndicator{lower("批记录差错", "次/月", "12", "1")}},
	{"kanghua", "电子批记录及质量管理系统", 7, []policy.EffectIndicator{lower("批记录审核时间", "天", "5", "1.5")}},
	{"fujin", "质量追溯系统（旧版）", 2, nil},
	{"fujin", "长春工业互联网平台·设备上云服务", 3, []policy.EffectIndicator{lower("单位产值能耗", "千瓦时/万元", "120", "104")}},
	{"hongda", "长春工业互联网平台·设备上云服务", 4, nil},
	{"xincheng", "长春工业互联网平台·设备上云服务", 5, []policy.EffectIndicator{ind("设备联网率", "%", "20", "85")}},
	{"jiguang", "长春工业互联网平台·设备上云服务", 6, nil},
	{"zhongche", "长春工业互联网平台·设备上云服务", 8, []policy.EffectIndicator{ind("设备联网率", "%", "35", "80")}},
	{"ruiguang", "长春工业互联网平台·设备上云服务", 9, []policy.EffectIndicator{ind("数据采集点", "个", "40", "260")}},
	{"huaxin", "供应链协同云服务", 4, []policy.EffectIndicator{lower("缺料停线", "次/月", "5", "1")}},
	{"lianzhu", "供应链协同云服务", 5, []policy.EffectIndicator{lower("供应商交付周期", "天", "7", "4")}},
	{"guidao", "数字化诊断咨询服务", 2, nil},
	{"tongda", "数字化诊断咨询服务", 3, nil},
	{"qiye", "数字化诊断咨询服务", 1, nil},
	{"zhongche", "精益数字化咨询", 5, []policy.EffectIndicator{ind("人均产值", "万元", "60", "66")}},
	{"daqiye", "精益数字化咨询", 7, nil},
}

// Moments of this part, in working days before today: products are on
// offer early; last year's uses are entered; the ranking is run and its
// top proposed shortly before the demo starts.
const (
	productsDay  = 76
	adoptionsDay = 70
	proposalsDay = 30
	listingDay   = 20
	rankingDay   = 10
	callsDay2    = 12
	proposeDay   = 9
)

// providerSeed carries this part's state.
type providerSeed struct {
	*seeder
	year     int // the ranking year: last year
	products map[string]*store.Product
	runs     [2]*store.RankingRun // （三）, （四）
	callIDs  [2]int64             // their calls
}

// providers seeds service providers, products, adoptions and rankings.
func (s *seeder) providers() error {
	p := &providerSeed{seeder: s, year: s.today.Year - 1, products: map[string]*store.Product{}}
	s.on(productsDay, "10:00", p.catalogue)
	s.on(adoptionsDay, "10:00", p.adoptions)
	s.on(proposalsDay, "10:00", p.providerProposals)
	s.on(proposalsDay, "15:00", p.enterpriseDecisions)
	s.on(proposalsDay, "16:00", p.withdraw)
	s.on(listingDay, "10:00", p.listing)
	s.on(callsDay2, "10:00", p.calls)
	s.on(rankingDay, "10:00", p.rank)
	s.on(proposeDay, "10:00", p.propose)
	if err := s.run(); err != nil {
		return fmt.Errorf("demo providers: %w", err)
	}
	return nil
}

// catalogue saves the providers' profiles and products.
func (p *providerSeed) catalogue() error {
	for user, prof := range demoProfiles {
		if _, err := p.a.SaveProviderProfile(p.ctx, p.actor(user), prof); err != nil {
			return fmt.Errorf("profile of %s: %w", user, err)
		}
	}
	for _, d := range demoProducts {
		pr, err := p.a.CreateProduct(p.ctx, p.actor(d.user), app.ProductInput{Kind: d.kind, Name: d.name, Description: d.desc,
			Scenarios: d.scenarios, Properties: d.props, PriceFen: d.yuan * 100})
		if err != nil {
			return fmt.Errorf("product %s: %w", d.name, err)
		}
		p.products[d.name] = pr
	}
	return nil
}

func (p *providerSeed) contract(user string, i, month int) (string, string) {
	return fmt.Sprintf("HT%d-%s-%02d", p.year, user, i+1), fmt.Sprintf("%d-%02d-%02d", p.year, month, 8+i%15)
}

// adoptions are the enterprises' own records of last year's uses.
func (p *providerSeed) adoptions() error {
	for i, d := range demoAdoptions {
		no, date := p.contract(d.user, i, d.month)
		if _, err := p.a.RecordAdoption(p.ctx, p.actor(d.user), app.AdoptionInput{ProductID: p.products[d.product].ID,
			ContractNo: no, ContractDate: date, Effects: d.effects}); err != nil {
			return fmt.Errorf("adoption %s %s: %w", d.user, d.product, err)
		}
	}
	// A provider's own use is no adoption: the system must refuse it.
	own := p.products["轻量化MES系统"]
	_, err := p.a.RecordAdoption(p.ctx, p.actor("qiming"), app.AdoptionInput{ProductID: own.ID, ContractNo: "ZY-1",
		ContractDate: fmt.Sprintf("%d-06-01", p.year)})
	if dtfund.ErrorCode(err) != dtfund.EINVALID && dtfund.ErrorCode(err) != dtfund.ECONFLICT {
		return fmt.Errorf("a provider's record of its own use was not refused (第二十条): %v", err)
	}
	return nil
}

// providerProposals are records entered by providers for enterprises.
func (p *providerSeed) providerProposals() error {
	for i, x := range []struct{ provider, product, enterprise string }{
		{"qiming", "轻量化MES系统", "长春光华微电子有限公司"},           // awaits qiye2's confirmation
		{"fuwushang", "智造云设备管理SaaS", "长春新程汽车电子有限公司"},    // xincheng rejects it
		{"pingtai", "长春工业互联网平台·设备上云服务", "长春天成电子科技有限公司"}, // tiancheng confirms it
	} {
		no, date := p.contract(x.provider, 40+i, 11)
		if _, err := p.a.ProposeAdoption(p.ctx, p.actor(x.provider), app.AdoptionInput{ProductID: p.products[x.product].ID,
			EnterpriseUSCC: p.orgs[x.enterprise].USCC, ContractNo: no, ContractDate: date}); err != nil {
			return fmt.Errorf("proposal by %s: %w", x.provider, err)
		}
	}
	return nil
}

// enterpriseDecisions: one enterprise confirms a proposal, another rejects one.
func (p *providerSeed) enterpriseDecisions() error {
	for _, x := range []struct {
		user    string
		confirm bool
	}{{"tiancheng", true}, {"xincheng", false}} {
		who := p.actor(x.user)
		ads, _, err := p.a.FindAdoptions(p.ctx, who, store.AdoptionFilter{State: store.AdoptionProposed})
		if err != nil || len(ads) != 1 {
			return fmt.Errorf("%s's proposals: %d, %v", x.user, len(ads), err)
		}
		if x.confirm {
			_, err = p.a.ConfirmAdoption(p.ctx, who, ads[0].ID, []policy.EffectIndicator{ind("设备联网率", "%", "10", "75")})
		} else {
			err = p.a.RejectAdoption(p.ctx, who, ads[0].ID, "本企业未与该服务商签订此合同，设备管理系统为自建。")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// withdraw: a provider takes an old product off the catalogue.
func (p *providerSeed) withdraw() error {
	return p.a.WithdrawProduct(p.ctx, p.actor("fuwushang"), p.products["质量追溯系统（旧版）"].ID)
}

// listing puts 沈阳东软 on the 严重失信 list: the rankings exclude it.
func (p *providerSeed) listing() error {
	_, err := p.a.AddCreditRecord(p.ctx, p.actor("shigongxin"), app.CreditInput{OrgID: p.orgs["沈阳东软智能制造咨询有限公司"].ID,
		Kind: string(policy.CreditSeriousDishonesty), StartDate: p.day(listingDay).String(), StillListed: true,
		Note: "列入严重失信主体名单", Source: "信用中国"})
	return err
}

// rankingCalls are the calls the rankings' awards go into; they take no
// applications of their own (the open calls of SeedCalls do).
var rankingCalls = [2]struct{ category, title, notice string }{
	{"7.3", "%d年度优秀“小快轻准”产品和服务奖励（排名推荐）", "依据办法第七条（三），按%d年度企业应用数量、应用成效排名，对优秀“小快轻准”产品和服务予以奖励，每个不超过5万元，每家服务商累计不超过50万元。本批次由排名推荐，不接受自主申报。"},
	{"7.4", "%d年度优秀数字化服务商奖补（排名推荐）", "依据办法第七条（四），按%d年度服务商方案落地数量、服务效果排名遴选，每家不超过20万元。本批次由排名推荐，不接受自主申报。"},
}

func (p *providerSeed) calls() error {
	for i, rc := range rankingCalls {
		c := &dtfund.Call{Category: rc.category, Title: fmt.Sprintf(rc.title, p.year), Notice: fmt.Sprintf(rc.notice, p.year),
			OpensAt: p.moment(callsDay2, "10:00"), ClosesAt: p.moment(callsDay2-1, "10:00"), Materials: []string{"排名结果"},
			BudgetLine: "中小企业数字化转型城市试点专项资金", Rubric: demoRubric}
		if err := p.a.CreateCall(p.ctx, p.actor("shigongxin"), c); err != nil {
			return err
		}
		p.callIDs[i] = c.ID
	}
	return nil
}

// rank runs last year's rankings of （三） and （四）.
func (p *providerSeed) rank() error {
	from, to := strconv.Itoa(p.year)+"-01-01", strconv.Itoa(p.year)+"-12-31"
	for i, kind := range []policy.RankKind{policy.RankProducts, policy.RankProviders} {
		run, err := p.a.RunRanking(p.ctx, p.actor("shigongxin"), app.RankingInput{Kind: string(kind), From: from, To: to})
		if err != nil {
			return err
		}
		p.runs[i] = run
	}
	return nil
}

// propose turns the top of each ranking into proposed awards: the top 5
// products at 5万元 each, the top 2 providers at 20万元 each.
func (p *providerSeed) propose() error {
	for i, x := range []struct {
		top    int
		amount int64
	}{{5, 5 * wanFen}, {2, 20 * wanFen}} {
		if _, err := p.a.ProposeRankingAwards(p.ctx, p.actor("shigongxin"), app.RankingProposalInput{RunID: p.runs[i].ID,
			CallID: p.callIDs[i], TopN: x.top, AmountFen: x.amount}); err != nil {
			return err
		}
	}
	return nil
}
