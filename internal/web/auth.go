package web

import (
	"net/http"
	"strings"

	"dtfund"
)

func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	if state(r).User != nil {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	s.render(w, r, "landing", s.newView(r, "首页", nil))
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
)

var roleCapabilities = map[dtfund.Role][]capability{
	dtfund.RoleApplicant: {
		{"单位信息维护", "/profile/org", "第十二条、第十三条"}, capCalculator,
		{"在线申报", "", "第十四条（一）"}, {"绩效自评", "", "第六条（五）"},
	},
	dtfund.RoleDistrictMIIT: {
		{"本辖区单位", "/orgs", "第六条（三）"}, {"县区推荐", "", "第十四条（二）"}, {"过程监督", "", "第十八条"},
	},
	dtfund.RoleDistrictFinance: {
		{"本辖区单位", "/orgs", "第六条（四）"}, {"资金拨付", "", "第六条（四）"},
	},
	dtfund.RoleCityMIIT: {
		capOrgs, {"申报批次管理", "", "第六条（一）"}, {"专家评审", "", "第十四条（三）"}, {"资格复核", "", "第十四条（四）"},
		{"网站公示", "", "第十四条（五）"}, {"政府审批", "", "第十四条（六）"}, {"监督检查", "", "第十七条"},
	},
	dtfund.RoleCityFinance: {
		capOrgs, {"预算下达", "", "第六条（二）"}, {"资格复核会签", "", "第十四条（四）"}, {"资金拨付", "", "第六条（二）"},
	},
	dtfund.RoleExpert:    {{"评审任务", "", "第十四条（三）"}},
	dtfund.RoleInspector: {capOrgs, {"核查任务", "", "第十七条"}},
	dtfund.RoleAdmin: {
		{"用户管理", "/admin/users", ""}, {"工作日历（节假日与调休）", "/admin/calendar", "第十四条（五）"}, capOrgs,
	},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u := state(r).User
	data := map[string]any{"Capabilities": roleCapabilities[u.Role]}
	s.render(w, r, "home", s.newView(r, "工作台", data))
}
