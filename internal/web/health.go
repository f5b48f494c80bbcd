package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers while the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

// readyz answers 200 only when the database is reachable and its schema
// current, so a load balancer sends no traffic to an instance that cannot
// serve it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.App.DB.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return
	}
	if err := s.App.DB.CheckSchema(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "schema outdated", "detail": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// favicon answers browsers that ask for /favicon.ico before reading the
// page's icon link.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.static.url("favicon.svg"), http.StatusMovedPermanently)
}
