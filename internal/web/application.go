package web

// Application lists, detail pages with the timeline, and notifications, for every role.
func (s *Server) applicationRoutes() []Route {
	return nil
}
