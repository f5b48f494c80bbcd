// Package bench is the load benchmark behind `dtfund bench`: it runs the
// real server (the dtfund binary, `dtfund serve`, in a child process) on a
// database of its own and measures, in one run on one machine:
//
//   - (a) the deadline day: N applicants log in, then 64 clients each start
//     an application, fill in five spending items, upload the application
//     document and submit, over HTTP; throughput and p50/p99, against the
//     same database's raw durable single-row insert rate on the same disk;
//   - (b) the public publicity page (/public/publicity) under load against a
//     bare net/http handler serving the same bytes;
//   - (c) the application list with filters, as a city official, at 10k,
//     100k and 1M applications (generated with set-based SQL);
//   - (d) the server's resident memory (VmRSS, VmHWM) during (a) and (c).
//
// Each figure that depends on the machine is reported with its baseline
// from the same run, as a ratio against a target. The benchmark never fails
// on a ratio: it reports.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dtfund/calendar"
	"dtfund/internal/store"
)

// Options configure a run.
type Options struct {
	Engine      string // "sqlite" or "postgres"
	PostgresURL string // PostgreSQL server (a schema of its own is created and dropped)
	Dir         string // working directory (data, logs); "" for a temporary one
	Exe         string // the dtfund binary that serves
	Short       bool   // CI: small sizes, proves the benchmark works
	Clients     int    // concurrent clients (default 64)
	Applicants  int    // applicants on the deadline day (default 1024, short 128)
	Sizes       []int  // application counts for the list (default 10k, 100k, 1M; short 10k, 100k)
	Keep        bool   // keep the database (and a temporary directory) for inspection
	Out         io.Writer
}

func (o *Options) defaults() {
	if o.Clients <= 0 {
		o.Clients = 64
	}
	if o.Applicants <= 0 {
		o.Applicants = 1024
		if o.Short {
			o.Applicants = 128
		}
	}
	if len(o.Sizes) == 0 {
		o.Sizes = []int{10_000, 100_000, 1_000_000}
		if o.Short {
			o.Sizes = []int{10_000, 100_000}
		}
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
}

// Targets of the load work.
const (
	TargetWriteRatio  = 0.5                    // deadline-day durable writes ≥ 50% of the raw insert rate
	TargetP99         = 100 * time.Millisecond // p99 at 64 clients
	TargetPageRatio   = 0.5                    // publicity page ≥ 50% of a bare handler
	TargetListGrowth  = 1.5                    // list p50 at the largest size ≤ 1.5 × p50 at 10k
	TargetResidentMiB = 200
)

// Report holds the figures of a run.
type Report struct {
	Engine          string
	RawPerSec       float64
	Logins          int
	LoginTime       time.Duration
	Applications    int
	ApplyTime       time.Duration
	WritesPerSec    float64
	WriteP50        time.Duration
	WriteP99        time.Duration
	SubmitP50       time.Duration
	SubmitP99       time.Duration
	WriteRatio      float64
	PagePerSec      float64
	PageP50         time.Duration
	PageP99         time.Duration
	BarePerSec      float64
	PageRatio       float64
	List            []ListFigure
	ListGrowth      float64
	PeakMiBDeadline float64
	PeakMiBLogin    float64
	PeakMiBApply    float64
	PeakMiBList     float64
	HWMMiB          float64
}

// ListFigure is the list page's latency at one size.
type ListFigure struct {
	Size     int
	P50, P99 time.Duration
	ByFilter map[string]time.Duration // p50 per filter
}

// run is the state of one benchmark run.
type run struct {
	opt     Options
	out     io.Writer
	dir     string
	dbURL   string
	db      *store.DB
	srv     *Server
	world   *World
	mem     *memorySampler
	tr      *http.Transport
	report  Report
	gen     generated
	cleanup []func()
}

// Run runs the benchmark and prints the figures as it goes.
func Run(ctx context.Context, opt Options) (*Report, error) {
	opt.defaults()
	r := &run{opt: opt, out: opt.Out, report: Report{Engine: opt.Engine}}
	defer r.close()
	r.tr = &http.Transport{MaxIdleConns: 4 * opt.Clients, MaxIdleConnsPerHost: 2 * opt.Clients, IdleConnTimeout: time.Minute}
	mode := "full"
	if opt.Short {
		mode = "short"
	}
	fmt.Fprintf(r.out, "dtfund bench — %s, %s mode, %d CPU, %s, %s/%s\n", opt.Engine, mode, runtime.NumCPU(), runtime.Version(),
		runtime.GOOS, runtime.GOARCH)
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"prepare", r.prepare}, {"raw", r.raw}, {"deadline", r.deadlineDay}, {"publicity", r.publicityPage},
		{"list", r.listPages},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return &r.report, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if m, err := ReadMemory(r.srv.Cmd.Process.Pid); err == nil {
		r.report.HWMMiB = float64(m.HWM) / 1024
	}
	r.summary()
	return &r.report, nil
}

