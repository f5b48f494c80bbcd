package web

// Fund-use plans, payments through the districts, recovery, and the money
// views and reports (第六条（一）–（四）, 第二十条).
func (s *Server) paymentRoutes() []Route {
	return nil
}
