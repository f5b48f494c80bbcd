package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// workbenchRoutes: search across what the user may see.
func (s *Server) workbenchRoutes() []Route {
	return []Route{{"GET", "/search", loggedIn, s.search}}
}

const searchShown = 20

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := s.newView(r, "搜索", nil)
	v.Form = url.Values{"q": {q}}
	if utf8.RuneCountInString(q) > 100 {
		v.Errors = map[string]string{"q": "搜索内容不能超过100个字"}
		s.render(w, r, "search", v)
		return
	}
	res, err := s.App.Search(r.Context(), actor(r), q, searchShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Data = map[string]any{"Q": q, "R": res, "More": url.Values{"q": {q}}.Encode()}
	s.render(w, r, "search", v)
}

// recentActivity is the home page's 「最近办理」: the user's own latest
// changes. A failure is logged and the list left empty.
func (s *Server) recentActivity(r *http.Request) any {
	entries, err := s.App.RecentActivity(r.Context(), actor(r), 8)
	if err != nil {
		state(r).Log.ErrorContext(r.Context(), "recent activity", "err", err)
	}
	return entries
}

func init() {
	extraFuncs["auditAction"] = auditActionLabel
	extraFuncs["auditObject"] = auditObjectLabel
}

// auditObjectLabel names an audit record's object: 「公告 #9」.
func auditObjectLabel(objectType, id string) string {
	if l, ok := auditObjects[objectType]; ok {
		objectType = l
	}
	if id == "" {
		return objectType
	}
	return objectType + " #" + id
}

// auditActionLabel names an audit action for people: the application
// actions by their labels, the rest by their code's object.
func auditActionLabel(action string) string {
	obj, verb, found := strings.Cut(action, ".")
	if !found {
		if v, ok := auditVerbs[action]; ok {
			return v
		}
		return action
	}
	if obj == "application" {
		if l := actionLabel(verb); l != verb {
			return l
		}
	}
	if l, ok := auditObjects[obj]; ok {
		if v, ok := auditVerbs[verb]; ok {
			verb = v
		}
		return l + "：" + verb
	}
	return action
}

var auditObjects = map[string]string{"application": "申报", "organization": "单位", "user": "用户", "call": "申报批次",
	"publicity": "公示", "publicity_batch": "公示批次", "objection": "异议", "payment": "拨付", "payment_instruction": "拨付指令",
	"budget": "预算", "announcement": "公告", "award": "奖补", "expert": "专家", "panel": "评审组", "letter": "推荐函",
	"project": "改造项目", "assessment": "数字化水平评测", "supervision": "过程监督", "inspection": "监督检查", "sanction": "违规处理",
	"product": "产品", "adoption": "应用记录", "ranking": "排名", "matching": "免申即享", "import": "数据导入", "session": "会话",
	"fund_plan": "资金使用计划", "payment_batch": "拨付批次", "credit": "信用记录", "token": "访问令牌"}

var auditVerbs = map[string]string{"create": "新建", "update": "修改", "save": "保存", "delete": "删除", "withdraw": "撤回",
	"submit": "提交", "approve": "批准", "revoke": "撤销", "issue": "下达", "hold": "暂缓", "login": "登录", "logout": "退出",
	"run": "运行", "confirm": "确认", "decline": "放弃", "record": "登记", "propose": "推荐", "sign": "签署", "import": "导入"}
