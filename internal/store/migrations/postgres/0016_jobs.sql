-- Scheduled work that runs exactly once across instances (internal/jobs).
-- One row per job: an instance claims a due run with a compare-and-set
-- UPDATE that takes the lease (lease_owner, lease_until); only the holder of
-- the lease runs it, and finishing moves next_run_at to the next period.
-- A lease that runs out (an instance died mid-run) lets another instance
-- retry the same period. Times are UTC text like every other time.
CREATE TABLE jobs (
    name             TEXT PRIMARY KEY,
    every_ms         BIGINT NOT NULL CHECK (every_ms > 0),
    next_run_at      TEXT NOT NULL,
    lease_owner      TEXT,
    lease_until      TEXT,
    last_started_at  TEXT,
    last_finished_at TEXT,
    last_owner       TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    runs             BIGINT NOT NULL DEFAULT 0
);

-- Each run: the period it ran for (scheduled_at), which instance ran it and
-- how it ended. The newest runs of each job are kept.
CREATE TABLE job_runs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job          TEXT NOT NULL REFERENCES jobs(name),
    scheduled_at TEXT NOT NULL,
    owner        TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs(job, id);

-- The mailer claims each notification before sending it, so that two
-- instances never e-mail the same one (app.DeliverNotifications).
ALTER TABLE notifications ADD COLUMN email_owner TEXT;
ALTER TABLE notifications ADD COLUMN email_lease_until TEXT;

-- The application list filtered by district, newest first, without sorting
-- the district's applications (the list's latency must not grow with the
-- table: measured by dtfund bench, docs/PERFORMANCE.md).
CREATE INDEX applications_district_id ON applications(district_code, id);
