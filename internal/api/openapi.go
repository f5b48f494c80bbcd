package api

import (
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"dtfund/apiclient"
)

// The OpenAPI 3.0 document, generated from the operation table: paths and
// methods from the declarations, parameters and bodies from the request
// types, responses from the response types and the error format.

// Document is an OpenAPI 3.0 document.
type Document struct {
	OpenAPI    string                              `json:"openapi"`
	Info       Info                                `json:"info"`
	Tags       []DocTag                            `json:"tags"`
	Security   []map[string][]string               `json:"security"`
	Paths      map[string]map[string]*OperationDoc `json:"paths"`
	Components Components                          `json:"components"`
}

// Info describes the API.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

// DocTag is a group of operations.
type DocTag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// OperationDoc documents one operation.
type OperationDoc struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description,omitempty"`
	Tags        []string               `json:"tags"`
	Parameters  []*Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody           `json:"requestBody,omitempty"`
	Responses   map[string]*Response   `json:"responses"`
	Security    *[]map[string][]string `json:"security,omitempty"`
	Roles       []string               `json:"x-roles,omitempty"`
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required"`
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
}

// RequestBody is an operation's body.
type RequestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]MediaType `json:"content"`
}

// MediaType holds the schema of one content type.
type MediaType struct {
	Schema *Schema `json:"schema"`
}

// Response is one documented response.
type Response struct {
	Description string               `json:"description"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// Components are the named schemas and the security schemes.
type Components struct {
	Schemas         map[string]*Schema        `json:"schemas"`
	SecuritySchemes map[string]SecurityScheme `json:"securitySchemes"`
}

// SecurityScheme is how a caller authenticates.
type SecurityScheme struct {
	Type        string `json:"type"`
	Scheme      string `json:"scheme,omitempty"`
	In          string `json:"in,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// Version is the document's version: that of the API (v1), not of the
// server build.
const Version = "1.0.0"

// NotYetCovered are the state-changing actions of the web pages that the API
// does not offer; the document's description lists them.
var NotYetCovered = []string{
	"演示时钟（仅演示环境，网页 /admin/demo-clock）",
	"访问令牌的创建与撤销（含管理员撤销某用户的令牌）：只在网页上进行（/profile/tokens、/admin/users/{id}/tokens），令牌不能创建或撤销令牌",
}

// NotYetReadable are the pages' reads the API does not offer.
var NotYetReadable = []string{
	"工作台（/home）的待办汇总与能力清单：由各列表接口的筛选（如 state、overdue、awaiting_evaluation）得到相同的数字",
	"访问令牌列表（网页 /profile/tokens）",
}

var statusText = map[int]string{
	200: "成功", 201: "已创建", 204: "成功，无返回内容",
	400: "请求无法解析：JSON 格式、字段类型、未知字段或查询参数有误（fields 指明字段）",
	401: "未认证：缺少、无效、过期或已撤销的访问令牌", 403: "无权执行：角色不符，或 Cookie 会话的修改请求缺少 CSRF 令牌",
	404: "记录不存在或不在调用者的辖区内", 409: "状态冲突：当前状态不允许此操作，或与已有记录冲突",
	413: "请求体过大", 415: "请求体类型不对（应为 application/json 或 multipart/form-data）",
	422: "内容校验未通过（fields 指明各字段的问题）", 429: "尝试过于频繁，请稍后再试", 500: "系统内部错误（request_id 对应服务器日志）",
}

// Statuses are the statuses documented for an operation.
func (o *Operation) Statuses() []int {
	set := map[int]bool{o.Success: true, http.StatusBadRequest: true, http.StatusInternalServerError: true}
	unsafe := o.Method != http.MethodGet
	params := apiclient.WireFields(o.In)
	if !o.Access.Public {
		set[401], set[403], set[429] = true, true, true
	}
	for _, p := range params {
		if p.In == "path" {
			set[404] = true
		}
		if p.In == "query" {
			set[422] = true
		}
	}
	if unsafe {
		set[403], set[409], set[413], set[415], set[422] = true, true, true, true, true
		if o.Access.Public {
			set[429] = true // rate limits on what the public may send
		}
	}
	if o.Out == reflect.TypeFor[apiclient.Download]() {
		set[404] = true
	}
	for _, st := range o.extra {
		set[st] = true
	}
	out := make([]int, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

// BuildDocument generates the document of the operations.
func BuildDocument(ops []*Operation) *Document {
	g := newSchemas()
	errRef := g.of(reflect.TypeFor[apiclient.ErrorBody]())
	doc := &Document{
		OpenAPI:  "3.0.3",
		Info:     Info{Title: "长春市中小企业数字化转型专项资金管理系统 JSON API", Version: Version, Description: description()},
		Security: []map[string][]string{{"bearerAuth": {}}, {"cookieAuth": {}}},
		Paths:    map[string]map[string]*OperationDoc{},
		Components: Components{Schemas: g.components, SecuritySchemes: map[string]SecurityScheme{
			"bearerAuth": {Type: "http", Scheme: "bearer", Description: "个人访问令牌（dtf_ 开头），在“个人中心 → 访问令牌”（/profile/tokens）创建，只显示一次"},
			"cookieAuth": {Type: "apiKey", In: "cookie", Name: "dtfund_session", Description: "网页登录会话；修改类请求须在 X-CSRF-Token 头中携带 GET /api/v1/me 返回的 csrf_token"},
		}},
	}
	for _, t := range Tags {
		doc.Tags = append(doc.Tags, DocTag{Name: t.Name, Description: t.Description})
	}
	for _, o := range ops {
		path := Prefix + o.Path
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]*OperationDoc{}
		}
		doc.Paths[path][strings.ToLower(o.Method)] = o.document(g, errRef)
	}
	return doc
}

func (o *Operation) document(g *schemas, errRef *Schema) *OperationDoc {
	d := &OperationDoc{OperationID: o.ID, Summary: o.Summary, Description: o.Description, Tags: []string{o.Tag},
		Parameters: g.parameters(o.In), Responses: map[string]*Response{}}
	switch {
	case o.Access.Public:
		d.Security = &[]map[string][]string{}
	case len(o.Access.Roles) == 0:
		d.Roles = []string{"任何已登录用户"}
	default:
		for _, r := range o.Access.Roles {
			d.Roles = append(d.Roles, string(r))
		}
	}
	if o.Stateless != "" {
		d.Description = strings.TrimSpace(d.Description + "\n\n无需 CSRF 令牌：" + o.Stateless)
	}
	switch {
	case hasForm(o.In):
		d.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"multipart/form-data": {Schema: g.multipart(o.In)}}}
	case o.Method != http.MethodGet && apiclient.HasJSONBody(o.In):
		d.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"application/json": {Schema: g.of(o.In)}}}
	}
	for _, st := range o.Statuses() {
		r := &Response{Description: statusText[st]}
		switch {
		case st >= 400:
			r.Content = map[string]MediaType{"application/json": {Schema: errRef}}
		case st == http.StatusNoContent:
		case o.Out == reflect.TypeFor[apiclient.Download]():
			r.Content = map[string]MediaType{"application/octet-stream": {Schema: &Schema{Type: "string", Format: "binary"}}}
		default:
			r.Content = map[string]MediaType{"application/json": {Schema: g.of(o.Out)}}
		}
		d.Responses[strconv.Itoa(st)] = r
	}
	return d
}

