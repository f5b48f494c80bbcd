package web

import (
	"net/http"
	"strings"

	"dtfund"
	"dtfund/internal/store"
)

func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	if state(r).User != nil {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	s.render(w, r, "landing", s.newView(r, "首页", s.landingData(r)))
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if state(r).User != nil {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	v := s.newView(r, "登录", nil)
	v.Form = r.URL.Query()
	s.render(w, r, "login", v)
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	token, u, err := s.App.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), st.IP, r.UserAgent())
	if err != nil {
		v := s.newView(r, "登录", nil)
		v.Form = r.PostForm
		v.Form.Del("password")
		v.Errors = map[string]string{"": dtfund.ErrorMessage(err)}
		if dtfund.ErrorCode(err) == dtfund.EINTERNAL {
			st.Log.Error("login", "err", err)
		}
		s.renderCode(w, r, "login", v, statusFor(dtfund.ErrorCode(err)))
		return
	}
	// A new session token on every login defeats session fixation.
	s.setCookie(w, sessionCookie, token, 0)
	st.Log.Info("login", "user", u.Username)
	s.redirect(w, r, safeNext(r.PostFormValue("next")), "")
}

// safeNext allows only local paths as the post-login destination.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/home"
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if err := s.App.Logout(r.Context(), actor(r), st.Token); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.clearCookie(w, sessionCookie)
	s.redirect(w, r, "/login", "您已安全退出")
}

// capability is one thing a role can do, shown on its home page. Href is
// empty for capabilities not yet built: the page says so plainly.
type capability struct {
	Label   string
	Href    string
	Article string
}

var (
	capCalculator = capability{"政策计算器（资格与奖补上限测算）", "/public/calculator", "第五条、第七条、第十条至第十三条"}
	capOrgs       = capability{"单位查询", "/orgs", "第六条"}
	capApps       = capability{"申报查询", "/apps", "第十四条"}
	capCalls      = capability{"申报批次", "/calls", "第十四条（一）"}
	capAwards     = capability{"奖补结果", "/awards", "第十四条（六）"}
	capLetters    = capability{"推荐函", "/letters", "第十四条（二）"}
	capAudit      = capability{"审计日志", "/admin/audit", ""}
	capNotices    = capability{"消息通知", "/notifications", ""}
	capStats      = capability{"统计分析", "/stats", "第六条、第十六条"}
	// capCreditImport is the bulk entry of credit records (CSV, Excel).
	capCreditImport = capability{"信用记录导入", "/credit/import", "第十一条、第十三条"}
)

var roleCapabilities = map[dtfund.Role][]capability{
	dtfund.RoleApplicant: {
		{"单位信息维护", "/profile/org", "第十二条、第十三条"}, {"申报批次与在线申报", "/calls", "第十四条（一）"},
		{"我的申报", "/apps", "第十四条"}, {"免申即享（待确认的奖补）", "/matching/proposals", "第十五条"},
		capAwards, capNotices, capCalculator, {"改造项目、绩效自评与申请验收", "/projects", "第六条（五）、第十九条"},
		{"应用记录（登记、确认本企业使用的产品）", "/adoptions", "第七条（三）（四）"}, {"服务商产品和解决方案（服务商）", "/provider/products", "第七条（三）"},
	},
	dtfund.RoleDistrictMIIT: {
		{"县区推荐（初审）", "/review/district", "第十四条（二）"}, capLetters, {"本辖区申报", "/apps", "第十四条"},
		{"本辖区单位", "/orgs", "第六条（三）"}, capCalls, capAwards, {"本辖区改造项目", "/projects", "第六条（三）"},
		{"过程监督", "/supervision", "第十八条"}, capStats, capImports, {"本辖区企业的应用记录", "/adoptions", "第七条（三）"},
	},
	dtfund.RoleDistrictFinance: {
		{"本辖区申报", "/apps", "第十四条"}, {"本辖区单位", "/orgs", "第六条（四）"}, capAwards, {"资金拨付", "/payments/district", "第六条（四）"}, capStats, capImports,
		{"本辖区改造项目", "/projects", "第六条（四）"},
	},
	dtfund.RoleCityMIIT: {
		{"申报批次管理", "/calls", "第六条（一）"}, {"通知公告", "/announcements", "第六条（一）"}, capApps, {"市级初审（长春市外申报主体）", "/review/district", "第十四条（二）"},
		capLetters, {"专家库", "/experts", "第十四条（三）"}, {"专家评审", "/panels", "第十四条（三）"},
		{"资格复核", "/recheck", "第十四条（四）"}, {"网站公示", "/publicity", "第十四条（五）"}, {"异议处理", "/objections", "第十四条（五）"},
		{"政府审批与奖补", "/awards", "第十四条（六）"}, {"资金使用计划", "/plans", "第六条（一）"},
		{"奖补撤销与追回", "/receivables", "第二十条"}, {"改造项目验收", "/projects", "第十五条"}, {"试点目标与项目绩效", "/projects/pilot", "第十六条"},
		{"免申即享匹配政策与推荐", "/matching/policies", "第十五条、第七条（二）"},
		capOrgs, capAudit, {"监督检查", "/inspections", "第十七条"}, {"过程监督", "/supervision", "第十八条"}, {"违规处理", "/sanctions", "第二十条"},
		capCreditImport, capStats, capImports,
		{"“小快轻准”产品和服务商排名", "/rankings", "第七条（三）（四）"}, {"应用记录", "/adoptions", "第七条（三）（四）"},
	},
	dtfund.RoleCityFinance: {
		{"资格复核会签", "/recheck", "第十四条（四）"}, capApps, capLetters, capAwards, capOrgs, capAudit,
		{"预算下达", "/budget", "第六条（二）"}, {"资金拨付", "/payments", "第六条（二）"}, {"追回登记", "/receivables", "第二十条"},
		{"预算执行", "/reports/execution", "第六条"}, {"对账报告", "/reports/reconcile", "第六条"},
		{"监督检查", "/inspections", "第十七条"}, {"过程监督（查阅）", "/supervision", "第十八条"}, capCreditImport, capStats,
		{"排名结果", "/rankings", "第七条（三）（四）"}, {"项目绩效评价", "/projects?eval=1", "第十六条"}, {"试点目标与项目绩效", "/projects/pilot", "第十六条"},
	},
	dtfund.RoleExpert: {{"评审任务", "/review/expert", "第十四条（三）"}},
	dtfund.RoleInspector: {capOrgs, capApps, {"改造项目", "/projects", "第十七条"}, {"核查任务", "/inspections/tasks", "第十七条"},
		{"数字化水平评测", "/assessments", "第十九条"}, capStats, {"应用记录", "/adoptions", "第七条（三）（四）"}, {"排名结果", "/rankings", "第七条（三）（四）"}},
	dtfund.RoleAdmin: {
		{"用户管理", "/admin/users", ""}, {"工作日历（节假日与调休）", "/admin/calendar", "第十四条（五）"}, capOrgs, capAudit, capCreditImport, capStats, capImports,
		{"数字化水平评测指标", "/admin/assessment-indicators", "第十九条"},
	},
}

