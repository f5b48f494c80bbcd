// Package jobs runs scheduled work exactly once per period across every
// instance serving one database.
//
// Each job has a row in the jobs table (store.Job). Every instance polls;
// when a job is due, each instance tries to claim it with a compare-and-set
// UPDATE (store.ClaimJob) that takes a lease; exactly one succeeds and runs
// the job, the others see the lease and do nothing. Finishing moves the
// job's next_run_at to the next period of its schedule (no catch-up burst
// after downtime) and releases the lease. A run's context ends when its
// lease does, so a run never outlives its claim; an instance that dies
// mid-run leaves a lease that runs out, and another instance retries that
// period. Jobs must therefore be idempotent (each of ours changes state in
// transactions that check the state first), and write their audit records
// like any other change.
//
// Adding a job is one line, usually in app.(*App).ScheduledJobs:
//
//	runner.Register(jobs.Job{Name: "matching.propose", Every: time.Hour, Run: a.ProposeMatches})
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"sort"
	"sync"
	"time"

	"dtfund/internal/store"
)

// Job is a piece of scheduled work.
type Job struct {
	// Name identifies the job across instances and restarts: lower case,
	// dots and underscores (e.g. "publicity.close").
	Name string
	// Every is the period: the job runs once per period, at most.
	Every time.Duration
	// Timeout is the lease: the longest a run may take (its context ends
	// then) and how long a dead instance blocks the job. Default 5 minutes.
	Timeout time.Duration
	// Run does the work. An error is recorded as the run's last error and
	// the job runs again next period.
	Run func(ctx context.Context) error
}

