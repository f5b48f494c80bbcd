// Package demo fills a fresh database with realistic demonstration data:
// organisations inside and outside the four pilot industries of every size,
// service providers from Changchun and elsewhere, and one account per role.
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
}

// Seed creates the demo organisations and accounts and returns the accounts.
func Seed(ctx context.Context, a *app.App) ([]Account, error) {
	actor := app.SystemActor("demo")
	r := rand.New(rand.NewPCG(2026, 11))
	orgs := make([]*dtfund.Organization, len(orgSeeds))
	for i, s := range orgSeeds {
		o := s.organization(r)
		if err := a.CreateOrganization(ctx, actor, o); err != nil {
			return nil, fmt.Errorf("demo organisation %s: %w", s.name, err)
		}
		orgs[i] = o
	}
	accounts := demoAccounts(orgs)
	for _, acc := range accounts {
		if err := a.CreateUser(ctx, actor, acc.user, Password); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", acc.user.Username, err)
		}
	}
	out := make([]Account, len(accounts))
	for i, acc := range accounts {
		out[i] = Account{Username: acc.user.Username, Role: acc.user.Role, Note: acc.note}
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
	user *dtfund.User
	note string
}

func demoAccounts(orgs []*dtfund.Organization) []demoAccount {
	u := func(name, display string, role dtfund.Role, district string, org int64, note string) demoAccount {
		return demoAccount{&dtfund.User{Username: name, DisplayName: display, Role: role, DistrictCode: district, OrgID: org}, note}
	}
	return []demoAccount{
		u("qiye", "李明（企业）", dtfund.RoleApplicant, "", orgs[0].ID, orgs[0].Name+"（汽开区，汽车零部件，中型）"),
		u("qiye2", "王芳（企业）", dtfund.RoleApplicant, "", orgs[5].ID, orgs[5].Name+"（高新区，电子元器件，微型）"),
		u("fuwushang", "赵强（服务商）", dtfund.RoleApplicant, "", orgs[15].ID, orgs[15].Name+"（注册地北京）"),
		u("qixian", "孙伟（汽开区工信）", dtfund.RoleDistrictMIIT, "220174", 0, "长春汽车经济技术开发区"),
		u("gaoxin", "周敏（高新区工信）", dtfund.RoleDistrictMIIT, "220173", 0, "长春高新技术产业开发区"),
		u("qicai", "吴静（汽开区财政）", dtfund.RoleDistrictFinance, "220174", 0, "长春汽车经济技术开发区"),
		u("shigongxin", "郑磊（市工信局）", dtfund.RoleCityMIIT, "", 0, ""),
		u("shicaizheng", "冯丽（市财政局）", dtfund.RoleCityFinance, "", 0, ""),
		u("zhuanjia", "陈教授（专家）", dtfund.RoleExpert, "", 0, "吉林大学"),
		u("hecha", "褚会计师（第三方机构）", dtfund.RoleInspector, "", 0, "第三方核查机构"),
		u("admin", "系统管理员", dtfund.RoleAdmin, "", 0, ""),
	}
}
