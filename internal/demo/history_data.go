package demo

import "dtfund"

// The content of the pre-built history: who applied for what, and how far
// each application went. history.go takes them there through the real use
// cases. Days are working days before the demo starts.

// Moments of the history, in working days before today.
const (
	setupDay     = 80 // organisations, accounts, expert pool, credit records
	callsDay     = 78 // the two calls are published …
	callOpenDay  = 75 // … open at 09:00 …
	callCloseDay = 55 // … and close at 17:00
)

// spendItem is one claimed spending item (第七条（一）), in 元.
type spendItem struct {
	typ, supplier, desc string
	yuan                int64
}

// histPlan is one pre-built application.
type histPlan struct {
	user, contact string // the applicant's account and its display name ("": an account above)
	org, district string
	story         string // where the application ends, for the account list
	local         bool   // the local-fund call, else the 7.1 call
	title, desc   string
	items         []spendItem
	requestedYuan int64    // 0: half the spending (the 50% of 第七条（一）)
	providers     []string // service providers' names
	start, submit int      // days; submit 0: never submitted (a draft)
	scores        [3]int   // the experts' base scores per criterion
}

const (
	qiming  = "长春启明数字科技有限公司"
	platfm  = "长春工业互联网平台运营有限公司"
	beijing = "北京智造云科技有限公司"
)

