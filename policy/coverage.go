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
	"BanEnd":             BanEnd,
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
	// The digital-level assessment (数字化水平评测, 工信厅企业〔2024〕56号)
	// read by acceptance: the functions and the rules of their findings.
	"Assess":                Assess,
	"CheckAssessmentReport": CheckAssessmentReport,
	"AssessmentAnswers":     (*IndicatorSet).Validate,
	"AssessmentScore":       Assess,
	"AssessmentScenarios":   Assess,
	"AssessmentLevel":       Assess,
	"DigitalLevel":          Assess,
	"AssessmentParams":      Assess,
	"AssessmentReport":      CheckAssessmentReport,
	"Match":                 Match,
	"CloudServices":         CloudServices,
	"MatchSME":              MatchSME,
	"MatchIndustry":         MatchIndustry,
	"NoDuplicate":           NoDuplicate,
	"AcceptedRetrofit":      AcceptedRetrofit,
	"CloudAward":            CloudAward,
	"Rank":                  Rank,
	"RankingAwards":         RankingAwards,
	"RankableProduct":       RankableProduct,
	"EffectBP":              EffectBP,
	"CompletionDeadline":    CompletionDeadline,
	"RectificationDeadline": RectificationDeadline,
	"AcceptanceLevel":       AcceptanceLevel,
	"PilotGoal":             PilotGoal,
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
	{"第六条（五）", CoverageProcess, "app.SaveProjectGoals、app.ReportProgress、app.SaveSelfEvaluation",
		"申报主体组织项目实施（里程碑、进度报告）、落实绩效目标（验收前可修改）并开展绩效自评（各目标实际值与自评说明），申请验收前须完成自评。"},
	{"第七条", CoverageRule, "policy.CentralScope, policy.CategoryApplicant, policy.MaxSubsidy, policy.CheckCentralSplit",
		"中央专项资金只支持长春市四个细分行业的中小企业（对受支持企业的限定；服务商、政府采购服务主体不受行业规模限制）；各项申报身份；中央资金不低于80%用于（一）、其余不高于20%。"},
	{"第七条（一）", CoverageRule, "policy.EligibleSpending, policy.RetrofitCap",
		"只计软件、云服务、数据采集传输设备、咨询诊断服务支出；合同、发票、付款（及验收）日期须在批次实施期内，已获其他资金支持的不计；不超过核定投入的50%，每家累计不超过50万元；生产制造环节上浮须由批次覆盖参数设定并注明依据。"},
	{"第七条（二）", CoverageRule, "policy.PlatformCap, policy.CloudAward, policy.CloudServices；app.CreateProduct、app.RecordAdoption",
		"上云上平台企业每家1–3万元，由免申即享匹配（第十五条）按企业确认使用的云服务数量计（每项1万元，参数 cap.7_2.cloud_per_service_fen，在1–3万元内）；平台创新应用标杆每个5–20万元，经自主申报、县区推荐、专家评审等一般程序（第十四条）。两项的下限均为标准下限：低于下限的申请不予奖补，公示金额不得低于下限。平台云服务登记为服务商的产品（类型 cloud_service），企业使用云服务的应用记录（经企业确认）是认定上云上平台的数据。"},
	{"第七条（三）", CoverageRule, "policy.ProductCap, policy.Rank, policy.RankableProduct, policy.EffectBP, policy.RankingAwards；app.RunRanking、app.ProposeRankingAwards",
		"每个“小快轻准”产品和服务不超过5万元，每家服务商累计不超过50万元（以往奖补和在审申报计入）。按期间内经企业确认的应用记录排名：应用企业数与应用成效加权（权重为参数 ranking.product.*，注明依据），并列依次按应用企业数、首次应用日期、编号；服务商不符合第十一条至第十三条或产品已撤回、未声明“小快轻准”特性的不予排名。排名结果保存后不变，前列按上限转为推荐奖补（每家服务商一份申报），经资格复核、公示、审批。"},
	{"第七条（四）", CoverageRule, "policy.ServiceProviderCap, policy.Rank, policy.RankingAwards；app.RunRanking、app.ProposeRankingAwards",
		"每家服务商不超过20万元（条文未称累计，按每次遴选计）。按期间内经企业确认的方案落地数（企业×产品）与服务成效加权排名（参数 ranking.provider.*），不符合第十一条至第十三条的服务商不予排名；前列转为推荐奖补。"},
	{"第七条（五）", CoverageRule, "policy.ChainCap；app.SetChainMembers", "每个“链式”产品和应用不超过20万元。链主企业的申报列明链上企业（须已登记、为企业、不含链主本身）。"},
	{"第七条（六）", CoverageRule, "policy.ProcurementCap；" + notBuilt,
		"政府采购服务无固定上限，按政府采购规定以合同价格执行；采购本身不在本系统内。"},
	{"第八条", CoverageRule, "policy.LocalScope, policy.LocalCap",
		"地方配套资金也支持备案行业的大型企业和其他行业企业；具体标准依据省市政策，本办法未规定上限。"},
	{"第九条", CoverageRule, "policy.LocalScope, policy.LocalCap",
		"其他与数字化转型相关的工作事项（申报类别 local；服务商、政府采购服务主体可由地方配套资金统筹支持）。具体事项由市里确定，无固定标准。"},
	{"第十条（一）", CoverageRule, "policy.LittleGiant", "已获中央财政中小企业发展专项资金支持的“小巨人”不纳入中央专项资金；地方配套资金不受影响。"},
	{"第十条（二）", CoverageRule, "policy.Pilot2022", "已纳入工信厅联企业〔2022〕22号改造试点的中小企业不纳入中央专项资金。"},
	{"第十条（三）", CoverageRule, "policy.UnacceptedProject；app.RecordAcceptance、app.TerminateProject",
		"试点期结束项目未验收或验收不合格的单位不纳入中央专项资金。事实来自申报主体的声明和系统的改造项目记录（每次判定时读取该单位的全部项目）：已终止的项目（验收不合格或奖补撤销）即计入；尚未验收的项目在试点实施期（参数 pilot.end_date）结束后、其完成或整改期限已过时计入；不合格的结论写明是哪个项目。"},
	{"第十一条（一）", CoverageRule, "policy.SeriousDishonesty", "判定日前三年内（含首尾两日）存在严重失信行为的，不纳入任何专项资金。"},
	{"第十一条（二）", CoverageRule, "policy.Sanctions；app.DecideSanction", "存在其他违反本办法的行为（按第二十条作出处理决定、仍在禁止申报期内）的，不纳入任何专项资金：系统记录的违规处理决定作为判定输入，每次提交和资格复核时重新判定。"},
	{"第十二条", CoverageRule, "policy.EligibleEntity", "企业、行政机关、事业单位、社会团体或政府采购的相关服务主体，具有独立法人资格。"},
	{"第十三条", CoverageRule, "policy.Registration, policy.CreditLists, policy.ComplianceRecord",
		"申报企业在长春市注册，服务商及政府采购服务主体在境内（内地）注册；未列入经营异常名录、严重失信主体名单；近三年无重大安全、质量、环境事故及偷漏税等违法违规。“合法经营、依法纳税、财务记录良好”由申报主体承诺并经县区初审（第十四条（二））核实材料。"},
	{"第十四条", CoverageProcess, "dtfund.Transition；app.Act",
		"申报与审核程序（自主申报、县区推荐、专家评审、资格复核、网站公示、政府审批）为状态机：每一步限定角色与起始状态，在一个事务中写入状态、办理记录、审计记录和通知。"},
	{"第十四条（一）", CoverageProcess, "app.StartApplication、app.SaveDraft、app.Submit；policy.DecodeInput",
		"在申报批次开放时间内（服务器时钟）提交；提交时校验完整性并按本包规则逐条判定，每一版本均保留。"},
	{"第十四条（二）", CoverageProcess, "app.DistrictReview、app.CreateLetter、app.ConfirmImport（汇总表核对）；policy.Evaluate",
		"属地县（市）区、开发区工信部门初审：退回补正、不予推荐（须写明理由和依据）或出具推荐意见，受推荐名额限制，并出具编号推荐函；注册地在长春市外的服务商由市工业和信息化局初审。县区线下汇总的申报表可导入与系统逐行核对，不改变申报状态。"},
	{"第十四条（三）", CoverageProcess, "app.CreatePanel、app.SaveScores、app.Finalise、app.Opinion",
		"随机抽取评审专家（记录随机种子，可复算），利益冲突回避，按评分标准打分并核定改造投入，出具评审意见书。"},
	{"第十四条（四）", CoverageProcess, "app.SignRecheck；policy.Evaluate",
		"市工业和信息化局、市财政局分别会签；按复核时的最新事实重新判定，不符合条件的不得通过。"},
	{"第十四条（五）", CoverageProcess, "app.Publish、app.LodgeObjection、app.DecideObjection、app.ClosePublicity、app.CloseEndedPublicity；calendar.PublicityEnd",
		"在网站公示拟支持名单，公示期不少于5个工作日（按国务院节假日安排计算），任何人可提出异议；异议未处理完毕或公示期未满不得结束公示。公示期满且无未办结异议的批次由定时任务（system）自动结束，多实例部署时只执行一次。"},
	{"第十四条（六）", CoverageProcess, "app.ApproveBatch",
		"公示期满无异议后录入市政府批复，生成奖补（金额与中央或地方资金来源）。"},
	{"第十五条", CoverageProcess, "policy.Match, policy.EligibleSpending、policy.CompletionDeadline、policy.AcceptanceLevel；app.RunMatching、app.ConfirmProposal、app.DeclineProposal、app.LapseProposals、app.RequestAcceptance、app.RecordAcceptance、app.TerminateProject",
		"事后奖补：支出与验收日期须在实施期内由本包核对；每个奖补有一个改造项目，须在公示结束后 project.completion_months 个月内完成并申请验收，验收须经第三方评测达到 acceptance.min_level（默认二级），不合格且整改后仍不合格的终止项目并撤销、追回奖补；拨付尚未以验收为前提（现行拨付流程在审批后即可拨付）。免申即享：市工业和信息化局定义匹配政策（条件与金额规则），系统按已掌握的数据（企业确认的云服务使用记录、规模、行业、注册地、信用）找出符合条件的企业并逐条说明理由，生成待确认的推荐；企业只确认申领意愿和收款账户，即转为评审通过的申报，再经资格复核、公示、审批；逾期未确认的推荐失效。"},
	{"第十六条", CoverageProcess, "policy.PilotGoal；app.SignEvaluation、app.PilotProgress",
		"全过程绩效管理：项目绩效目标（申报时填写，验收前可修改）、申报主体绩效自评、市工业和信息化局与市财政局分别评分会签的绩效评价；试点行业数字化水平二级以上企业占比对照90%目标（参数 pilot.goal_*）。年度绩效目标见预算部分。"},
	{"第十七条", CoverageProcess, "app.PlanInspection、app.AssignInspection、app.RecordFinding、app.PlanSampleReproduced",
		"市工信局、市财政局制定检查计划：随机抽查（从未撤销奖补中按记录的种子抽样，同一种子、同一总体得到同一样本，可复算）或专项检查；核查事项指派给市级工作人员或第三方核查机构（第三方只能看到指派给自己的事项），出具核查结论和证据，认定违规的可据此作出第二十条处理决定。"},
	{"第十八条", CoverageProcess, "app.RecordDeviation、app.IssueRectification、app.RecordRectification、app.SuspendProject、app.LiftSuspension、app.StopProject",
		"县区工信部门（本辖区；市工信局全市）登记项目偏离绩效目标的事实，下达限期整改通知并登记整改结果；情况严重的暂缓执行（奖补暂缓、停止拨付，未拨付资金在账簿中冻结，解除后恢复）或停止执行（撤销奖补并追回）。逾期未整改的列入待办。"},
	{"第十九条", CoverageProcess, "app.ReportProgress、app.SaveSelfEvaluation、app.RequestAcceptance；policy.Assess, policy.CheckAssessmentReport；app.RecordAssessment、app.RecordAssessmentReport",
		"申报主体配合验收评审与绩效管理：报送实施进度、绩效自评，申请验收；验收评审所需的数字化水平评测：第三方机构（核查人员）或市工业和信息化局按《中小企业数字化水平评测指标（2024年版）》（工信厅企业〔2024〕56号）评测改造前后水平，或录入第三方评测报告，记录所用指标版本，指标数值可由管理员引用正式文件更正；配合监督检查由监督检查部分实现。"},
	{"第二十条", CoverageRule, "policy.Sanctions, policy.BanEnd；app.DecideSanction、app.AddReferral、app.RecordAdoption、app.ProposeAdoption",
		"违规处理决定在一个事务中：取消该单位尚未批准的申报（状态机的“取消申报资格”）、自决定之日起至三年后对应日（含）不准申报（新建申报被拒绝，提交和复核时第十一条（二）不通过）、撤销并追回奖补、登记移交有关部门处理。诚信原则：服务商与应用企业为同一单位的应用记录不予登记，服务商提交的应用记录须经企业确认方才计入排名。"},
	{"第二十一条", CoverageRule, "policy.InForce",
		"参数自生效日期起适用，之前的判定被拒绝；生效日期 2023-12-01 待与印发文件核对。有效期至试点期结束：试点结束日期未正式公布，暂以参数 pilot.end_date 记录（用于第十条（三）），尚未据此停止受理。"},
}
