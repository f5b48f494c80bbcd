package web

// projectRoutes are the routes of retrofit projects, acceptance and performance (第十五条、第十六条、第十九条).
func (s *Server) projectRoutes() []Route { return nil }
