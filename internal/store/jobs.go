package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Job is a scheduled job's row: when it is due next, who holds its lease,
// and how its last run went.
type Job struct {
	Name           string
	Every          time.Duration
	NextRunAt      time.Time
	LeaseOwner     string
	LeaseUntil     time.Time
	LastStartedAt  time.Time
	LastFinishedAt time.Time
	LastOwner      string
	LastError      string
	Runs           int64
}

// JobRun is one run of a job: the period it ran for and how it ended.
type JobRun struct {
	ID          int64
	Job         string
	ScheduledAt time.Time
	Owner       string
	StartedAt   time.Time
	FinishedAt  time.Time
	Error       string
	// Claim identifies the lease: the job's run counter when it was claimed.
	Claim int64
}

// keptJobRuns is how many runs of each job the history keeps.
const keptJobRuns = 200

// EnsureJob registers a job: a new job is due at once; an existing one
// keeps its schedule and gets the interval the caller runs it with.
func (db *DB) EnsureJob(ctx context.Context, name string, every time.Duration) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO jobs (name, every_ms, next_run_at) VALUES (?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET every_ms = excluded.every_ms`, name, every.Milliseconds(), fmtTime(tx.now))
		return err
	})
}

// DueJobs names the jobs that are due and not leased now: a cheap read
// before trying to claim, so that idle polling writes nothing.
func (db *DB) DueJobs(ctx context.Context) ([]string, error) {
	now := fmtTime(db.Now())
	rows, err := db.query(ctx, `SELECT name FROM jobs WHERE next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY name`, now, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// ClaimJob takes the lease of a due job for owner until now+lease, with a
// compare-and-set UPDATE: of several instances trying at once exactly one
// gets the row, the others get nil. The run is recorded in job_runs.
func (db *DB) ClaimJob(ctx context.Context, name, owner string, lease time.Duration) (*JobRun, error) {
	var run *JobRun
	err := db.InTx(ctx, func(tx *Tx) error {
		run = nil
		now := fmtTime(tx.now)
		var scheduled string
		var claim int64
		err := tx.queryRow(ctx, `UPDATE jobs SET lease_owner = ?, lease_until = ?, last_started_at = ?, runs = runs + 1
 WHERE name = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING next_run_at, runs`,
			owner, fmtTime(tx.now.Add(lease)), now, name, now, now).Scan(&scheduled, &claim)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not due, or another instance holds it
		}
		if err != nil {
			return err
		}
		r := &JobRun{Job: name, ScheduledAt: parseTime(scheduled), Owner: owner, StartedAt: tx.now, Claim: claim}
		r.ID, err = tx.insertID(ctx, `INSERT INTO job_runs (job, scheduled_at, owner, started_at) VALUES (?, ?, ?, ?)`,
			name, scheduled, owner, now)
		run = r
		return err
	})
	return run, err
}

// FinishJob ends a claimed run: it records the outcome and, if the lease
// is still the run's own, releases it and moves the job to next. It
// reports whether the lease was still held (false: it ran out and another
// instance may have claimed the job meanwhile).
func (db *DB) FinishJob(ctx context.Context, run *JobRun, next time.Time, errText string) (bool, error) {
	held := false
	err := db.InTx(ctx, func(tx *Tx) error {
		now := fmtTime(tx.now)
		if _, err := tx.exec(ctx, `UPDATE job_runs SET finished_at = ?, error = ? WHERE id = ?`, now, errText, run.ID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE jobs SET next_run_at = ?, lease_owner = NULL, lease_until = NULL, last_finished_at = ?,
 last_owner = ?, last_error = ? WHERE name = ? AND lease_owner = ? AND runs = ?`,
			fmtTime(next), now, run.Owner, errText, run.Job, run.Owner, run.Claim)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		held = n == 1
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM job_runs WHERE job = ? AND id <= ?`, run.Job, run.ID-keptJobRuns)
		return err
	})
	return held, err
}

// Jobs lists every job's row, by name.
func (db *DB) Jobs(ctx context.Context) ([]*Job, error) {
	rows, err := db.query(ctx, `SELECT name, every_ms, next_run_at, COALESCE(lease_owner, ''), COALESCE(lease_until, ''),
 COALESCE(last_started_at, ''), COALESCE(last_finished_at, ''), last_owner, last_error, runs FROM jobs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		var j Job
		var ms int64
		var next, until, started, finished string
		if err := rows.Scan(&j.Name, &ms, &next, &j.LeaseOwner, &until, &started, &finished, &j.LastOwner, &j.LastError, &j.Runs); err != nil {
			return nil, err
		}
		j.Every = time.Duration(ms) * time.Millisecond
		j.NextRunAt, j.LeaseUntil, j.LastStartedAt, j.LastFinishedAt = parseTime(next), parseTime(until), parseTime(started), parseTime(finished)
		out = append(out, &j)
	}
	return out, rows.Err()
}

// JobRuns returns a job's runs, newest first.
func (db *DB) JobRuns(ctx context.Context, job string, page Page) ([]*JobRun, error) {
	p := page.clamp()
	rows, err := db.query(ctx, `SELECT id, job, scheduled_at, owner, started_at, COALESCE(finished_at, ''), error FROM job_runs
 WHERE job = ? ORDER BY id DESC LIMIT ? OFFSET ?`, job, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*JobRun
	for rows.Next() {
		var r JobRun
		var scheduled, started, finished string
		if err := rows.Scan(&r.ID, &r.Job, &scheduled, &r.Owner, &started, &finished, &r.Error); err != nil {
			return nil, err
		}
		r.ScheduledAt, r.StartedAt, r.FinishedAt = parseTime(scheduled), parseTime(started), parseTime(finished)
		out = append(out, &r)
	}
	return out, rows.Err()
}
