package web

// Budgets, budget lines and commitments (第六条（二）, FACTS §2).
func (s *Server) budgetRoutes() []Route {
	return nil
}
