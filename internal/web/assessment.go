package web

// assessmentRoutes are the routes of digital-level assessments (数字化水平评测).
func (s *Server) assessmentRoutes() []Route { return nil }
