package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"dtfund/uscc"
)

// EntityKind is the legal form of the applicant (第十二条).
type EntityKind string

// Entity kinds. 第十二条 admits the first four; "other" (e.g. 个体工商户, a
// branch without legal personality) exists so that the rule can say no.
const (
	KindEnterprise  EntityKind = "enterprise"  // 企业
	KindGovernment  EntityKind = "government"  // 行政机关
	KindInstitution EntityKind = "institution" // 事业单位
	KindAssociation EntityKind = "association" // 社会团体
	KindOther       EntityKind = "other"       // 其他
)

var kindLabels = map[EntityKind]string{
	KindEnterprise: "企业", KindGovernment: "行政机关", KindInstitution: "事业单位",
	KindAssociation: "社会团体", KindOther: "其他（如个体工商户、非法人分支机构）",
}

// Label is the Chinese name of the kind.
func (k EntityKind) Label() string { return labelOr(kindLabels, k) }

// Role is the capacity in which the applicant claims (申报身份).
type Role string

// Roles.
const (
	RoleEnterprise          Role = "enterprise"           // 申报企业（受支持的企业）
	RoleServiceProvider     Role = "service_provider"     // 服务商
	RoleProcurementSupplier Role = "procurement_supplier" // 政府采购的相关服务主体
)

var roleLabels = map[Role]string{
	RoleEnterprise: "申报企业", RoleServiceProvider: "服务商", RoleProcurementSupplier: "政府采购服务主体",
}

// Label is the Chinese name of the role.
func (r Role) Label() string { return labelOr(roleLabels, r) }

// Category is the support item claimed: 第七条（一）–（六） or local-fund work
// under 第八条/第九条.
type Category string

// Categories.
const (
	Cat71    Category = "7.1"   // 中小企业数字化改造
	Cat72    Category = "7.2"   // 工业互联网平台创新应用和复制推广
	Cat73    Category = "7.3"   // 优秀“小快轻准”产品和服务
	Cat74    Category = "7.4"   // 优秀数字化服务商
	Cat75    Category = "7.5"   // 高效“链式”数字化转型典型应用
	Cat76    Category = "7.6"   // 政府采购服务
	CatLocal Category = "local" // 地方配套资金支持的其他工作（第八条、第九条）
)

var categoryLabels = map[Category]string{
	Cat71: "中小企业数字化改造", Cat72: "基于工业互联网平台创新应用和复制推广",
	Cat73: "优秀“小快轻准”产品和服务", Cat74: "优秀数字化服务商",
	Cat75: "高效“链式”数字化转型典型应用", Cat76: "政府采购服务",
	CatLocal: "地方配套资金支持的数字化转型相关工作",
}

var categoryArticles = map[Category]string{
	Cat71: "第七条（一）", Cat72: "第七条（二）", Cat73: "第七条（三）", Cat74: "第七条（四）",
	Cat75: "第七条（五）", Cat76: "第七条（六）", CatLocal: "第八条",
}

// Label is the Chinese name of the category.
func (c Category) Label() string { return labelOr(categoryLabels, c) }

// Article is the article (and item) that defines the category.
func (c Category) Article() string { return categoryArticles[c] }

// Subtypes of 第七条（二）.
const (
	SubtypeCloud     = "cloud"     // 企业上云上平台
	SubtypeBenchmark = "benchmark" // 工业互联网平台创新应用标杆
)

// CreditKind classifies a credit or compliance record (第十一条, 第十三条).
type CreditKind string

// Credit record kinds.
const (
	CreditSeriousDishonesty   CreditKind = "serious_dishonesty"   // 严重失信（严重失信主体名单）
	CreditAbnormalOperation   CreditKind = "abnormal_operation"   // 经营异常名录
	CreditSafetyAccident      CreditKind = "safety_accident"      // 重大安全事故（含网络安全、数据安全）
	CreditQualityAccident     CreditKind = "quality_accident"     // 重大质量事故
	CreditEnvironmentAccident CreditKind = "environment_accident" // 环境污染等事故
	CreditTaxViolation        CreditKind = "tax_violation"        // 偷漏税等违法违规行为
)

