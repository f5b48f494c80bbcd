package web

import (
	"bytes"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"dtfund/calendar"
)

// The public publicity list (/public/publicity) is what the whole city may
// open at once when a batch goes public; every anonymous visitor sees the
// same page for the same query. publicCache keeps the rendered page for a
// short while (Server.PublicCacheTTL), so that a crowd costs one rendering per
// period instead of one per visitor. Only anonymous GETs without a flash
// message are served from it (a logged-in user's page shows their name; a
// flash is for one visitor), only 200 answers are kept, and only the pages
// listed in cachedPages: pages with a form carry the visitor's CSRF token
// and are never cached. Each instance has its own cache: a change shows on
// every instance within the period.

// DefaultPublicCacheTTL is how long a rendered public page is reused unless
// Server.PublicCacheTTL says otherwise.
const DefaultPublicCacheTTL = 2 * time.Second

// cachedPages are the paths served from the cache.
var cachedPages = map[string]bool{"/public/publicity": true}

// maxCachedPages bounds the cache (one entry per distinct query).
const maxCachedPages = 256

type cachedPage struct {
	mu      sync.Mutex // held while the page is rendered, so a crowd renders it once
	header  http.Header
	body    []byte
	expires time.Time
	gen     uint64
}

type pageCache struct {
	mu    sync.Mutex
	pages map[string]*cachedPage
	// gen counts the state-changing requests this instance handled: a
	// change made here shows at once; one made on another instance within
	// the TTL.
	gen atomic.Uint64
}

func (c *pageCache) entry(key string, now time.Time) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil {
		c.pages = map[string]*cachedPage{}
	}
	if e, ok := c.pages[key]; ok {
		return e
	}
	if len(c.pages) >= maxCachedPages {
		for k, e := range c.pages { // drop what has expired; if nothing has, do not cache
			if e.mu.TryLock() {
				if now.After(e.expires) {
					delete(c.pages, k)
				}
				e.mu.Unlock()
			}
		}
		if len(c.pages) >= maxCachedPages {
			return nil
		}
	}
	e := &cachedPage{}
	c.pages[key] = e
	return e
}

// withPublicCache serves cachedPages from the cache for anonymous visitors.
func (s *Server) withPublicCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ttl := s.PublicCacheTTL
		if ttl == 0 {
			ttl = DefaultPublicCacheTTL
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			defer s.pageCache.gen.Add(1)
		}
		if ttl < 0 || r.Method != http.MethodGet || !cachedPages[r.URL.Path] || state(r).User != nil || hasCookie(r, flashCookie) {
			next.ServeHTTP(w, r)
			return
		}
		now := time.Now()
		// What is public depends on the date (calendar.DateOf of the app's clock).
		key := calendar.DateOf(s.App.Now()).String() + " " + r.URL.Path + "?" + r.URL.RawQuery
		e := s.pageCache.entry(key, now)
		if e == nil {
			next.ServeHTTP(w, r)
			return
		}
		e.mu.Lock()
		if gen := s.pageCache.gen.Load(); now.After(e.expires) || e.gen != gen {
			rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			if rec.status != http.StatusOK {
				e.mu.Unlock()
				rec.copyTo(w)
				return
			}
			rec.header.Del("Set-Cookie") // a cookie is for one visitor
			e.header, e.body, e.expires, e.gen = rec.header, rec.body.Bytes(), time.Now().Add(ttl), gen
		}
		header, body := e.header, e.body
		e.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
}

func hasCookie(r *http.Request, name string) bool {
	_, err := r.Cookie(name)
	return err == nil
}

// pageRecorder captures a handler's answer.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header         { return p.header }
func (p *pageRecorder) WriteHeader(status int)      { p.status = status }
func (p *pageRecorder) Write(b []byte) (int, error) { return p.body.Write(b) }

func (p *pageRecorder) copyTo(w http.ResponseWriter) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	w.Write(p.body.Bytes())
}
