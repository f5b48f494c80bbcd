package web

// Joint re-check (第十四条（四）), publicity and objections (第十四条（五）), approval and awards (第十四条（六））.
func (s *Server) publicityRoutes() []Route {
	return nil
}