// historyPlans, one per state of the process; the user names say whose.
var historyPlans = []histPlan{
	{user: "qiye2", org: "长春光华微电子有限公司", district: "高新区", story: "草稿（未提交）", submit: 0, start: 58,
		title: "SMT产线数据采集与MES轻量化改造", desc: "对两条SMT贴片产线加装数据采集网关，部署轻量化MES，实现工单、物料和质量数据在线管理。",
		items: []spendItem{{"software", qiming, "轻量化MES系统", 160000}, {"data_equipment", "长春华为技术服务有限公司", "工业网关8台", 58000}}},
	{user: "hengtong", contact: "钱进（恒通座椅）", org: "长春恒通汽车座椅部件有限公司", district: "汽开区", story: "已申报，待汽开区初审（qixian）",
		start: 60, submit: 56, title: "座椅骨架焊装车间数字化改造",
		desc:  "焊装车间12台焊接机器人联网，建设焊接参数监控与质量追溯系统，打通与主机厂的订单协同。",
		items: []spendItem{{"software", qiming, "焊装MES及质量追溯系统", 320000}, {"data_equipment", "长春智联自动化有限公司", "设备联网网关及传感器", 120000}, {"consulting", platfm, "数字化诊断咨询", 50000}}},
	{user: "xida", contact: "孙丽（希达电子）", org: "长春希达电子元件有限公司", district: "高新区", story: "已申报，待高新区初审（gaoxin）",
		start: 62, submit: 57, title: "电子元件检测数据采集与质量追溯系统",
		desc:  "对自动光学检测设备加装数据采集终端，建设批次质量追溯系统，缩短质量问题定位时间。",
		items: []spendItem{{"software", beijing, "质量追溯系统", 220000}, {"data_equipment", "长春智联自动化有限公司", "数据采集终端20套", 85000}}},
	{user: "fujin", contact: "周涛（富锦零部件）", org: "长春富锦汽车零部件有限公司", district: "汽开区", story: "退回补正，可修改后重新提交",
		start: 68, submit: 66, title: "冲压车间设备联网与能耗监测改造",
		desc:  "冲压车间18台压力机联网，建设设备状态与能耗监测平台。",
		items: []spendItem{{"software", platfm, "设备与能耗监测平台", 120000}, {"data_equipment", "长春智联自动化有限公司", "工业网关及电能表", 96000}, {"consulting", platfm, "能效诊断咨询", 30000}}},
	{user: "hongda", contact: "吴刚（宏达配件）", org: "长春市宏达汽车配件厂", district: "绿园区", story: "不予推荐（经营异常名录，第十三条）",
		start: 66, submit: 64, title: "汽车配件仓储条码管理系统建设",
		desc:  "建设仓储条码管理系统，实现出入库扫码和库存实时查询。",
		items: []spendItem{{"software", platfm, "仓储条码管理系统", 68000}, {"data_equipment", "长春智联自动化有限公司", "手持终端及打印机", 24000}}},
	{user: "guidao", contact: "郑伟（轨道客车配件）", org: "长春轨道客车配件有限公司", district: "绿园区", story: "县区已推荐（已在推荐函中），待组织专家评审",
		start: 65, submit: 63, title: "转向架配件加工数字化车间改造",
		desc:  "转向架配件机加工车间数控设备联网，部署生产执行与刀具管理系统。",
		items: []spendItem{{"software", qiming, "生产执行与刀具管理系统", 260000}, {"data_equipment", "长春智联自动化有限公司", "数控系统数据采集模块", 110000}, {"consulting", platfm, "数字化转型诊断", 40000}}},
	{user: "ruiguang", contact: "冯雪（瑞光电子）", org: "长春瑞光电子元件有限公司", district: "高新区", story: "专家评审中（一位专家尚未评分）",
		start: 71, submit: 69, title: "片式电阻生产线数据采集改造", scores: [3]int{80, 78, 82},
		desc:  "片式电阻生产线关键设备加装数据采集，建设良率分析看板。",
		items: []spendItem{{"software", platfm, "良率分析系统", 150000}, {"data_equipment", "长春智联自动化有限公司", "数据采集网关", 70000}}},
	{user: "xincheng", contact: "陈晨（新程汽车电子）", org: "长春新程汽车电子有限公司", district: "汽开区", story: "评审未通过",
		start: 70, submit: 68, title: "汽车电子装配线信息化改造", scores: [3]int{52, 55, 48},
		desc:  "采购办公协同软件和云存储服务，提升部门间协作效率。",
		items: []spendItem{{"software", platfm, "办公协同软件", 90000}, {"cloud", platfm, "云存储服务", 30000}, {"other", "长春某装修公司", "会议室改造", 40000}}},
	{user: "boao", contact: "韩梅（博奥生物）", org: "长春博奥生物医药有限公司", district: "高新区", story: "评审通过，资格复核市工信局已会签、待市财政局会签",
		start: 72, submit: 70, title: "疫苗生产批记录电子化与质量管理系统", scores: [3]int{85, 82, 86},
		desc:  "建设电子批记录和质量管理系统，实现生产全过程数据可追溯，满足GMP数据完整性要求。",
		items: []spendItem{{"software", beijing, "电子批记录及质量管理系统", 380000}, {"consulting", platfm, "数据完整性咨询", 60000}}},
	{user: "dingsheng", contact: "许峰（鼎盛轨道）", org: "长春鼎盛轨道交通装备有限公司", district: "绿园区", story: "资格复核未通过（评审后列入严重失信主体名单，第十一条（一））",
		start: 69, submit: 67, title: "轨道车辆制动配件加工设备联网改造", scores: [3]int{78, 80, 76},
		desc:  "制动配件加工设备联网，建设设备综合效率分析系统。",
		items: []spendItem{{"software", qiming, "设备综合效率分析系统", 180000}, {"data_equipment", "长春智联自动化有限公司", "设备联网模块", 100000}}},
	{user: "kanghua", contact: "邓敏（康华药业）", org: "长春康华药业有限公司", district: "高新区", story: "资格复核通过，待列入公示",
		start: 73, submit: 71, title: "中药提取车间自动化控制与数据采集改造", scores: [3]int{84, 86, 83},
		desc:  "中药提取车间工艺参数自动采集，建设批生产数据管理系统。",
		items: []spendItem{{"software", beijing, "批生产数据管理系统", 300000}, {"data_equipment", "长春智联自动化有限公司", "工艺参数采集终端", 140000}, {"consulting", platfm, "工艺数字化诊断", 50000}}},
	{user: "huaxin", contact: "罗斌（华信汽车部件）", org: "长春华信汽车部件有限公司", district: "汽开区", story: "公示中，有一条待核查的异议",
		start: 74, submit: 72, title: "汽车线束生产MES及设备联网改造", scores: [3]int{82, 79, 84}, providers: []string{qiming},
		desc:  "线束生产线设备联网，部署MES并与主机厂供应链平台对接。",
		items: []spendItem{{"software", qiming, "线束MES系统", 350000}, {"data_equipment", "长春智联自动化有限公司", "设备联网网关", 120000}, {"cloud", platfm, "供应链协同云服务（一年）", 36000}}},
	{user: "tiancheng", contact: "马骏（天成电子）", org: "长春天成电子科技有限公司", district: "高新区", story: "公示异议成立，已退出公示",
		start: 67, submit: 65, title: "集成电路封装测试数据采集改造", scores: [3]int{76, 74, 78},
		desc:  "封装测试设备数据采集，建设测试数据分析平台。",
		items: []spendItem{{"software", platfm, "测试数据分析平台", 140000}, {"data_equipment", "长春智联自动化有限公司", "数据采集设备", 60000}}},
	{user: "tongda", contact: "董亮（通达配件）", org: "长春通达轨道车辆配件有限公司", district: "绿园区", story: "公示期满无异议，待政府审批",
		start: 74, submit: 73, title: "铁路车辆配件数控加工设备联网改造", scores: [3]int{81, 83, 80},
		desc:  "数控加工中心联网，建设生产排程与质量检测数据系统。",
		items: []spendItem{{"software", qiming, "生产排程与质量数据系统", 240000}, {"data_equipment", "长春智联自动化有限公司", "数控设备联网模块", 90000}, {"consulting", platfm, "精益数字化咨询", 40000}}},
	{user: "lianzhu", org: "长春旭阳汽车饰件有限公司", district: "汽开区", story: "已批准，奖补（中央资金）",
		start: 74, submit: 74, title: "汽车内饰件柔性生产线数字化改造", scores: [3]int{88, 85, 90}, providers: []string{qiming},
		desc:  "内饰件注塑、包覆柔性生产线数字化改造，建设MES和设备远程运维系统，带动上游12家配套企业上云。",
		items: []spendItem{{"software", qiming, "MES及设备远程运维系统", 420000}, {"data_equipment", "长春智联自动化有限公司", "注塑机联网及视觉检测终端", 180000}, {"consulting", platfm, "数字化转型诊断咨询", 60000}}},
	{user: "zhongche", contact: "曹阳（中车轨道装备）", org: "长春中车轨道装备制造有限公司", district: "绿园区", story: "已批准，奖补（地方配套资金，大型企业）；后经核查认定违规，奖补撤销追回、三年内不准申报（第二十条）",
		local: true, start: 71, submit: 69, title: "轨道车辆转向架智能制造数字化车间建设", scores: [3]int{83, 86, 84}, requestedYuan: 600000,
		desc: "大型企业转向架车间数字化：焊接、机加工、装配全流程数据贯通，建设数字孪生车间。项目总投资1860万元，申请地方配套资金60万元。"},
	// 中车's second application, still waiting for the district when the
	// violation decision of supervision.go cancels it (第二十条).
	{user: "zhongche2", contact: "刘洋（中车轨道装备·设备部）", org: "长春中车轨道装备制造有限公司", district: "绿园区",
		story: "已申报后因违规被取消申报资格（第二十条处理决定，三年内不准申报）", start: 63, submit: 58,
		title: "转向架焊接机器人数据采集与质量追溯改造", desc: "焊接机器人加装数据采集终端，建设焊缝质量追溯系统。",
		items: []spendItem{{"software", qiming, "焊缝质量追溯系统", 260000}, {"data_equipment", "长春智联自动化有限公司", "焊接数据采集终端", 90000}}},
	{user: "jinggong", contact: "刘洋（精工零部件）", org: "长春精工汽车零部件有限公司", district: "汽开区",
		story: "已批准；改造项目验收不通过，整改后复验通过（已验收）", start: 74, submit: 73, title: "汽车制动盘加工线设备联网与质量追溯改造",
		scores: [3]int{83, 81, 85}, desc: "制动盘加工线14台数控设备联网，建设在线检测与质量追溯系统。",
		items: []spendItem{{"software", platfm, "质量追溯系统", 260000}, {"data_equipment", "长春智联自动化有限公司", "设备联网网关及在线检测终端", 110000}, {"consulting", platfm, "数字化诊断咨询", 40000}}},
	{user: "hongyun", contact: "邹涛（宏运部件）", org: "长春宏运汽车部件有限公司", district: "汽开区",
		story: "已批准；改造项目整改后再次验收不通过，项目终止、奖补撤销并追回", start: 73, submit: 72, title: "汽车线束检测设备数据采集改造",
		scores: [3]int{80, 78, 79}, desc: "线束导通检测设备加装数据采集终端，建设检测数据管理系统。",
		items: []spendItem{{"software", platfm, "检测数据管理系统", 150000}, {"data_equipment", "长春智联自动化有限公司", "数据采集终端12套", 70000}}},
	{user: "fengtai", contact: "何静（丰泰零部件）", org: "长春丰泰汽车零部件有限公司", district: "汽开区",
		story: "已批准；改造项目实施中，已过完成期限未申请验收（逾期）", start: 72, submit: 71, title: "汽车座椅滑轨生产线MES改造",
		scores: [3]int{81, 80, 82}, desc: "座椅滑轨冲压焊接生产线部署MES，实现工单、设备和质量数据在线管理。",
		items: []spendItem{{"software", qiming, "MES系统", 240000}, {"data_equipment", "长春智联自动化有限公司", "设备数据采集模块", 80000}}},
	{user: "xinyi", contact: "龚敏（芯意电子）", org: "长春芯意电子科技有限公司", district: "高新区",
		story: "已批准；改造项目验收不通过，整改中", start: 73, submit: 72, title: "光电器件封装线数据采集与良率分析",
		scores: [3]int{82, 84, 80}, desc: "光电器件封装线设备数据采集，建设良率分析与工艺参数管理系统。",
		items: []spendItem{{"software", beijing, "良率分析与工艺参数管理系统", 210000}, {"data_equipment", "长春智联自动化有限公司", "数据采集网关", 60000}}},
	{user: "tieyun", contact: "孔亮（铁运配件）", org: "长春铁运轨道装备配件有限公司", district: "绿园区",
		story: "已批准；改造项目已申请验收，待市工信局组织验收", start: 74, submit: 73, title: "轨道车辆制动配件数字化车间改造",
		scores: [3]int{84, 83, 86}, desc: "制动配件机加车间设备联网，建设生产执行与设备运维系统。",
		items: []spendItem{{"software", qiming, "生产执行与设备运维系统", 280000}, {"data_equipment", "长春智联自动化有限公司", "设备联网模块", 100000}, {"consulting", platfm, "精益数字化咨询", 30000}}},
	{user: "jiguang", contact: "田甜（吉光电子）", org: "长春吉光电子有限公司", district: "高新区", story: "申报主体已撤回",
		start: 72, submit: 70, title: "电子元件包装线条码追溯改造",
		desc:  "包装线加装条码打印和扫码设备，实现成品批次追溯。",
		items: []spendItem{{"software", platfm, "条码追溯系统", 80000}}},
}

