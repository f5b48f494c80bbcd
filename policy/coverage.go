package policy

// Coverage of the measures: for each article, how this system implements it.

// Coverage kinds.
const (
	CoverageRule        = "rule"        // decided by a rule function of this package
	CoverageProcess     = "process"     // a step of the application workflow
	CoverageDeclaratory = "declaratory" // states purpose or principle; nothing to decide
)

// notBuilt marks process steps of the workflow that is not built yet.
const notBuilt = "（流程：由申报审核流程实现，尚未建成）"

// ArticleCoverage says how one article (or item) is implemented.
// ImplementedBy names the functions ("policy.Size"; see Rules), functions of
// other packages, or the process step.
type ArticleCoverage struct {
	Article       string `json:"article"`
	Kind          string `json:"kind"`
	ImplementedBy string `json:"implemented_by"`
	Note          string `json:"note"`
}

// Rules maps every rule name — the Rule of each Finding and each name in
// Articles' ImplementedBy — to the function that implements it, so that the
// coverage can be checked.
var Rules = map[string]any{
	"Input":              (*Input).Validate,
	"DecodeInput":        DecodeInput,
	"Evaluate":           Evaluate,
	"CallParams":         CallParams,
	"InForce":            InForce,
	"Size":               Size,
	"PilotIndustry":      PilotIndustry,
	"EligibleEntity":     EligibleEntity,
	"Registration":       Registration,
	"CreditLists":        CreditLists,
	"ComplianceRecord":   ComplianceRecord,
	"SeriousDishonesty":  SeriousDishonesty,
	"Sanctions":          Sanctions,
	"LittleGiant":        LittleGiant,
	"Pilot2022":          Pilot2022,
	"UnacceptedProject":  UnacceptedProject,
	"CategoryApplicant":  CategoryApplicant,
	"CentralScope":       CentralScope,
	"LocalScope":         LocalScope,
	"MaxSubsidy":         MaxSubsidy,
	"EligibleSpending":   EligibleSpending,
	"RetrofitCap":        RetrofitCap,
	"PlatformCap":        PlatformCap,
	"ProductCap":         ProductCap,
	"ServiceProviderCap": ServiceProviderCap,
	"ChainCap":           ChainCap,
	"ProcurementCap":     ProcurementCap,
	"LocalCap":           LocalCap,
	"CheckCentralSplit":  CheckCentralSplit,
}

