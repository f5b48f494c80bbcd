package demo

import (
	"context"
	"fmt"
	"time"

	"dtfund"
	"dtfund/internal/app"
)

// callSeed is one demo call: a category of 第七条 (or local work) with a
// realistic title, notice and list of materials.
type callSeed struct {
	category  string
	title     string
	notice    string
	materials []string
	window    [2]string
}

var callSeeds = []callSeed{
	{"7.1", "2026年长春市中小企业数字化改造项目申报（第一批）",
		"根据《长春市中小企业数字化转型专项资金使用管理办法（暂行）》第七条（一），现组织汽车零部件配件制造、轨道交通高端装备制造、" +
			"电子元器件制造、中成药生物药品制造四个试点行业中小企业申报数字化改造奖补。\n\n" +
			"一、支持内容：与数字化改造相关的软件、云服务支出，网关、路由等必要的数据采集传输设备支出，以及咨询诊断等服务支出。\n" +
			"二、支持标准：最高不超过核定改造投入的50%，累计最高不超过50万元；生产制造环节数字化改造可适当增加奖补力度。\n" +
			"三、申报条件：在长春市依法注册登记，具有独立法人资格，依法纳税，财务及信用记录良好；合同、发票、付款日期须在项目实施期内。\n" +
			"四、申报方式：通过本系统在线填报，向属地县（市）区、开发区工业和信息化主管部门报送。",
		[]string{"申报书", "发票及付款凭证", "合同"}, [2]string{"2025-01-01", "2026-12-31"}},
	{"7.2", "2026年工业互联网平台创新应用和复制推广项目申报",
		"依据办法第七条（二），支持企业上云上平台（每家1-3万元），以及成效显著、可复制推广的工业互联网平台创新应用新产品新模式新业态标杆（每个5-20万元）。",
		[]string{"申报书", "上云上平台服务合同或应用成效证明"}, [2]string{}},
	{"7.3", "2026年优秀“小快轻准”数字化产品和服务遴选",
		"依据办法第七条（三），对遴选的“小快轻准”数字化转型产品服务和解决方案，按企业应用数量、应用成效排名，" +
			"对优秀产品和服务予以奖励，每个不超过5万元，每家服务商累计不超过50万元。服务商在中华人民共和国境内依法注册登记即可申报。",
		[]string{"申报书", "产品和服务说明", "应用企业清单及证明"}, [2]string{}},
	{"7.4", "2026年优秀数字化服务商遴选",
		"依据办法第七条（四），根据数字化服务商为企业开展数字化转型服务及企业采纳应用方案情况排名、遴选，对服务效果良好、" +
			"转型方案应用落地数量多的服务商予以奖补，每家不超过20万元。",
		[]string{"申报书", "服务企业清单及服务合同"}, [2]string{}},
	{"7.5", "2026年高效“链式”数字化转型典型应用申报",
		"依据办法第七条（五），支持打造形成高效的“链式”数字化转型产品和应用，每个产品和服务奖补最高不超过20万元。",
		[]string{"申报书", "链上企业应用情况说明"}, [2]string{}},
	{"7.6", "2026年数字化转型公共服务政府采购项目",
		"依据办法第七条（六），以政府采购形式购买数字化转型公共服务平台搭建、数字化水平评测、验收及评审、人才培训和公益服务、" +
			"第三方专家智库支撑等服务。",
		[]string{"响应文件", "资质证明"}, [2]string{}},
	{"local", "2026年工业企业数字化转型地方配套资金项目申报",
		"依据办法第八条、第九条，地方配套资金支持国家备案行业的中小企业，同时支持国家备案行业的大型企业和其他行业企业数字化转型相关的其他工作。",
		[]string{"申报书", "项目投资证明"}, [2]string{}},
}

// demoRubric is the experts' rubric of every demo call.
var demoRubric = dtfund.Rubric{Criteria: []dtfund.Criterion{{Name: "方案先进性", Weight: 30}, {Name: "实施基础", Weight: 30},
	{Name: "预期成效", Weight: 40}}, PassMark: 60}

// SeedCalls creates one open call for each category of 第七条 and for local
// work, open from a day ago for sixty days, as the city bureau would.
func SeedCalls(ctx context.Context, a *app.App) ([]*dtfund.Call, error) {
	city := app.Actor{User: &dtfund.User{Username: "demo", DisplayName: "演示数据", Role: dtfund.RoleCityMIIT}}
	now := a.Now().UTC().Truncate(time.Minute)
	var calls []*dtfund.Call
	for _, s := range callSeeds {
		c := &dtfund.Call{Category: s.category, Title: s.title, Notice: s.notice, OpensAt: now.Add(-24 * time.Hour),
			ClosesAt: now.Add(60 * 24 * time.Hour), WindowFrom: s.window[0], WindowTo: s.window[1], Materials: s.materials,
			BudgetLine: "中小企业数字化转型城市试点专项资金", Rubric: demoRubric}
		if err := a.CreateCall(ctx, city, c); err != nil {
			return nil, fmt.Errorf("demo call %s: %w", s.title, err)
		}
		calls = append(calls, c)
	}
	return calls, nil
}