func (r *run) close() {
	if r.mem != nil {
		r.mem.close()
	}
	if r.srv != nil {
		if err := r.srv.Stop(); err != nil {
			fmt.Fprintln(r.out, "server stop:", err)
		}
	}
	if r.db != nil {
		r.db.Close()
	}
	for i := len(r.cleanup) - 1; i >= 0; i-- {
		r.cleanup[i]()
	}
}

// prepare creates the database (a SQLite file, or a PostgreSQL schema of
// its own), seeds the deadline day and starts the server on it.
func (r *run) prepare(ctx context.Context) error {
	r.dir = r.opt.Dir
	if r.dir == "" {
		d, err := os.MkdirTemp("", "dtfund-bench-")
		if err != nil {
			return err
		}
		r.dir = d
		if !r.opt.Keep {
			r.cleanup = append(r.cleanup, func() { os.RemoveAll(d) })
		}
	}
	switch r.opt.Engine {
	case "sqlite":
		r.dbURL = filepath.Join(r.dir, "dtfund.sqlite")
		if _, err := os.Stat(r.dbURL); err == nil {
			return fmt.Errorf("%s exists: the benchmark needs a fresh database", r.dbURL)
		}
	case "postgres":
		u, drop, err := postgresSchema(ctx, r.opt.PostgresURL)
		if err != nil {
			return err
		}
		r.dbURL = u
		if !r.opt.Keep {
			r.cleanup = append(r.cleanup, drop)
		}
	default:
		return fmt.Errorf("unknown engine %q (sqlite or postgres)", r.opt.Engine)
	}
	db, err := store.Open(ctx, r.dbURL)
	if err != nil {
		return err
	}
	r.db = db
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if r.world, err = Seed(ctx, db, r.opt.Applicants); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(r.dir, "server.log"))
	if err != nil {
		return err
	}
	r.cleanup = append(r.cleanup, func() { logf.Close() })
	r.srv, err = StartServer(ctx, r.opt.Exe, []string{"--data", r.dir, "--database", r.dbURL}, nil, logf)
	if err != nil {
		return err
	}
	r.mem = sampleMemory(r.srv.Cmd.Process.Pid)
	fmt.Fprintf(r.out, "server: %s (pid %d), database %s, log %s\n", r.srv.URL, r.srv.Cmd.Process.Pid, redact(r.dbURL), logf.Name())
	return nil
}