// DefaultTimeout is a run's lease when the job sets none.
const DefaultTimeout = 5 * time.Minute

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,63}$`)

// Runner claims and runs the registered jobs. Create it with New, register
// jobs, then Run it.
type Runner struct {
	db    *store.DB
	owner string
	log   *slog.Logger
	// Poll is how often the runner looks for due jobs (with ±20% jitter so
	// that instances do not poll in step). Default 1 second.
	Poll time.Duration

	mu      sync.Mutex
	jobs    map[string]Job
	running map[string]bool
	wg      sync.WaitGroup
}

// New returns a runner for the database; owner names this instance in the
// leases (app.NewInstanceID).
func New(db *store.DB, owner string, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{db: db, owner: owner, log: log, Poll: time.Second, jobs: map[string]Job{}, running: map[string]bool{}}
}

// Register adds jobs. A nameless, period-less or run-less job or a name
// registered twice is a programming error and panics, like registering an
// HTTP route twice.
func (r *Runner) Register(js ...Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range js {
		switch {
		case !nameRE.MatchString(j.Name):
			panic(fmt.Sprintf("jobs: invalid name %q", j.Name))
		case j.Every <= 0 || j.Run == nil:
			panic(fmt.Sprintf("jobs: job %q needs Every > 0 and Run", j.Name))
		}
		if _, dup := r.jobs[j.Name]; dup {
			panic(fmt.Sprintf("jobs: job %q registered twice", j.Name))
		}
		if j.Timeout <= 0 {
			j.Timeout = DefaultTimeout
		}
		r.jobs[j.Name] = j
	}
}

// SetEvery changes a registered job's period (an operator's override).
func (r *Runner) SetEvery(name string, every time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[name]
	if !ok {
		return fmt.Errorf("没有名为 %q 的定时任务（已有：%v）", name, r.namesLocked())
	}
	if every <= 0 {
		return fmt.Errorf("定时任务 %s 的周期必须大于0", name)
	}
	j.Every = every
	r.jobs[name] = j
	return nil
}

// Names lists the registered jobs.
func (r *Runner) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.namesLocked()
}

func (r *Runner) namesLocked() []string {
	names := make([]string, 0, len(r.jobs))
	for n := range r.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Run registers the jobs' rows and polls until ctx ends, then waits for
// the runs in progress (their contexts are cancelled) to finish. A database
// that does not answer at first is retried.
func (r *Runner) Run(ctx context.Context) error {
	for {
		err := r.ensure(ctx)
		if err == nil {
			break
		}
		r.log.WarnContext(ctx, "jobs: register", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * r.Poll):
		}
	}
	defer r.wg.Wait()
	for {
		if _, err := r.pollCount(ctx, false); err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "jobs: poll", "err", err)
		}
		jitter := time.Duration(float64(r.Poll) * (0.8 + 0.4*rand.Float64()))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(jitter):
		}
	}
}

// RunDue claims and runs, one after the other, the registered jobs that are
// due now, and returns how many this instance ran: for tests and for a
// one-off run from the command line.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	if err := r.ensure(ctx); err != nil {
		return 0, err
	}
	return r.pollCount(ctx, true)
}

func (r *Runner) ensure(ctx context.Context) error {
	r.mu.Lock()
	js := make([]Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		js = append(js, j)
	}
	r.mu.Unlock()
	for _, j := range js {
		if err := r.db.EnsureJob(ctx, j.Name, j.Every); err != nil {
			return fmt.Errorf("jobs: register %s: %w", j.Name, err)
		}
	}
	return nil
}

// pollCount claims each due job this instance knows and is not running
// already; with wait the runs happen in this goroutine.
func (r *Runner) pollCount(ctx context.Context, wait bool) (int, error) {
	due, err := r.db.DueJobs(ctx)
	if err != nil {
		return 0, err
	}
	ran := 0
	var errs []error
	for _, name := range due {
		r.mu.Lock()
		j, known := r.jobs[name]
		busy := r.running[name]
		r.mu.Unlock()
		if !known || busy {
			continue // another instance's job, or still running here
		}
		run, err := r.db.ClaimJob(ctx, name, r.owner, j.Timeout)
		if err != nil {
			errs = append(errs, fmt.Errorf("claim %s: %w", name, err))
			continue
		}
		if run == nil {
			continue // another instance was first
		}
		ran++
		r.mu.Lock()
		r.running[name] = true
		r.mu.Unlock()
		if wait {
			r.execute(ctx, j, run)
			continue
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.execute(ctx, j, run)
		}()
	}
	return ran, errors.Join(errs...)
}

// execute runs a claimed job within its lease and records the outcome.
func (r *Runner) execute(ctx context.Context, j Job, run *store.JobRun) {
	defer func() {
		r.mu.Lock()
		delete(r.running, j.Name)
		r.mu.Unlock()
	}()
	// The lease was taken at run.StartedAt by the database's clock; end the
	// run a little before it so that no other instance can start the same
	// period while this one still works.
	runCtx, cancel := context.WithTimeout(ctx, j.Timeout-j.Timeout/10)
	err := safeRun(runCtx, j)
	cancel()
	errText := ""
	if err != nil {
		errText = err.Error()
		r.log.WarnContext(ctx, "jobs: run failed", "job", j.Name, "err", err)
	}
	next := NextRun(run.ScheduledAt, j.Every, r.db.Now())
	held, ferr := r.db.FinishJob(context.WithoutCancel(ctx), run, next, errText)
	switch {
	case ferr != nil:
		r.log.ErrorContext(ctx, "jobs: record run", "job", j.Name, "err", ferr)
	case !held:
		r.log.WarnContext(ctx, "jobs: lease ran out before the run ended", "job", j.Name, "timeout", j.Timeout)
	default:
		r.log.DebugContext(ctx, "jobs: ran", "job", j.Name, "next", next)
	}
}

// safeRun turns a panicking job into an error, so that one bad job does not
// take the server down.
func safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return j.Run(ctx)
}

// NextRun is the first point of the schedule scheduled, scheduled+every, …
// after now: the schedule keeps its phase, and periods missed while no
// instance ran are skipped, not caught up.
func NextRun(scheduled time.Time, every time.Duration, now time.Time) time.Time {
	next := scheduled.Add(every)
	if !next.After(now) {
		missed := now.Sub(next)/every + 1
		next = next.Add(missed * every)
	}
	return next
}
