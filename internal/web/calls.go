package web

// Calls (申报批次) and the applicant's side of applications: drafting, attachments, submission, withdrawal.
func (s *Server) callRoutes() []Route {
	return nil
}
