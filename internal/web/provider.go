package web

// providerRoutes are the routes of service providers, products, adoptions and rankings (第七条（二）–（五）).
func (s *Server) providerRoutes() []Route { return nil }
