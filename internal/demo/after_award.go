package demo

// afterAward seeds what happens after the awards: projects, assessments and
// acceptance, supervision, inspections and sanctions, service providers and
// rankings, and 免申即享 proposals. Each part lives in its own file.
func (s *seeder) afterAward() error {
	for _, part := range []func() error{s.projects, s.assessments, s.acceptances, s.supervision, s.providers, s.matching} {
		if err := part(); err != nil {
			return err
		}
	}
	return nil
}