var creditLabels = map[CreditKind]string{
	CreditSeriousDishonesty:   "严重失信（列入严重失信主体名单）",
	CreditAbnormalOperation:   "列入经营异常名录",
	CreditSafetyAccident:      "重大安全事故（含网络安全、数据安全）",
	CreditQualityAccident:     "重大质量事故",
	CreditEnvironmentAccident: "环境污染等事故",
	CreditTaxViolation:        "偷漏税等违法违规行为",
}

// Label is the Chinese name of the record kind.
func (k CreditKind) Label() string { return labelOr(creditLabels, k) }

func labelOr[K ~string](m map[K]string, k K) string {
	if l, ok := m[k]; ok {
		return l
	}
	return string(k)
}

// Input is one decision request: the applicant's facts and the claim, as of
// a date. Money is integer fen (分), dates "YYYY-MM-DD".
type Input struct {
	AsOf      Date      `json:"as_of"` // 判定日期
	Applicant Applicant `json:"applicant"`
	Claim     Claim     `json:"claim"`
}

// Applicant holds the facts about the applicant (申报主体).
type Applicant struct {
	Name         string     `json:"name"`
	USCC         string     `json:"uscc,omitempty"` // 统一社会信用代码
	Kind         EntityKind `json:"kind"`
	Role         Role       `json:"role"`
	LegalPerson  *bool      `json:"legal_person"`            // 具有独立法人资格
	RegionCode   string     `json:"region_code"`             // 注册地行政区划代码，6位
	District     string     `json:"district,omitempty"`      // 属地县（市）区、开发区名称
	IndustryCode string     `json:"industry_code,omitempty"` // GB/T 4754-2017 行业小类，4位
	Employees    *int64     `json:"employees,omitempty"`     // 从业人员（期末人数）
	RevenueFen   *int64     `json:"revenue_fen,omitempty"`   // 营业收入（工业为主营业务收入），分

	LittleGiantCentralFunded    bool `json:"little_giant_central_funded"`        // 第十条（一）
	Pilot2022                   bool `json:"pilot_2022"`                         // 第十条（二）
	UnacceptedProjectAfterPilot bool `json:"has_unaccepted_project_after_pilot"` // 第十条（三）

	CreditRecords []CreditRecord `json:"credit_records,omitempty"`
	Sanctions     []Sanction     `json:"sanctions,omitempty"`
	// Projects are the applicant's awarded retrofit projects as the system
	// records them (第十条（三）); the declaration above is the applicant's own.
	Projects []ProjectRecord `json:"projects,omitempty"`
}

// ProjectState is where a recorded retrofit project stands, as far as
// 第十条（三） is concerned.
type ProjectState string

// Project states of the input.
const (
	ProjectOpen       ProjectState = "open"       // not yet accepted: in progress, awaiting acceptance or rectifying
	ProjectAccepted   ProjectState = "accepted"   // 验收合格
	ProjectTerminated ProjectState = "terminated" // 验收不合格或被撤销奖补，已终止
)

var projectStateLabels = map[ProjectState]string{
	ProjectOpen: "尚未验收", ProjectAccepted: "已验收", ProjectTerminated: "已终止（验收不合格或奖补撤销）",
}

// Label is the Chinese name of the state.
func (s ProjectState) Label() string { return labelOr(projectStateLabels, s) }

// ProjectRecord is one retrofit project of the applicant: its application
// number and title, its state and, while open, the deadline by which it must
// be accepted (completion deadline, or the rectification deadline after a
// failed acceptance).
type ProjectRecord struct {
	Number   string       `json:"number"`
	Title    string       `json:"title,omitempty"`
	State    ProjectState `json:"state"`
	Deadline Date         `json:"deadline,omitzero"`
}

// CreditRecord is a listing (经营异常名录, 严重失信主体名单) or an incident
// (accident, tax violation). For a listing Start is the day it was listed and
// End the day it was removed (empty: still listed); for an incident Start is
// the day it happened and End, if given, the day it ended.
type CreditRecord struct {
	Kind  CreditKind `json:"kind"`
	Start Date       `json:"start"`
	End   Date       `json:"end,omitzero"`
	Note  string     `json:"note,omitempty"`
}

