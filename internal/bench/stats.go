package bench

import (
	"slices"
	"sync"
	"time"
)

// latencies collects request durations by name.
type latencies struct {
	mu   sync.Mutex
	by   map[string][]time.Duration
	errs int
}

func newLatencies() *latencies { return &latencies{by: map[string][]time.Duration{}} }

func (l *latencies) add(name string, d time.Duration, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[name] = append(l.by[name], d)
	if status >= 500 {
		l.errs++
	}
}

// of returns the durations of the named requests (all when none named).
func (l *latencies) of(names ...string) []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	for name, ds := range l.by {
		if len(names) == 0 || slices.Contains(names, name) {
			out = append(out, ds...)
		}
	}
	return out
}

// percentile returns the p-th percentile (0–100) by the nearest-rank
// method; 0 for no samples.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(float64(len(s))*p/100+0.999999) - 1
	rank = max(0, min(rank, len(s)-1))
	return s[rank]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// perSecond is a rate.
func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