// postgresSchema creates a schema of its own on the server and returns a
// URL whose search_path selects it, and a function dropping it.
func postgresSchema(ctx context.Context, base string) (string, func(), error) {
	if base == "" {
		return "", nil, fmt.Errorf("PostgreSQL needs --database postgres://… (or DTFUND_DATABASE_URL)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 5)
	rand.Read(b)
	schema := "dtfund_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}, nil
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	return p.Redacted()
}

// raw measures the durable single-row insert rate of the same database.
func (r *run) raw(ctx context.Context) error {
	n := 3000
	if r.opt.Short {
		n = 1000
	}
	if _, err := r.db.RawInserts(ctx, 50); err != nil { // warm up
		return err
	}
	d, err := r.db.RawInserts(ctx, n)
	if err != nil {
		return err
	}
	r.report.RawPerSec = perSecond(n, d)
	fmt.Fprintf(r.out, "\nraw durable insert: %d single-row INSERT transactions one after another in %.2f s = %.0f tx/s (%.2f ms each)\n",
		n, d.Seconds(), r.report.RawPerSec, ms(d)/float64(n))
	return nil
}

// writeRequests are the deadline day's state-changing requests: each is
// one durable write transaction (the upload also writes the file).
var writeRequests = []string{"apply", "save", "upload", "submit"}

// deadlineDay logs every applicant in, then has the clients take the
// applicants through the application and submission concurrently.
func (r *run) deadlineDay(ctx context.Context) error {
	r.mem.enter("login")
	n, clients := len(r.world.Applicants), r.opt.Clients
	browsers := make([]*Client, n)
	start := time.Now()
	if err := parallel(ctx, n, clients, func(ctx context.Context, i int) error {
		browsers[i] = NewClient(r.srv.URL, r.tr)
		return browsers[i].Login(ctx, r.world.Applicants[i], Password)
	}); err != nil {
		return err
	}
	r.report.Logins, r.report.LoginTime = n, time.Since(start)
	r.mem.enter("apply")
	lat := newLatencies()
	var acked atomic.Int64
	start = time.Now()
	err := parallel(ctx, n, clients, func(ctx context.Context, i int) error {
		browsers[i].Timed = lat.add
		s, err := browsers[i].Apply(ctx, r.world.CallID, i)
		if err == nil && s.Acknowledged {
			acked.Add(1)
		}
		return err
	})
	r.report.ApplyTime = time.Since(start)
	if err != nil {
		return err
	}
	if got, err := r.db.CountSubmitted(ctx, r.world.CallID); err != nil || got != n {
		return fmt.Errorf("%d of %d applications are submitted in the database (%v)", got, n, err)
	}
	writes := lat.of(writeRequests...)
	submits := lat.of("submit")
	rep := &r.report
	rep.Applications = int(acked.Load())
	rep.WritesPerSec = perSecond(len(writes), rep.ApplyTime)
	rep.WriteP50, rep.WriteP99 = percentile(writes, 50), percentile(writes, 99)
	rep.SubmitP50, rep.SubmitP99 = percentile(submits, 50), percentile(submits, 99)
	rep.WriteRatio = rep.WritesPerSec / rep.RawPerSec
	rep.PeakMiBLogin, rep.PeakMiBApply = r.mem.peakMiB("login"), r.mem.peakMiB("apply")
	rep.PeakMiBDeadline = max(rep.PeakMiBLogin, rep.PeakMiBApply)
	fmt.Fprintf(r.out, "\n(a) deadline day: %d applicants, %d clients\n", n, clients)
	fmt.Fprintf(r.out, "    login: %d in %.2f s (%.1f/s; argon2id 64 MiB, one hash per two CPUs at once, at most two)\n", n, rep.LoginTime.Seconds(),
		perSecond(n, rep.LoginTime))
	fmt.Fprintf(r.out, "    apply (start, save 5 spending items, upload, submit): %d applications in %.2f s = %.1f applications/s\n",
		rep.Applications, rep.ApplyTime.Seconds(), perSecond(rep.Applications, rep.ApplyTime))
	fmt.Fprintf(r.out, "    durable write requests: %d = %.0f/s; p50 %.1f ms, p99 %.1f ms; submit p50 %.1f ms, p99 %.1f ms\n",
		len(writes), rep.WritesPerSec, ms(rep.WriteP50), ms(rep.WriteP99), ms(rep.SubmitP50), ms(rep.SubmitP99))
	for _, name := range append([]string{"call_page"}, writeRequests...) {
		ds := lat.of(name)
		fmt.Fprintf(r.out, "      %-9s n=%-5d p50 %7.1f ms  p99 %7.1f ms\n", name, len(ds), ms(percentile(ds, 50)), ms(percentile(ds, 99)))
	}
	fmt.Fprintf(r.out, "    ratio write requests/s ÷ raw inserts/s = %.2f (target ≥ %.2f)\n", rep.WriteRatio, TargetWriteRatio)
	return nil
}

// parallel runs fn(i) for i in [0,n) on k goroutines; the first error
// cancels the rest.
func parallel(ctx context.Context, n, k int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := 0; w < k; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}

// publicityPage loads the public publicity page and a bare handler
// serving the same bytes, alternately, with the same clients.
func (r *run) publicityPage(ctx context.Context) error {
	if err := r.grow(ctx, r.opt.Sizes[0]); err != nil {
		return err
	}
	today := calendar.DateOf(r.db.Now())
	if _, err := r.db.BulkPublicity(ctx, 120, today.AddDays(-2).String(), today.AddDays(7).String()); err != nil {
		return err
	}
	page := r.srv.URL + "/public/publicity"
	c := NewClient(r.srv.URL, r.tr)
	resp, err := c.Get(ctx, "publicity", "/public/publicity")
	if err != nil || resp.Status != http.StatusOK || !strings.Contains(resp.Body, "压测企业") {
		return fmt.Errorf("publicity page: %v %v", resp, err)
	}
	body := []byte(resp.Body)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})}
	go bare.Serve(ln)
	defer bare.Close()
	bareURL := "http://" + ln.Addr().String() + "/public/publicity"
	d := 5 * time.Second
	if r.opt.Short {
		d = 2 * time.Second
	}
	hammer(ctx, r.tr, page, r.opt.Clients, d/4) // warm up
	hammer(ctx, r.tr, bareURL, r.opt.Clients, d/4)
	app := hammer(ctx, r.tr, page, r.opt.Clients, d)
	base := hammer(ctx, r.tr, bareURL, r.opt.Clients, d)
	if app.failed > 0 || base.failed > 0 {
		return fmt.Errorf("publicity page: %d failed requests, bare handler: %d", app.failed, base.failed)
	}
	rep := &r.report
	rep.PagePerSec, rep.BarePerSec = app.perSec(), base.perSec()
	rep.PageP50, rep.PageP99 = percentile(app.lat, 50), percentile(app.lat, 99)
	rep.PageRatio = rep.PagePerSec / rep.BarePerSec
	fmt.Fprintf(r.out, "\n(b) public publicity page (%d bytes), %d clients, %.0f s each\n", len(body), r.opt.Clients, d.Seconds())
	fmt.Fprintf(r.out, "    /public/publicity: %.0f req/s, p50 %.1f ms, p99 %.1f ms\n", rep.PagePerSec, ms(rep.PageP50), ms(rep.PageP99))
	fmt.Fprintf(r.out, "    bare net/http handler, same bytes: %.0f req/s, p50 %.1f ms, p99 %.1f ms\n", rep.BarePerSec,
		ms(percentile(base.lat, 50)), ms(percentile(base.lat, 99)))
	fmt.Fprintf(r.out, "    ratio = %.2f (target ≥ %.2f)\n", rep.PageRatio, TargetPageRatio)
	return nil
}