// Sanction is a decision under 第二十条 (违规操作: 取消申报资格、三年内不准申报).
type Sanction struct {
	Decided Date   `json:"decided"`
	Article string `json:"article,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Claim is what is applied for.
type Claim struct {
	Category              Category   `json:"category"`
	Subtype               string     `json:"subtype,omitempty"` // 7.2: cloud | benchmark
	Call                  Call       `json:"call"`
	ManufacturingRetrofit bool       `json:"manufacturing_retrofit,omitempty"`  // 7.1: 生产制造环节数字化改造
	ApprovedInvestmentFen *int64     `json:"approved_investment_fen,omitempty"` // 7.1: 评审核定的改造投入
	Spending              []Spending `json:"spending,omitempty"`                // 7.1
	Items                 []Item     `json:"items,omitempty"`                   // 7.2 benchmark, 7.3, 7.5
	PriorAwardsFen        int64      `json:"prior_awards_fen,omitempty"`        // 7.1, 7.3: 以往批次已获同类奖补
	RequestedFen          int64      `json:"requested_fen,omitempty"`           // 申请金额（0 = 未填）
}

// Call describes the call (申报批次) the claim belongs to.
type Call struct {
	Name          string     `json:"name,omitempty"`
	WindowFrom    Date       `json:"window_from,omitzero"` // 项目实施期起
	WindowTo      Date       `json:"window_to,omitzero"`   // 项目实施期止
	ParamsVersion string     `json:"params_version,omitempty"`
	Overrides     []Override `json:"overrides,omitempty"`
}

// Spending is one item of retrofit spending claimed under 第七条（一）.
type Spending struct {
	Type            string `json:"type"` // software | cloud | data_equipment | consulting | …
	Supplier        string `json:"supplier,omitempty"`
	Description     string `json:"description,omitempty"`
	AmountFen       int64  `json:"amount_fen"`
	ContractDate    Date   `json:"contract_date,omitzero"`
	InvoiceDate     Date   `json:"invoice_date,omitzero"`
	PaymentDate     Date   `json:"payment_date,omitzero"`
	AcceptanceDate  Date   `json:"acceptance_date,omitzero"`
	FundedElsewhere bool   `json:"funded_elsewhere,omitempty"` // 已获省、市其他资金支持
}

// Item is one product, application or benchmark claimed under 第七条（二）
// (benchmark), （三） or （五）.
type Item struct {
	Name         string `json:"name"`
	RequestedFen int64  `json:"requested_fen,omitempty"`
}

// MaxInputSize is the largest input DecodeInput accepts.
const MaxInputSize = 1 << 20

// Input bounds: they keep every sum of fen far from int64 overflow.
const (
	maxInputFen   = 10_000_000_000_000 // 1e13 fen = 1000亿元 per amount
	maxRevenueFen = 1e17
	maxEmployees  = 100_000_000
	maxListLen    = 10_000
	maxTextRunes  = 500
)

// InputError is a rejected input: Field is the JSON path, Message a Chinese
// sentence that names the field.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Message }

var fieldLabels = map[string]string{
	"as_of":                                        "判定日期",
	"applicant":                                    "申报主体",
	"applicant.name":                               "名称",
	"applicant.uscc":                               "统一社会信用代码",
	"applicant.kind":                               "主体类型",
	"applicant.role":                               "申报身份",
	"applicant.legal_person":                       "独立法人资格",
	"applicant.region_code":                        "注册地行政区划代码",
	"applicant.district":                           "属地县（市）区、开发区",
	"applicant.industry_code":                      "行业代码",
	"applicant.employees":                          "从业人员",
	"applicant.revenue_fen":                        "营业收入，分",
	"applicant.little_giant_central_funded":        "已获中央财政资金支持的专精特新“小巨人”",
	"applicant.pilot_2022":                         "已纳入2022年数字化转型改造试点",
	"applicant.has_unaccepted_project_after_pilot": "试点期结束项目未验收或验收不合格",
	"applicant.credit_records":                     "信用与违法违规记录",
	"applicant.credit_records.kind":                "记录类型",
	"applicant.credit_records.start":               "开始日期",
	"applicant.credit_records.end":                 "结束日期",
	"applicant.credit_records.note":                "说明",
	"applicant.sanctions":                          "处理决定",
	"applicant.sanctions.decided":                  "决定日期",
	"applicant.sanctions.article":                  "依据条款",
	"applicant.sanctions.reason":                   "事由",
	"applicant.projects":                           "改造项目记录",
	"applicant.projects.number":                    "申报编号",
	"applicant.projects.title":                     "项目名称",
	"applicant.projects.state":                     "项目状态",
	"applicant.projects.deadline":                  "完成（整改）期限",
	"claim":                                        "申报事项",
	"claim.category":                               "申报类别",
	"claim.subtype":                                "子类",
	"claim.call":                                   "申报批次",
	"claim.call.name":                              "批次名称",
	"claim.call.window_from":                       "实施期起始日",
	"claim.call.window_to":                         "实施期截止日",
	"claim.call.params_version":                    "参数版本",
	"claim.call.overrides":                         "批次覆盖参数",
	"claim.call.overrides.key":                     "参数名",
	"claim.call.overrides.value":                   "覆盖值",
	"claim.call.overrides.source":                  "依据",
	"claim.manufacturing_retrofit":                 "生产制造环节数字化改造",
	"claim.approved_investment_fen":                "核定改造投入，分",
	"claim.spending":                               "改造支出",
	"claim.spending.type":                          "支出类型",
	"claim.spending.supplier":                      "供应商",
	"claim.spending.description":                   "内容",
	"claim.spending.amount_fen":                    "金额，分",
	"claim.spending.contract_date":                 "合同日期",
	"claim.spending.invoice_date":                  "发票日期",
	"claim.spending.payment_date":                  "付款日期",
	"claim.spending.acceptance_date":               "验收日期",
	"claim.spending.funded_elsewhere":              "已获其他资金支持",
	"claim.items":                                  "产品或应用",
	"claim.items.name":                             "名称",
	"claim.items.requested_fen":                    "申请金额，分",
	"claim.prior_awards_fen":                       "以往已获同类奖补，分",
	"claim.requested_fen":                          "申请金额，分",
}

// fieldName returns `path（标签）` for a path such as claim.spending[2].amount_fen.
func fieldName(path string) string {
	key := path
	for {
		i := strings.IndexByte(key, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(key[i:], ']')
		if j < 0 {
			break
		}
		key = key[:i] + key[i+j+1:]
	}
	if l, ok := fieldLabels[key]; ok {
		return path + "（" + l + "）"
	}
	return path
}

func fieldErr(path, format string, args ...any) *InputError {
	return &InputError{Field: path, Message: fieldName(path) + fmt.Sprintf(format, args...)}
}

// DecodeInput reads one JSON input document (at most 1 MiB), rejecting unknown
// fields, and validates it. Every error is an *InputError in Chinese that
// names the field.
func DecodeInput(r io.Reader) (*Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, &InputError{Message: "读取输入失败：" + err.Error()}
	}
	if len(data) > MaxInputSize {
		return nil, &InputError{Message: "输入超过 1 MiB 上限"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{Message: "输入为空：应为一个 JSON 对象"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		return nil, jsonInputError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &InputError{Message: "JSON 对象之后还有多余内容"}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

func jsonInputError(err error) *InputError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return &InputError{Message: "输入必须是一个 JSON 对象"}
		}
		if te.Type == dateType {
			return &InputError{Field: te.Field, Message: fmt.Sprintf("%s日期 %s 无效，应为 %s 格式（如 2025-06-30）",
				fieldName(te.Field), strings.TrimPrefix(te.Value, "date "), DateLayout)}
		}
	}
	return &InputError{Field: errField(err), Message: jsonErrorText(err)}
}

func errField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// jsonErrorText turns an encoding/json error into Chinese.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("JSON 语法错误（第%d字节附近）", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "JSON 不完整（内容意外结束）"
	case errors.As(err, &te):
		if te.Type == dateType {
			return fmt.Sprintf("%s日期 %s 无效，应为 %s 格式", fieldName(te.Field), strings.TrimPrefix(te.Value, "date "), DateLayout)
		}
		return fmt.Sprintf("%s类型错误：应为%s，实际为%s", fieldName(te.Field), typeName(te.Type), valueName(te.Value))
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "未知字段 " + f
	}
	return "JSON 解析失败：" + err.Error()
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "其他类型"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "整数"
	case reflect.Bool:
		return "布尔值 true 或 false"
	case reflect.String:
		return "字符串"
	case reflect.Slice:
		return "数组"
	case reflect.Struct, reflect.Map:
		return "对象"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return t.String()
}

func valueName(v string) string {
	switch {
	case v == "string":
		return "字符串"
	case v == "bool":
		return "布尔值"
	case v == "array":
		return "数组"
	case v == "object":
		return "对象"
	case strings.HasPrefix(v, "number"):
		return "数值 " + strings.TrimSpace(strings.TrimPrefix(v, "number")) + "（须为范围内的整数）"
	}
	return v
}

// Validate checks an input built in code the way DecodeInput checks a
// decoded one. Evaluate calls it, so a decision is never made on bad input.
func (in *Input) Validate() error {
	if in.AsOf.IsZero() {
		return fieldErr("as_of", "必须填写，格式为 %s", DateLayout)
	}
	if err := in.Applicant.validate(); err != nil {
		return err
	}
	return in.Claim.validate()
}

func (a *Applicant) validate() error {
	if err := requireText("applicant.name", a.Name); err != nil {
		return err
	}
	if a.USCC != "" {
		if err := uscc.Validate(a.USCC); err != nil {
			return fieldErr("applicant.uscc", "无效：%v", err)
		}
	}
	if _, ok := kindLabels[a.Kind]; !ok {
		return fieldErr("applicant.kind", "必须是以下之一：%s；实际为 %q", enumList(kindLabels, kindOrder), a.Kind)
	}
	if _, ok := roleLabels[a.Role]; !ok {
		return fieldErr("applicant.role", "必须是以下之一：%s；实际为 %q", enumList(roleLabels, roleOrder), a.Role)
	}
	if a.LegalPerson == nil {
		return fieldErr("applicant.legal_person", "必须填写 true 或 false")
	}
	if len(a.RegionCode) != 6 || !allDigits(a.RegionCode) {
		return fieldErr("applicant.region_code", "必须是6位数字的行政区划代码（如 220104），实际为 %q", a.RegionCode)
	}
	if textProblem(a.District) {
		return optionalText("applicant.district", a.District)
	}
	if a.IndustryCode != "" && (len(a.IndustryCode) != 4 || !allDigits(a.IndustryCode)) {
		return fieldErr("applicant.industry_code", "必须是4位数字的 GB/T 4754-2017 行业小类代码（如 3670），实际为 %q", a.IndustryCode)
	}
	if err := checkCount("applicant.employees", a.Employees, maxEmployees); err != nil {
		return err
	}
	if err := checkCount("applicant.revenue_fen", a.RevenueFen, maxRevenueFen); err != nil {
		return err
	}
	if err := validateCredit(a.CreditRecords); err != nil {
		return err
	}
	if err := validateSanctions(a.Sanctions); err != nil {
		return err
	}
	return validateProjects(a.Projects)
}

var projectOrder = []ProjectState{ProjectOpen, ProjectAccepted, ProjectTerminated}

func validateProjects(ps []ProjectRecord) error {
	if err := checkLen("applicant.projects", len(ps)); err != nil {
		return err
	}
	for i, p := range ps {
		path := func() string { return indexed("applicant.projects", i) }
		switch {
		case strings.TrimSpace(p.Number) == "" || textProblem(p.Number):
			return requireText(path()+".number", p.Number)
		case textProblem(p.Title):
			return optionalText(path()+".title", p.Title)
		case projectStateLabels[p.State] == "":
			return fieldErr(path()+".state", "必须是以下之一：%s；实际为 %q", enumList(projectStateLabels, projectOrder), p.State)
		case p.State == ProjectOpen && p.Deadline.IsZero():
			return fieldErr(path()+".deadline", "尚未验收的项目必须填写，格式为 %s", DateLayout)
		}
	}
	return nil
}

var (
	kindOrder     = []EntityKind{KindEnterprise, KindGovernment, KindInstitution, KindAssociation, KindOther}
	roleOrder     = []Role{RoleEnterprise, RoleServiceProvider, RoleProcurementSupplier}
	categoryOrder = []Category{Cat71, Cat72, Cat73, Cat74, Cat75, Cat76, CatLocal}
	creditOrder   = []CreditKind{CreditSeriousDishonesty, CreditAbnormalOperation, CreditSafetyAccident,
		CreditQualityAccident, CreditEnvironmentAccident, CreditTaxViolation}
)

func enumList[K ~string](labels map[K]string, order []K) string {
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = string(k) + "（" + labels[k] + "）"
	}
	return strings.Join(parts, "、")
}

func requireText(path, s string) error {
	if strings.TrimSpace(s) == "" {
		return fieldErr(path, "必须填写")
	}
	if textProblem(s) {
		return optionalText(path, s)
	}
	return nil
}

// textProblem reports whether optionalText would reject s, without building
// the field name. Strings decoded from JSON are always valid UTF-8, so only
// the length is checked; it is counted in runes only when the bytes exceed it.
func textProblem(s string) bool {
	return len(s) > maxTextRunes && utf8.RuneCountInString(s) > maxTextRunes
}

func optionalText(path, s string) error {
	if n := utf8.RuneCountInString(s); n > maxTextRunes {
		return fieldErr(path, "过长（%d字，上限%d字）", n, maxTextRunes)
	}
	return nil
}

func checkCount(path string, n *int64, max int64) error {
	if n == nil {
		return nil
	}
	return checkRange(path, *n, max)
}

func checkRange(path string, n, max int64) error {
	if n < 0 {
		return fieldErr(path, "不能为负数")
	}
	if n > max {
		return fieldErr(path, "超出合理范围（上限 %d）", max)
	}
	return nil
}

func checkLen(path string, n int) error {
	if n > maxListLen {
		return fieldErr(path, "条目过多（%d条，上限%d条）", n, maxListLen)
	}
	return nil
}

func validateCredit(rs []CreditRecord) error {
	if err := checkLen("applicant.credit_records", len(rs)); err != nil {
		return err
	}
	for i, r := range rs {
		if err := r.validate(i); err != nil {
			return err
		}
	}
	return nil
}

func indexed(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

func (r *CreditRecord) validate(i int) error {
	path := func() string { return indexed("applicant.credit_records", i) }
	switch {
	case creditLabels[r.Kind] == "":
		return fieldErr(path()+".kind", "必须是以下之一：%s；实际为 %q", enumList(creditLabels, creditOrder), r.Kind)
	case r.Start.IsZero():
		return fieldErr(path()+".start", "必须填写，格式为 %s", DateLayout)
	case !r.End.IsZero() && r.End.Before(r.Start):
		return fieldErr(path()+".end", "%s 早于开始日期 %s", r.End, r.Start)
	case textProblem(r.Note):
		return optionalText(path()+".note", r.Note)
	}
	return nil
}

func validateSanctions(ss []Sanction) error {
	if err := checkLen("applicant.sanctions", len(ss)); err != nil {
		return err
	}
	for i, s := range ss {
		path := func() string { return indexed("applicant.sanctions", i) }
		switch {
		case s.Decided.IsZero():
			return fieldErr(path()+".decided", "必须填写，格式为 %s", DateLayout)
		case textProblem(s.Article):
			return optionalText(path()+".article", s.Article)
		case textProblem(s.Reason):
			return optionalText(path()+".reason", s.Reason)
		}
	}
	return nil
}

func (c *Claim) validate() error {
	if _, ok := categoryLabels[c.Category]; !ok {
		return fieldErr("claim.category", "必须是以下之一：%s；实际为 %q", enumList(categoryLabels, categoryOrder), c.Category)
	}
	if err := c.validateSubtype(); err != nil {
		return err
	}
	if err := c.Call.validate(c.Category); err != nil {
		return err
	}
	if err := c.validateOnlyFor(); err != nil {
		return err
	}
	if c.ApprovedInvestmentFen != nil {
		if err := checkRange("claim.approved_investment_fen", *c.ApprovedInvestmentFen, maxInputFen); err != nil {
			return err
		}
	}
	if err := checkRange("claim.prior_awards_fen", c.PriorAwardsFen, maxInputFen); err != nil {
		return err
	}
	if err := checkRange("claim.requested_fen", c.RequestedFen, maxInputFen); err != nil {
		return err
	}
	if err := validateSpending(c.Spending); err != nil {
		return err
	}
	return validateItems(c.Items)
}

func (c *Claim) validateSubtype() error {
	if c.Category == Cat72 {
		if c.Subtype != SubtypeCloud && c.Subtype != SubtypeBenchmark {
			return fieldErr("claim.subtype", "对于7.2必须是 cloud（上云上平台企业）或 benchmark（平台创新应用标杆）之一，实际为 %q", c.Subtype)
		}
		return nil
	}
	if c.Subtype != "" {
		return fieldErr("claim.subtype", "仅适用于7.2，申报类别为 %s 时不应填写", c.Category)
	}
	return nil
}

// validateOnlyFor rejects fields that mean nothing for the category, so that
// a mistaken claim is not silently decided without them.
func (c *Claim) validateOnlyFor() error {
	is71 := c.Category == Cat71
	switch {
	case c.ManufacturingRetrofit && !is71:
		return fieldErr("claim.manufacturing_retrofit", "仅适用于7.1")
	case c.ApprovedInvestmentFen != nil && !is71:
		return fieldErr("claim.approved_investment_fen", "仅适用于7.1")
	case len(c.Spending) > 0 && !is71:
		return fieldErr("claim.spending", "仅适用于7.1（数字化改造支出）")
	case c.PriorAwardsFen != 0 && !is71 && c.Category != Cat73:
		return fieldErr("claim.prior_awards_fen", "仅适用于7.1和7.3（累计上限）")
	case len(c.Items) > 0 && !c.itemized():
		return fieldErr("claim.items", "仅适用于7.2的 benchmark、7.3 和 7.5（按产品或应用计）")
	}
	return nil
}

// itemized reports whether the category is capped per product or application.
func (c *Claim) itemized() bool {
	return c.Category == Cat73 || c.Category == Cat75 || c.Category == Cat72 && c.Subtype == SubtypeBenchmark
}

func (call *Call) validate(cat Category) error {
	if textProblem(call.Name) {
		return optionalText("claim.call.name", call.Name)
	}
	if cat == Cat71 {
		if call.WindowFrom.IsZero() {
			return fieldErr("claim.call.window_from", "对于7.1必须填写（支出的合同、发票、付款日期须在实施期内），格式为 %s", DateLayout)
		}
		if call.WindowTo.IsZero() {
			return fieldErr("claim.call.window_to", "对于7.1必须填写，格式为 %s", DateLayout)
		}
	}
	if !call.WindowFrom.IsZero() && !call.WindowTo.IsZero() && call.WindowTo.Before(call.WindowFrom) {
		return fieldErr("claim.call.window_to", "%s 早于实施期起始日 %s", call.WindowTo, call.WindowFrom)
	}
	if len(call.ParamsVersion) > 64 {
		return fieldErr("claim.call.params_version", "过长")
	}
	if err := checkLen("claim.call.overrides", len(call.Overrides)); err != nil {
		return err
	}
	if _, err := parseOverrides(call.Overrides); err != nil {
		return &InputError{Field: "claim.call.overrides", Message: "claim.call." + err.Error()}
	}
	return nil
}

func validateSpending(ss []Spending) error {
	if err := checkLen("claim.spending", len(ss)); err != nil {
		return err
	}
	for i, s := range ss {
		path := func() string { return indexed("claim.spending", i) }
		switch {
		case !isToken(s.Type):
			return fieldErr(path()+".type", "必须是小写字母代码（如 software、cloud、data_equipment、consulting），实际为 %q", s.Type)
		case s.AmountFen <= 0:
			return fieldErr(path()+".amount_fen", "必须大于0")
		case s.AmountFen > maxInputFen:
			return checkRange(path()+".amount_fen", s.AmountFen, maxInputFen)
		case textProblem(s.Supplier):
			return optionalText(path()+".supplier", s.Supplier)
		case textProblem(s.Description):
			return optionalText(path()+".description", s.Description)
		}
	}
	return nil
}

func validateItems(items []Item) error {
	if err := checkLen("claim.items", len(items)); err != nil {
		return err
	}
	for i, it := range items {
		path := func() string { return indexed("claim.items", i) }
		switch {
		case strings.TrimSpace(it.Name) == "" || textProblem(it.Name):
			return requireText(path()+".name", it.Name)
		case it.RequestedFen < 0 || it.RequestedFen > maxInputFen:
			return checkRange(path()+".requested_fen", it.RequestedFen, maxInputFen)
		}
	}
	return nil
}