// todo is one line of the workbench's 待办 queue: what waits for this user.
type todo struct {
	Label string
	Href  string
	Count int
}

// todoQueries are the states that wait for each role, with the list page
// that shows them.
var todoQueries = map[dtfund.Role][]struct {
	label  string
	href   string
	states []dtfund.AppState
	filter func(*store.ApplicationFilter)
}{
	dtfund.RoleApplicant: {
		{"草稿待提交", "/apps?state=draft", []dtfund.AppState{dtfund.StateDraft}, nil},
		{"退回待补正", "/apps?state=returned", []dtfund.AppState{dtfund.StateReturned}, nil},
	},
	dtfund.RoleDistrictMIIT: {{"待初审推荐", "/review/district", []dtfund.AppState{dtfund.StateSubmitted}, nil}},
	dtfund.RoleCityMIIT: {
		{"长春市外申报主体待初审", "/review/district", []dtfund.AppState{dtfund.StateSubmitted}, func(f *store.ApplicationFilter) { f.NoDistrict = true }},
		{"待组织专家评审", "/apps?state=recommended", []dtfund.AppState{dtfund.StateRecommended}, nil},
		{"专家评审中", "/apps?state=expert_review", []dtfund.AppState{dtfund.StateExpertReview}, nil},
		{"待资格复核", "/recheck", []dtfund.AppState{dtfund.StateReviewed}, nil},
		{"待公示", "/apps?state=rechecked", []dtfund.AppState{dtfund.StateRechecked}, nil},
		{"公示中", "/publicity", []dtfund.AppState{dtfund.StateInPublicity}, nil},
		{"公示期满待审批", "/apps?state=publicity_passed", []dtfund.AppState{dtfund.StatePublicityPassed}, nil},
	},
	dtfund.RoleCityFinance: {{"待资格复核会签", "/recheck", []dtfund.AppState{dtfund.StateReviewed}, nil}},
	dtfund.RoleExpert:      {{"待评审", "/review/expert", []dtfund.AppState{dtfund.StateExpertReview}, nil}},
}

// todos counts what waits for the user, within their scope.
func (s *Server) todos(r *http.Request) []todo {
	var out []todo
	for _, q := range todoQueries[state(r).User.Role] {
		f := store.ApplicationFilter{States: q.states, Page: store.Page{Limit: 1}}
		if q.filter != nil {
			q.filter(&f)
		}
		_, n, err := s.App.FindApplications(r.Context(), actor(r), f)
		if err != nil {
			state(r).Log.ErrorContext(r.Context(), "todo count", "err", err)
			continue
		}
		if n > 0 {
			out = append(out, todo{Label: q.label, Href: q.href, Count: n})
		}
	}
	for _, f := range todoSources {
		out = append(out, f(s, r)...)
	}
	return out
}

// todoSources add 待办 lines that are not application states (overdue
// rectifications, confirmations awaited…); each part registers its own from
// an init function. A source returns only non-zero counts for the user of r.
var todoSources []func(s *Server, r *http.Request) []todo

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := state(r).User
	data := map[string]any{"Capabilities": roleCapabilities[u.Role], "Todos": s.todos(r), "Recent": s.recentActivity(r)}
	s.render(w, r, "home", s.newView(r, "工作台", data))
}
