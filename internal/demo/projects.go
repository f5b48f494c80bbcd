package demo

// projects seeds the retrofit projects of the awarded applications.
func (s *seeder) projects() error { return nil }

// acceptances seeds acceptance (验收) and performance evaluation.
func (s *seeder) acceptances() error { return nil }