type load struct {
	n, failed int
	lat       []time.Duration
	took      time.Duration
}

func (l load) perSec() float64 { return perSecond(l.n, l.took) }

// hammer GETs url from k clients for d.
func hammer(ctx context.Context, tr http.RoundTripper, u string, k int, d time.Duration) load {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var total load
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < k; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine load
			jar, _ := cookiejar.New(nil) // a browser keeps its visitor cookie
			hc := &http.Client{Transport: tr, Jar: jar}
			for ctx.Err() == nil {
				t := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				resp, err := hc.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						mine.failed++
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if ctx.Err() != nil {
					break // cut off by the end of the measurement
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					mine.failed++
					continue
				}
				mine.n++
				mine.lat = append(mine.lat, time.Since(t))
			}
			mu.Lock()
			total.n += mine.n
			total.failed += mine.failed
			total.lat = append(total.lat, mine.lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	total.took = time.Since(start)
	return total
}

// generated counts the applications generated so far (beyond the
// deadline day's).
type generated struct {
	firstOrg int64
	calls    []int64
	count    int
}

// bulkOrgs is how many organisations the generated applications belong to.
const bulkOrgs = 20_000

func (r *run) grow(ctx context.Context, size int) error {
	g := &r.gen
	if g.calls == nil {
		var err error
		if g.calls, err = SeedCalls(ctx, r.db); err != nil {
			return err
		}
		if g.firstOrg, err = r.db.BulkOrganizations(ctx, bulkOrgs, r.world.Districts); err != nil {
			return err
		}
	}
	start := time.Now()
	from := g.count
	for g.count < size {
		to := min(size, g.count+100_000)
		err := r.db.BulkApplications(ctx, store.BulkSpec{Orgs: bulkOrgs, CallIDs: g.calls, Districts: r.world.Districts,
			From: g.count, To: to}, g.firstOrg)
		if err != nil {
			return err
		}
		g.count = to
	}
	if g.count > from {
		if err := r.db.Analyze(ctx); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "    generated applications %d…%d with SQL in %.1f s\n", from, g.count, time.Since(start).Seconds())
	}
	return nil
}

// listFilters are the list page's queries a city official makes.
var listFilters = []struct{ name, query string }{
	{"all", ""},
	{"state", "state=submitted"},
	{"category", "category=7.3"},
	{"district", "district=220174"},
	{"industry", "industry=39"},
	{"state+district", "state=recommended&district=220102"},
	{"search", "q=" + url.QueryEscape("压测企业1234")},
	{"page 20", "state=submitted&page=20"},
}

