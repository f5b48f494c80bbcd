// Package web is dtfund's server-rendered Chinese UI and its JSON API. Every
// route declares who may call it next to its path (routes.go); middleware
// adds the request ID, security headers, the session and CSRF checks.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"dtfund/internal/app"
)

// Server holds the HTTP layer's dependencies.
type Server struct {
	App    *app.App
	Log    *slog.Logger
	secret []byte // HMAC key for CSRF tokens, shared by all instances via the database
	pages  pageSet
	static staticAssets
	// TLS tells the session cookie to be Secure; set when served behind TLS.
	TLS bool
	// DemoClock, set only when serving the demo, moves the system clock
	// forward by days (see demo.go).
	DemoClock func(days int) time.Time
	Version   string
	mux       *http.ServeMux
	routes    []Route
	pageCache pageCache // public pages for anonymous visitors (pagecache.go)
	// PublicCacheTTL is how long the public publicity list is reused for
	// anonymous visitors: 0 means DefaultPublicCacheTTL, negative no cache.
	PublicCacheTTL time.Duration
}

// New builds the server and its route table.
func New(ctx context.Context, a *app.App, log *slog.Logger, version string) (*Server, error) {
	secret, err := loadSecret(ctx, a)
	if err != nil {
		return nil, err
	}
	s := &Server{App: a, Log: log, secret: secret, Version: version}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.static); err != nil {
		return nil, err
	}
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.guard(rt))
	}
	s.mux.Handle("GET /static/", s.static.handler())
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// Routes returns the declared route table, for the authorization tests.
func (s *Server) Routes() []Route { return s.routes }

// Handler is the whole HTTP handler with middleware.
func (s *Server) Handler() http.Handler {
	return s.withRequestID(s.withSecurityHeaders(s.withRecover(s.withSession(s.withPublicCache(s.mux)))))
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// in-flight requests finish (up to the grace period) before it returns.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, grace time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: waiting for in-flight requests", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
