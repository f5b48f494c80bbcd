package demo

// providers seeds service providers, products, adoptions and rankings.
func (s *seeder) providers() error { return nil }