func hasForm(t reflect.Type) bool {
	for _, f := range apiclient.WireFields(t) {
		if f.In == "form" {
			return true
		}
	}
	return false
}

func description() string {
	var b strings.Builder
	b.WriteString(`本接口与网页使用同一套业务规则：每个操作调用与网页相同的应用层用例，角色、辖区范围（县区只见本辖区，申报主体只见本单位；范围外即“不存在”）和审计记录完全一致。

**认证**：在网页“访问令牌”页面（/profile/tokens）创建个人访问令牌，以 ` + "`Authorization: Bearer <令牌>`" + ` 调用；令牌的权限即其用户的角色与辖区。用户被停用、角色或辖区变更时其令牌自动撤销。以访问令牌调用时无需 CSRF 令牌（不涉及 Cookie）；以网页会话 Cookie 调用修改类操作时，必须在 ` + "`X-CSRF-Token`" + ` 头中携带 GET /api/v1/me 返回的 csrf_token，否则拒绝（403）。认证失败按来源地址限流，与登录失败合并计数。

**约定**：字段名为 snake_case；金额一律为整数“分”，字段名以 _fen 结尾；时间为 UTC 的 RFC 3339；日期为 YYYY-MM-DD。列表用 ?page=&per_page=（每页至多 100 条）分页，返回 {"items","total","page","per_page"}。请求体为 JSON，未知字段与未知查询参数一律拒绝（400，指明字段）；请求体大小有上限（413）。

**错误**：统一为 {"error":{"code","message","fields","request_id"}}：invalid 400/422，unauthorized 401，forbidden 403，not_found 404，conflict 409，throttled 429，internal 500。

**幂等**：提交申报、初审、复核会签、列入公示、审批、分配、追回登记等操作接受 idempotency_key：同一键重复请求只执行一次。

**不提供的修改类操作**（请在网页上进行）：`)
	for _, s := range NotYetCovered {
		b.WriteString("\n- " + s)
	}
	b.WriteString("\n\n**不提供的查询**：")
	b.WriteString(strings.Join(NotYetReadable, "；"))
	return b.String()
}