// listPages measures the application list at each size.
func (r *run) listPages(ctx context.Context) error {
	r.mem.enter("list")
	c := NewClient(r.srv.URL, r.tr)
	if err := c.Login(ctx, r.world.City, Password); err != nil {
		return err
	}
	rounds := 30
	if r.opt.Short {
		rounds = 12
	}
	fmt.Fprintf(r.out, "\n(c) application list as 市工信局, %d filters × %d rounds per size, one request at a time\n", len(listFilters), rounds)
	for _, size := range r.opt.Sizes {
		if err := r.grow(ctx, size); err != nil {
			return err
		}
		lat := newLatencies()
		c.Timed = lat.add
		for round := -2; round < rounds; round++ { // two rounds of warm-up
			for _, f := range listFilters {
				name := f.name
				if round < 0 {
					name = "warmup"
				}
				resp, err := c.Get(ctx, name, "/apps?"+f.query)
				if err != nil {
					return err
				}
				if resp.Status != http.StatusOK {
					return &StatusError{Step: "list " + f.query, Status: resp.Status, Body: resp.Body}
				}
			}
		}
		fig := ListFigure{Size: size, ByFilter: map[string]time.Duration{}}
		var all []time.Duration
		for _, f := range listFilters {
			ds := lat.of(f.name)
			fig.ByFilter[f.name] = percentile(ds, 50)
			all = append(all, ds...)
		}
		fig.P50, fig.P99 = percentile(all, 50), percentile(all, 99)
		r.report.List = append(r.report.List, fig)
		fmt.Fprintf(r.out, "    %8d applications: p50 %6.1f ms, p99 %6.1f ms;", size, ms(fig.P50), ms(fig.P99))
		for _, f := range listFilters {
			fmt.Fprintf(r.out, " %s %.1f", f.name, ms(fig.ByFilter[f.name]))
		}
		fmt.Fprintln(r.out)
	}
	first, last := r.report.List[0], r.report.List[len(r.report.List)-1]
	r.report.ListGrowth = float64(last.P50) / float64(first.P50)
	r.report.PeakMiBList = r.mem.peakMiB("list")
	fmt.Fprintf(r.out, "    ratio p50 at %d ÷ p50 at %d = %.2f (target ≤ %.1f)\n", last.Size, first.Size, r.report.ListGrowth, TargetListGrowth)
	return nil
}

// summary prints the targets, met or with the gap.
func (r *run) summary() {
	rep := &r.report
	fmt.Fprintf(r.out, "\n(d) server resident memory: peak VmRSS %.0f MiB during (a) (logins %.0f, applications %.0f), %.0f MiB during (c); VmHWM %.0f MiB (target < %d MiB)\n",
		rep.PeakMiBDeadline, rep.PeakMiBLogin, rep.PeakMiBApply, rep.PeakMiBList, rep.HWMMiB, TargetResidentMiB)
	fmt.Fprintf(r.out, "\nsummary (%s):\n", rep.Engine)
	line := func(what string, ok bool, figure string) {
		mark := "met"
		if !ok {
			mark = "NOT MET"
		}
		fmt.Fprintf(r.out, "  %-48s %-34s %s\n", what, figure, mark)
	}
	line("(a) write requests/s ÷ raw inserts/s ≥ 0.50", rep.WriteRatio >= TargetWriteRatio, fmt.Sprintf("%.2f", rep.WriteRatio))
	line("(a) write p99 < 100 ms at 64 clients", rep.WriteP99 < TargetP99, fmt.Sprintf("%.1f ms", ms(rep.WriteP99)))
	line("(b) publicity page ÷ bare handler ≥ 0.50", rep.PageRatio >= TargetPageRatio, fmt.Sprintf("%.2f", rep.PageRatio))
	line("(c) list p50 largest ÷ p50 10k ≤ 1.5", rep.ListGrowth <= TargetListGrowth, fmt.Sprintf("%.2f", rep.ListGrowth))
	peak := max(rep.PeakMiBDeadline, rep.PeakMiBList)
	line("(d) resident memory < 200 MiB", peak < TargetResidentMiB, fmt.Sprintf("%.0f MiB peak VmRSS", peak))
}
