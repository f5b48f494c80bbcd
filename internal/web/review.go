package web

// District review and recommendation letters (第十四条（二）), expert review (第十四条（三））.
func (s *Server) reviewRoutes() []Route {
	return nil
}