// demoGoals are the performance goals (绩效目标) of every pre-built
// application.
var demoGoals = []dtfund.Goal{
	{Seq: 1, Indicator: "设备联网率", Baseline: "30%", Target: "85%"},
	{Seq: 2, Indicator: "关键工序数控化率", Baseline: "45%", Target: "70%"},
	{Seq: 3, Indicator: "生产效率提升", Baseline: "—", Target: "15%"},
}

// districtDecision is one first review (县区推荐) of the history.
type districtDecision struct {
	user, official string
	action         dtfund.AppAction
	reason         string
	citation       string
	day            int
	at             string
}

const recommendOpinion = "经初审，申报主体具备申请资格，申报材料真实有效、齐全，同意推荐。"

var districtDecisions = []districtDecision{
	{"fujin", "qixian", dtfund.ActReturn, "上传的合同扫描件缺少签字盖章页，请重新上传；第2项支出（工业网关及电能表）请补充付款凭证。", "", 52, "09:40"},
	{"hongda", "lvyuan", dtfund.ActDecline, "经查询国家企业信用信息公示系统，该企业被列入经营异常名录且至今未移出，不符合第十三条“财务及信用记录良好”的基本条件。", "第十三条", 52, "10:30"},
	{"lianzhu", "qixian", dtfund.ActRecommend, recommendOpinion + "该企业为汽车内饰链主企业，改造示范带动作用明显。", "", 52, "14:00"},
	{"huaxin", "qixian", dtfund.ActRecommend, recommendOpinion, "", 52, "14:20"},
	{"xincheng", "qixian", dtfund.ActRecommend, recommendOpinion + "改造内容与生产环节的结合请专家评审时重点把关。", "", 52, "14:40"},
	{"ruiguang", "gaoxin", dtfund.ActRecommend, recommendOpinion, "", 51, "09:30"},
	{"boao", "gaoxin", dtfund.ActRecommend, recommendOpinion, "", 51, "09:50"},
	{"kanghua", "gaoxin", dtfund.ActRecommend, recommendOpinion, "", 51, "10:10"},
	{"tiancheng", "gaoxin", dtfund.ActRecommend, recommendOpinion, "", 51, "10:30"},
	{"guidao", "lvyuan", dtfund.ActRecommend, recommendOpinion, "", 50, "09:30"},
	{"dingsheng", "lvyuan", dtfund.ActRecommend, recommendOpinion, "", 50, "09:50"},
	{"tongda", "lvyuan", dtfund.ActRecommend, recommendOpinion, "", 50, "10:10"},
	{"zhongche", "lvyuan", dtfund.ActRecommend, recommendOpinion + "该企业为国家备案行业大型企业，申请地方配套资金支持（第八条）。", "", 50, "10:40"},
	{"jinggong", "qixian", dtfund.ActRecommend, recommendOpinion, "", 52, "15:00"},
	{"hongyun", "qixian", dtfund.ActRecommend, recommendOpinion, "", 52, "15:20"},
	{"fengtai", "qixian", dtfund.ActRecommend, recommendOpinion, "", 52, "15:40"},
	{"xinyi", "gaoxin", dtfund.ActRecommend, recommendOpinion, "", 51, "10:50"},
	{"tieyun", "lvyuan", dtfund.ActRecommend, recommendOpinion, "", 50, "11:00"},
}

// The expert panels of the history: the first covers the 7.1 call, the
// second the local-fund call.
var (
	panel1Apps = []string{"ruiguang", "xincheng", "boao", "dingsheng", "kanghua", "huaxin", "tiancheng", "tongda", "lianzhu",
		"jinggong", "hongyun", "fengtai", "xinyi", "tieyun"}
	panel2Apps = []string{"zhongche"}
)

// Exceptions to "every member scores every application": a conflict
// declared by an expert, and an expert who has not scored yet.
var (
	conflictOf = map[string]string{"tiancheng": "zhuanjia4"}
	pendingOf  = map[string]string{"ruiguang": "zhuanjia3"}
)

const conflictReason = "本人所在会计师事务所近三年为该企业提供年度财务审计服务，申请回避。"

// scoreOffsets vary the experts' scores around an application's base,
// by draw order, so that the 评审意见书 shows several opinions.
var scoreOffsets = [][3]int{{0, 0, 0}, {3, -2, 2}, {-4, 1, -3}, {2, 3, -1}, {-1, -3, 4}}
