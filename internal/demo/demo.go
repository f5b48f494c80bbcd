// Package demo fills a fresh database with realistic demonstration data:
// organisations inside and outside the four pilot industries of every size,
// service providers from Changchun and elsewhere, accounts for every role
// (an applicant for each category of call), the expert pool, a pre-built
// history in which applications reached every state of 第十四条, and one
// open call of each category for a newcomer's own applications.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/uscc"
)

// Password is the password of every demo account. It is printed at start;
// a demo database is for trying the system, never for real data.
const Password = "Dtfund2026demo"

// Account is a demo login, printed when the demo starts.
type Account struct {
	Username string
	Role     dtfund.Role
	Note     string
}

type orgSeed struct {
	name       string
	kind       dtfund.OrgKind
	region     string
	district   string
	industry   string
	applicant  bool
	provider   bool
	employees  int64
	revenueWan int64 // 万元
	assetsWan  int64
}

// orgSeeds cover the cases the rules distinguish: each pilot industry,
// every size class (including the "or" rule: 1200 staff but revenue under
// 40000万 is still an SME), large enterprises, other industries, providers
// registered outside Jilin, and a public institution.
var orgSeeds = []orgSeed{
	{"长春一汽富晟汽车零部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 320, 52000, 38000},
	{"长春旭阳汽车饰件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 1200, 30000, 26000},
	{"长春市宏达汽车配件厂", dtfund.OrgEnterprise, "220106", "220106", "3670", true, false, 45, 1800, 900},
	{"长春轨道客车配件有限公司", dtfund.OrgEnterprise, "220106", "220106", "3720", true, false, 260, 9000, 7000},
	{"长春中车轨道装备制造有限公司", dtfund.OrgEnterprise, "220106", "220106", "3715", true, false, 2600, 180000, 260000},
	{"长春光华微电子有限公司", dtfund.OrgEnterprise, "220173", "220173", "3982", true, false, 15, 260, 400},
	{"长春希达电子元件有限公司", dtfund.OrgEnterprise, "220173", "220173", "3971", true, false, 180, 12000, 9000},
	{"吉林敖东长春中药有限公司", dtfund.OrgEnterprise, "220122", "220122", "2740", true, false, 410, 36000, 41000},
	{"长春长生生物制品有限公司", dtfund.OrgEnterprise, "220172", "220172", "2761", true, false, 90, 6500, 12000},
	{"长春金赛基因药业有限公司", dtfund.OrgEnterprise, "220173", "220173", "2762", true, false, 1500, 520000, 610000},
	{"长春皓月清真食品有限公司", dtfund.OrgEnterprise, "220184", "220184", "1351", true, false, 700, 45000, 30000},
	{"长春鑫源钢结构工程有限公司", dtfund.OrgEnterprise, "220113", "220113", "3311", true, false, 60, 3500, 2000},
	{"德惠市粮油加工有限公司", dtfund.OrgEnterprise, "220183", "220183", "1311", true, false, 25, 280, 300},
	{"长春启明数字科技有限公司", dtfund.OrgEnterprise, "220173", "220173", "6513", false, true, 120, 8000, 5000},
	{"长春工业互联网平台运营有限公司", dtfund.OrgEnterprise, "220172", "220172", "6450", false, true, 80, 4000, 3000},
	{"北京智造云科技有限公司", dtfund.OrgEnterprise, "110108", "", "6513", false, true, 600, 90000, 60000},
	{"上海数联工业软件有限公司", dtfund.OrgEnterprise, "310115", "", "6513", false, true, 300, 30000, 20000},
	{"沈阳东软智能制造咨询有限公司", dtfund.OrgEnterprise, "210112", "", "7249", false, true, 150, 9000, 4000},
	{"长春市工业和信息化发展研究中心", dtfund.OrgInstitution, "220102", "220102", "7320", false, true, 40, 0, 0},
	{"长春市中小企业数字化转型促进会", dtfund.OrgAssociation, "220104", "220104", "9521", false, true, 12, 0, 0},
	// The applicants of the pre-built history (history.go), each with its
	// own account so that its side of the process can be seen.
	{"长春富锦汽车零部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 150, 6000, 4000},
	{"长春恒通汽车座椅部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 380, 28000, 15000},
	{"长春瑞光电子元件有限公司", dtfund.OrgEnterprise, "220173", "220173", "3981", true, false, 95, 4200, 3000},
	{"长春新程汽车电子有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 210, 16000, 9000},
	{"长春博奥生物医药有限公司", dtfund.OrgEnterprise, "220173", "220173", "2761", true, false, 130, 9000, 11000},
	{"长春鼎盛轨道交通装备有限公司", dtfund.OrgEnterprise, "220106", "220106", "3716", true, false, 140, 7000, 5000},
	{"长春华信汽车部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 260, 12000, 8000},
	{"长春天成电子科技有限公司", dtfund.OrgEnterprise, "220173", "220173", "3973", true, false, 60, 2500, 1800},
	{"长春通达轨道车辆配件有限公司", dtfund.OrgEnterprise, "220106", "220106", "3715", true, false, 180, 8500, 6000},
	{"长春康华药业有限公司", dtfund.OrgEnterprise, "220173", "220173", "2740", true, false, 240, 15000, 12000},
	{"长春吉光电子有限公司", dtfund.OrgEnterprise, "220173", "220173", "3982", true, false, 75, 3200, 2100},
	// Applicants of the history whose awards go on to their retrofit
	// projects' acceptance (projects.go).
	{"长春精工汽车零部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 230, 11000, 7000},
	{"长春宏运汽车部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 110, 5200, 3300},
	{"长春丰泰汽车零部件有限公司", dtfund.OrgEnterprise, "220174", "220174", "3670", true, false, 170, 8800, 5100},
	{"长春芯意电子科技有限公司", dtfund.OrgEnterprise, "220173", "220173", "3976", true, false, 65, 3900, 2600},
	{"长春铁运轨道装备配件有限公司", dtfund.OrgEnterprise, "220106", "220106", "3716", true, false, 150, 7600, 5400},
}

// Seed creates the demo organisations, accounts and expert pool, the
// pre-built history of the process in two closed calls (history.go), and
// one open call of each category (SeedCalls), and returns the accounts.
// While the history is seeded the app's and the database's clocks are set
// back (clock.go); both get a.Now back at the end.
func Seed(ctx context.Context, a *app.App) ([]Account, error) {
	if err := ensureFilesDir(a); err != nil {
		return nil, err
	}
	s, err := newSeeder(ctx, a)
	if err != nil {
		return nil, err
	}
	defer s.restoreClock()
	h := newHistory(s)
	s.set(s.moment(setupDay, "09:00"))
	if err := s.organizations(); err != nil {
		return nil, err
	}
	accounts, err := s.accounts(h.year)
	if err != nil {
		return nil, err
	}
	if err := s.experts(); err != nil {
		return nil, err
	}
	if err := s.budgets(); err != nil { // before the history: its approvals commit money (budget.go)
		return nil, err
	}
	if err := h.seed(); err != nil {
		return nil, fmt.Errorf("demo history: %w", err)
	}
	if err := s.payments(); err != nil { // after the history: its approved awards are paid (payments.go)
		return nil, err
	}
	if err := s.afterAward(); err != nil {
		return nil, err
	}
	s.restoreClock()
	calls, err := SeedCalls(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := s.announcements(calls); err != nil {
		return nil, err
	}
	return accounts, nil
}

// organizations creates the demo organisations.
func (s *seeder) organizations() error {
	actor := app.SystemActor("demo")
	r := rand.New(rand.NewPCG(2026, 11))
	for _, o := range orgSeeds {
		org := o.organization(r)
		if err := s.a.CreateOrganization(s.ctx, actor, org); err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.name, err)
		}
		s.orgs[org.Name] = org
	}
	return nil
}

// accounts creates the demo accounts; year names the history's call in
// the notes.
func (s *seeder) accounts(year int) ([]Account, error) {
	actor := app.SystemActor("demo")
	var out []Account
	for _, acc := range demoAccounts(year) {
		u := &dtfund.User{Username: acc.username, DisplayName: acc.display, Role: acc.role, DistrictCode: acc.district}
		if acc.org != "" {
			org, ok := s.orgs[acc.org]
			if !ok {
				return nil, fmt.Errorf("demo user %s: no organisation %s", acc.username, acc.org)
			}
			u.OrgID = org.ID
		}
		if err := s.a.CreateUser(s.ctx, actor, u, Password); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Username, err)
		}
		s.users[u.Username] = u
		out = append(out, Account{Username: u.Username, Role: u.Role, Note: acc.note})
	}
	return out, nil
}

func (s orgSeed) organization(r *rand.Rand) *dtfund.Organization {
	authority, entity := byte('9'), byte('1')
	switch s.kind {
	case dtfund.OrgInstitution:
		authority, entity = '1', '2'
	case dtfund.OrgAssociation:
		authority, entity = '5', '1'
	}
	o := &dtfund.Organization{
		USCC: uscc.Generate(r, authority, entity, s.region), Name: s.name, Kind: s.kind, LegalPerson: true,
		RegionCode: s.region, DistrictCode: s.district, IndustryCode: s.industry, IsApplicant: s.applicant, IsProvider: s.provider,
		ContactName: "张经理", ContactPhone: "0431-8" + fmt.Sprintf("%07d", r.IntN(10000000)),
	}
	for _, y := range []int{2024, 2025} {
		// The earlier year a little smaller, so the history looks real.
		scale := int64(100)
		if y == 2024 {
			scale = 92
		}
		o.SizeFacts = append(o.SizeFacts, dtfund.SizeFact{Year: y, Employees: s.employees * scale / 100,
			RevenueFen: s.revenueWan * scale / 100 * 1_000_000, AssetsFen: s.assetsWan * 1_000_000})
	}
	return o
}

type demoAccount struct {
	username, display string
	role              dtfund.Role
	district          string // district officials
	org               string // applicants: the organisation's name
	note              string
}

// demoAccounts are the logins: first those a newcomer needs to take new
// applications through the process (each applicant with the category it
// naturally applies for), then one per organisation of the pre-built
// history, whose notes say which state its application is in.
func demoAccounts(year int) []demoAccount {
	applicant := func(name, display, org, note string) demoAccount {
		return demoAccount{username: name, display: display, role: dtfund.RoleApplicant, org: org, note: note}
	}
	official := func(name, display string, role dtfund.Role, district, note string) demoAccount {
		return demoAccount{username: name, display: display, role: role, district: district, note: note}
	}
	out := []demoAccount{
		applicant("qiye", "李明（企业）", "长春一汽富晟汽车零部件有限公司", "长春一汽富晟汽车零部件有限公司（汽开区，汽车零部件，中型）。可申报：第七条（一）数字化改造"),
		applicant("qiye2", "王芳（企业）", "长春光华微电子有限公司", fmt.Sprintf("长春光华微电子有限公司（高新区，电子元器件，微型）。可申报：第七条（二）上云上平台；另有%d年批次未提交的草稿", year)),
		applicant("qiming", "钱宇（服务商）", "长春启明数字科技有限公司", "长春启明数字科技有限公司（高新区，数字化服务商）。可申报：第七条（三）“小快轻准”产品、第七条（四）优秀服务商"),
		applicant("fuwushang", "赵强（服务商）", "北京智造云科技有限公司", "北京智造云科技有限公司（注册地北京，服务商）。可申报：第七条（三）（四），无属地县区，由市工信局初审"),
		applicant("lianzhu", "孟凯（链主企业）", "长春旭阳汽车饰件有限公司", fmt.Sprintf("长春旭阳汽车饰件有限公司（汽开区，汽车内饰链主企业）。可申报：第七条（五）“链式”转型；%d年批次已获批奖补（中央资金），因偏离绩效目标被汽开区暂缓执行（第十八条）", year)),
		applicant("yanjiu", "宋洁（研究中心）", "长春市工业和信息化发展研究中心", "长春市工业和信息化发展研究中心（南关区，事业单位）。可申报：第七条（六）政府采购服务"),
		applicant("daqiye", "高远（大型企业）", "长春金赛基因药业有限公司", "长春金赛基因药业有限公司（高新区，生物药品，大型企业）。可申报：地方配套资金（第八条）"),
		applicant("pingtai", "刘洋（平台服务商）", "长春工业互联网平台运营有限公司", "长春工业互联网平台运营有限公司（净月高新区，工业互联网平台）。维护上云上平台云服务等产品（/provider/products），查看企业的应用记录"),
		applicant("dongruan", "白雪（服务商）", "沈阳东软智能制造咨询有限公司", "沈阳东软智能制造咨询有限公司（注册地沈阳，服务商）。已列入严重失信主体名单：排名时依第十一条（一）不予排名"),
		official("qixian", "孙伟（汽开区工信）", dtfund.RoleDistrictMIIT, "220174", "长春汽车经济技术开发区：初审 qiye、lianzhu 的申报；过程监督（一项整改逾期）"),
		official("gaoxin", "周敏（高新区工信）", dtfund.RoleDistrictMIIT, "220173", "长春高新技术产业开发区：初审 qiye2、qiming、daqiye 的申报"),
		official("lvyuan", "钱涛（绿园区工信）", dtfund.RoleDistrictMIIT, "220106", "绿园区：初审历史批次中绿园区企业的申报"),
		official("nanguan", "何平（南关区工信）", dtfund.RoleDistrictMIIT, "220102", "南关区：初审 yanjiu 的申报"),
		official("qicai", "吴静（汽开区财政）", dtfund.RoleDistrictFinance, "220174", "长春汽车经济技术开发区"),
		official("lvcai", "韩梅（绿园区财政）", dtfund.RoleDistrictFinance, "220106", "绿园区：拨付中车的奖补（预置数据）"),
		official("shigongxin", "郑磊（市工信局）", dtfund.RoleCityMIIT, "", "批次、注册地在外地的服务商初审、专家评审、资格复核、公示、审批"),
		official("shicaizheng", "冯丽（市财政局）", dtfund.RoleCityFinance, "", "资格复核会签"),
	}
	for _, e := range expertSeeds {
		out = append(out, official(e.username, e.display, dtfund.RoleExpert, "", e.field+"，"+e.affiliation))
	}
	out = append(out,
		official("hecha", "褚会计师（第三方机构）", dtfund.RoleInspector, "", "第三方核查机构：核查任务（第十七条）"),
		official("admin", "系统管理员", dtfund.RoleAdmin, "", ""))
	for _, p := range historyPlans {
		if p.contact == "" {
			continue // the organisation's account is one of those above
		}
		out = append(out, applicant(p.user, p.contact, p.org, fmt.Sprintf("%s（%s）。%d年批次：%s", p.org, p.district, year, p.story)))
	}
	return out
}
