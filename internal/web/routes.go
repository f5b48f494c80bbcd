package web

import (
	"net/http"
	"sync"

	"dtfund"
)

// Access is who may call a route. It is declared next to every route, and
// the authorization test walks this table.
type Access struct {
	Public bool          // anyone, logged in or not
	Roles  []dtfund.Role // these roles only; empty with !Public means any logged-in user
	// NoCSRF exempts a state-free POST (a computation) from the CSRF token;
	// it must say why in Reason.
	NoCSRF bool
	Reason string
	// MaxBody, when set, replaces the default request body limit (uploads).
	MaxBody int64
}

var (
	public   = Access{Public: true}
	loggedIn = Access{}
)

func roles(rs ...dtfund.Role) Access { return Access{Roles: rs} }

// Allows reports whether a user (nil for anonymous) may call the route.
func (a Access) Allows(u *dtfund.User) bool {
	if a.Public {
		return true
	}
	if u == nil {
		return false
	}
	if len(a.Roles) == 0 {
		return true
	}
	for _, r := range a.Roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler http.HandlerFunc
}

// officials are the roles that work with organisation records.
var officials = []dtfund.Role{dtfund.RoleDistrictMIIT, dtfund.RoleDistrictFinance, dtfund.RoleCityMIIT,
	dtfund.RoleCityFinance, dtfund.RoleInspector, dtfund.RoleAdmin}

func (s *Server) routeTable() []Route {
	routes := s.foundationRoutes()
	for _, more := range [][]Route{s.demoRoutes(), s.auditRoutes(), s.applicationRoutes(), s.callRoutes(), s.reviewRoutes(), s.publicityRoutes(),
		s.budgetRoutes(), s.paymentRoutes(),
		s.projectRoutes(), s.assessmentRoutes(), s.supervisionRoutes(),
		s.providerRoutes(), s.matchingRoutes(), s.statsRoutes(), s.publicSiteRoutes(), s.workbenchRoutes(), s.importRoutes(),
		s.tokenRoutes(), s.apiRoutes()} {
		routes = append(routes, more...)
	}
	return routes
}

// foundationRoutes are the shell: login, home, profile, organisations,
// administration, and the public policy tools.
func (s *Server) foundationRoutes() []Route {
	return []Route{
		{"GET", "/{$}", public, s.landing},
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
		{"GET", "/favicon.ico", public, s.favicon},
		{"GET", "/login", public, s.loginForm},
		{"POST", "/login", public, s.loginSubmit},
		{"POST", "/logout", loggedIn, s.logout},
		{"GET", "/home", loggedIn, s.home},

		{"GET", "/profile/org", roles(dtfund.RoleApplicant), s.orgProfileForm},
		{"POST", "/profile/org", roles(dtfund.RoleApplicant), s.orgProfileSubmit},
		{"GET", "/orgs", roles(officials...), s.orgList},
		{"GET", "/orgs/export.xlsx", roles(officials...), s.orgExport},
		{"GET", "/orgs/{id}", roles(officials...), s.orgDetail},

		{"GET", "/admin/users", roles(dtfund.RoleAdmin), s.adminUsers},
		{"POST", "/admin/users", roles(dtfund.RoleAdmin), s.adminUserCreate},
		{"GET", "/admin/users/{id}", roles(dtfund.RoleAdmin), s.adminUser},
		{"POST", "/admin/users/{id}", roles(dtfund.RoleAdmin), s.adminUserUpdate},
		{"POST", "/admin/users/{id}/password", roles(dtfund.RoleAdmin), s.adminUserPassword},
		{"POST", "/admin/users/{id}/revoke", roles(dtfund.RoleAdmin), s.adminUserRevoke},
		{"GET", "/admin/calendar", roles(dtfund.RoleAdmin), s.adminCalendar},
		{"POST", "/admin/calendar", roles(dtfund.RoleAdmin), s.adminCalendarPut},
		{"POST", "/admin/calendar/import", roles(dtfund.RoleAdmin), s.adminCalendarImport},
		{"POST", "/admin/calendar/{date}/delete", roles(dtfund.RoleAdmin), s.adminCalendarDelete},

		{"GET", "/public/calculator", public, s.calculatorForm},
		{"POST", "/public/calculator", Access{Public: true, NoCSRF: true, Reason: "只计算、不保存任何数据"}, s.calculatorSubmit},
		{"GET", "/public/calendar", public, s.publicCalendar},
	}
}

// routeAccess maps "METHOD /pattern" to its declared access, for templates
// that show a link or a button only to those who may follow it (the
// "allowed" template function). The table is the same for every server.
func routeAccess() map[string]Access {
	routeAccessOnce.Do(func() {
		routeAccessMap = map[string]Access{}
		for _, rt := range routeTableOf() {
			routeAccessMap[rt.Method+" "+rt.Path] = rt.Access
		}
	})
	return routeAccessMap
}

var (
	routeAccessOnce sync.Once
	routeAccessMap  map[string]Access
	// routeTableOf is set in init: handlers ask allowed(), which reads the
	// route table, which names the handlers — a cycle for variable
	// initialisers, not for an init function.
	routeTableOf func() []Route
)

// allowed reports whether u (nil for a visitor) may call the route; an
// unknown route is never allowed (TestTemplatesNameKnownRoutes catches typos).
func allowed(u *dtfund.User, route string) bool {
	a, ok := routeAccess()[route]
	return ok && a.Allows(u)
}

func init() {
	extraFuncs["allowed"] = allowed
	routeTableOf = func() []Route { return (&Server{}).routeTable() }
}
