package web

// supervisionRoutes are the routes of supervision, inspections and sanctions (第十七条、第十八条、第二十条).
func (s *Server) supervisionRoutes() []Route { return nil }
