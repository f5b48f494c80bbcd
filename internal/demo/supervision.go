package demo

// supervision seeds supervision cases, inspections and sanctions.
func (s *seeder) supervision() error { return nil }
