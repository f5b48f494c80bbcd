package web

// matchingRoutes are the routes of 免申即享 matching (第十五条).
func (s *Server) matchingRoutes() []Route { return nil }
