package web

import (
	"net/http"
	"strconv"

	"dtfund"
	"dtfund/calendar"
)

// demoRoutes: the demo's clock. Publicity lasts at least five working days
// (第十四条（五）); in the demo, a city official or the administrator may
// move the system clock forward to take an application to approval in one
// sitting. Outside the demo these pages answer 404.
func (s *Server) demoRoutes() []Route {
	who := roles(dtfund.RoleAdmin, dtfund.RoleCityMIIT)
	return []Route{
		{"GET", "/admin/demo-clock", who, s.demoClockPage},
		{"POST", "/admin/demo-clock", who, s.demoClockAdvance},
	}
}

func (s *Server) demoClockPage(w http.ResponseWriter, r *http.Request) {
	if s.DemoClock == nil {
		s.notFound(w, r)
		return
	}
	now := s.App.Now()
	v := s.newView(r, "演示时钟", map[string]any{"Now": now, "Today": calendar.DateOf(now).String()})
	s.render(w, r, "demo_clock", v)
}

func (s *Server) demoClockAdvance(w http.ResponseWriter, r *http.Request) {
	if s.DemoClock == nil {
		s.notFound(w, r)
		return
	}
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil || days < 1 || days > 60 {
		v := s.newView(r, "演示时钟", map[string]any{"Now": s.App.Now(), "Today": calendar.DateOf(s.App.Now()).String()})
		v.Form, v.Errors = r.PostForm, map[string]string{"days": "天数须为1至60之间的整数"}
		s.render(w, r, "demo_clock", v)
		return
	}
	now := s.DemoClock(days)
	state(r).Log.InfoContext(r.Context(), "demo clock advanced", "days", days, "now", now)
	s.redirect(w, r, "/admin/demo-clock", "系统时间已前进 "+strconv.Itoa(days)+" 天")
}