// Articles lists 第一条–第二十一条 (and the items of 第七条, 第十条, 第十一条 and
// 第十四条) with how each is implemented.
var Articles = []ArticleCoverage{
	{"第一条", CoverageDeclaratory, "无（声明性条款）",
		"立法目的与依据（财建〔2021〕148号、财建〔2023〕117号）。不产生可判定的条件；依据文件中被本办法引用的数值（80%比例、定额奖励上限）作为参数并注明来源。"},
	{"第二条", CoverageRule, "policy.Evaluate, policy.CentralScope, policy.LocalScope, policy.CheckCentralSplit",
		"区分中央专项资金与地方配套资金：判定结果分别给出 central_eligible 与 local_eligible；两者统筹使用，地方配套资金按第七条同类标准计算上限；中央财政定额奖励上限（省会城市1.5亿元）在分配检查中核对。"},
	{"第三条", CoverageDeclaratory, "无（声明性条款）",
		"使用原则与“企业出一点、服务商让一点、政府补一点”的思路，具体体现为第七条各项的比例与上限（如第七条（一）不超过50%），本身不产生单独条件。"},
	{"第四条", CoverageRule, "policy.PilotIndustry",
		"四个试点行业对应的 GB/T 4754-2017 小类代码为参数 industries.pilot（备案的具体代码未公布，按数据维护）。"},
	{"第五条", CoverageRule, "policy.Size",
		"按工信部联企业〔2011〕300号工业标准划型（从业人员、营业收入，下划一档规则）；阈值为参数 size.industry.*。非企业不划型；非工业行业不适用本系统的划型。"},
	{"第六条", CoverageProcess, "policy.CallParams；" + notBuilt,
		"（一）市工业和信息化局确定支持标准：申报批次可指定参数版本并覆盖参数，须注明依据，判定记录所用版本与覆盖值。各部门的职责分工由角色与权限实现（其他包），尚未建成。"},
	{"第七条", CoverageRule, "policy.CentralScope, policy.CategoryApplicant, policy.MaxSubsidy, policy.CheckCentralSplit",
		"中央专项资金只支持长春市四个细分行业的中小企业（对受支持企业的限定；服务商、政府采购服务主体不受行业规模限制）；各项申报身份；中央资金不低于80%用于（一）、其余不高于20%。"},
	{"第七条（一）", CoverageRule, "policy.EligibleSpending, policy.RetrofitCap",
		"只计软件、云服务、数据采集传输设备、咨询诊断服务支出；合同、发票、付款（及验收）日期须在批次实施期内，已获其他资金支持的不计；不超过核定投入的50%，每家累计不超过50万元；生产制造环节上浮须由批次覆盖参数设定并注明依据。"},
	{"第七条（二）", CoverageRule, "policy.PlatformCap", "上云上平台企业每家1–3万元；平台创新应用标杆每个5–20万元。"},
	{"第七条（三）", CoverageRule, "policy.ProductCap", "每个“小快轻准”产品和服务不超过5万元，每家服务商累计不超过50万元。"},
	{"第七条（四）", CoverageRule, "policy.ServiceProviderCap", "每家服务商不超过20万元（条文未称累计，按每次遴选计）。排名、遴选本身为评审流程，尚未建成。"},
	{"第七条（五）", CoverageRule, "policy.ChainCap", "每个“链式”产品和应用不超过20万元。"},
	{"第七条（六）", CoverageRule, "policy.ProcurementCap；" + notBuilt,
		"政府采购服务无固定上限，按政府采购规定以合同价格执行；采购本身不在本系统内。"},
	{"第八条", CoverageRule, "policy.LocalScope, policy.LocalCap",
		"地方配套资金也支持备案行业的大型企业和其他行业企业；具体标准依据省市政策，本办法未规定上限。"},
	{"第九条", CoverageRule, "policy.LocalScope, policy.LocalCap",
		"其他与数字化转型相关的工作事项（申报类别 local；服务商、政府采购服务主体可由地方配套资金统筹支持）。具体事项由市里确定，无固定标准。"},
	{"第十条（一）", CoverageRule, "policy.LittleGiant", "已获中央财政中小企业发展专项资金支持的“小巨人”不纳入中央专项资金；地方配套资金不受影响。"},
	{"第十条（二）", CoverageRule, "policy.Pilot2022", "已纳入工信厅联企业〔2022〕22号改造试点的中小企业不纳入中央专项资金。"},
	{"第十条（三）", CoverageRule, "policy.UnacceptedProject", "试点期结束项目未验收或验收不合格的单位不纳入中央专项资金（由输入事实提供；验收流程尚未建成）。"},
	{"第十一条（一）", CoverageRule, "policy.SeriousDishonesty", "判定日前三年内（含首尾两日）存在严重失信行为的，不纳入任何专项资金。"},
	{"第十一条（二）", CoverageRule, "policy.Sanctions", "存在其他违反本办法的行为（按第二十条作出处理决定、仍在禁止申报期内）的，不纳入任何专项资金。"},
	{"第十二条", CoverageRule, "policy.EligibleEntity", "企业、行政机关、事业单位、社会团体或政府采购的相关服务主体，具有独立法人资格。"},
	{"第十三条", CoverageRule, "policy.Registration, policy.CreditLists, policy.ComplianceRecord",
		"申报企业在长春市注册，服务商及政府采购服务主体在境内（内地）注册；未列入经营异常名录、严重失信主体名单；近三年无重大安全、质量、环境事故及偷漏税等违法违规。“合法经营、依法纳税、财务记录良好”由申报主体承诺并经县区初审（第十四条（二））核实材料。"},
	{"第十四条", CoverageProcess, "dtfund.Transition；app.Act",
		"申报与审核程序（自主申报、县区推荐、专家评审、资格复核、网站公示、政府审批）为状态机：每一步限定角色与起始状态，在一个事务中写入状态、办理记录、审计记录和通知。"},
	{"第十四条（一）", CoverageProcess, "app.StartApplication、app.SaveDraft、app.Submit；policy.DecodeInput",
		"在申报批次开放时间内（服务器时钟）提交；提交时校验完整性并按本包规则逐条判定，每一版本均保留。"},
	{"第十四条（二）", CoverageProcess, "app.DistrictReview、app.CreateLetter；policy.Evaluate",
		"属地县（市）区、开发区工信部门初审：退回补正、不予推荐（须写明理由和依据）或出具推荐意见，受推荐名额限制，并出具编号推荐函；注册地在长春市外的服务商由市工业和信息化局初审。"},
	{"第十四条（三）", CoverageProcess, "app.CreatePanel、app.SaveScores、app.Finalise、app.Opinion",
		"随机抽取评审专家（记录随机种子，可复算），利益冲突回避，按评分标准打分并核定改造投入，出具评审意见书。"},
	{"第十四条（四）", CoverageProcess, "app.SignRecheck；policy.Evaluate",
		"市工业和信息化局、市财政局分别会签；按复核时的最新事实重新判定，不符合条件的不得通过。"},
	{"第十四条（五）", CoverageProcess, "app.Publish、app.LodgeObjection、app.DecideObjection、app.ClosePublicity、app.CloseEndedPublicity；calendar.PublicityEnd",
		"在网站公示拟支持名单，公示期不少于5个工作日（按国务院节假日安排计算），任何人可提出异议；异议未处理完毕或公示期未满不得结束公示。公示期满且无未办结异议的批次由定时任务（system）自动结束，多实例部署时只执行一次。"},
	{"第十四条（六）", CoverageProcess, "app.ApproveBatch",
		"公示期满无异议后录入市政府批复，生成奖补（金额与中央或地方资金来源）。"},
	{"第十五条", CoverageProcess, "policy.EligibleSpending；" + notBuilt,
		"事后奖补：支出与验收日期须在实施期内由本包核对；拨付、免申即享由流程实现，尚未建成。"},
	{"第十六条", CoverageProcess, notBuilt, "全过程预算绩效管理。"},
	{"第十七条", CoverageProcess, notBuilt, "监督检查及委托第三方核查。"},
	{"第十八条", CoverageProcess, notBuilt, "县区过程监督，整改、暂缓或停止项目执行。"},
	{"第十九条", CoverageProcess, notBuilt, "申报主体配合监督检查、验收评审、绩效管理和审计的义务。"},
	{"第二十条", CoverageRule, "policy.Sanctions；" + notBuilt,
		"三年内不准申报由本包执行（自处理决定之日起至三年后对应日）；取消申报资格、追回资金、移交处理由流程实现，尚未建成。"},
	{"第二十一条", CoverageRule, "policy.InForce",
		"参数自生效日期起适用，之前的判定被拒绝；生效日期 2023-12-01 待与印发文件核对。有效期至试点期结束：试点结束日期未公布，尚未实现为参数。"},
}
