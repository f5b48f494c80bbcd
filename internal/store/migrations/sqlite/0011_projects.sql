-- Retrofit projects after the award (第十五条 事后奖补, 第十六条 绩效管理,
-- 第十九条, 第六条（五）): one project per award, created with it at the
-- government's approval; its milestones and progress reports, its
-- performance goals with the applicant's self-evaluation, the acceptance
-- rounds (验收) organised by 市工信局, the performance evaluation (绩效评价)
-- signed by 市工信局 and 市财政局, and the project's timeline. Termination
-- revokes the award through the payments part (award_revocations, 0010).

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    award_id         INTEGER NOT NULL UNIQUE REFERENCES awards(id),
    application_id   INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    org_id           INTEGER NOT NULL REFERENCES organizations(id),
    district_code    TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL DEFAULT 'in_progress'
                     CHECK (state IN ('in_progress','acceptance_requested','rectifying','accepted','terminated')),
    -- 完成期限: list_end_date (the publicity list's end, or the approval date
    -- when there was no list) plus the call's project.completion_months;
    -- deadline_basis is the finding that computed it.
    list_end_date    TEXT NOT NULL,
    deadline         TEXT NOT NULL,
    deadline_basis   TEXT NOT NULL,
    rectify_deadline TEXT NOT NULL DEFAULT '',
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    self_eval        TEXT NOT NULL DEFAULT '',
    self_eval_at     TEXT,
    requested_at     TEXT,
    closed_at        TEXT,
    close_reason     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX projects_state ON projects(state, deadline, id);
CREATE INDEX projects_district ON projects(district_code, state, id);
CREATE INDEX projects_org ON projects(org_id, id);

CREATE TABLE project_milestones (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    planned_date TEXT NOT NULL,
    description  TEXT NOT NULL,
    done_date    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones(project_id, planned_date, id);

CREATE TABLE project_progress (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    reported_on       TEXT NOT NULL,
    percent           INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    body              TEXT NOT NULL,
    attachment_sha256 TEXT REFERENCES attachments(sha256),
    attachment_name   TEXT NOT NULL DEFAULT '',
    created_by        INTEGER REFERENCES users(id),
    created_at        TEXT NOT NULL
);
CREATE INDEX project_progress_project ON project_progress(project_id, id);

-- Performance goals (绩效目标): copied from the application at the award,
-- editable until acceptance; actual is the self-evaluation's value.
CREATE TABLE project_goals (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    indicator  TEXT NOT NULL,
    baseline   TEXT NOT NULL DEFAULT '',
    target     TEXT NOT NULL,
    actual     TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, seq)
);

-- One row per acceptance meeting. The assessment relied on is copied
-- (level, score, date, assessor) so the record explains itself even if
-- assessments are added later; assessment_id points into assessments (0012).
CREATE TABLE acceptances (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    round            INTEGER NOT NULL CHECK (round >= 1),
    held_on          TEXT NOT NULL,
    experts          TEXT NOT NULL,
    opinion          TEXT NOT NULL,
    passed           BOOLEAN NOT NULL,
    assessment_id    INTEGER,
    level            INTEGER,
    score_centi      INTEGER,
    min_level        INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 4),
    findings         TEXT NOT NULL DEFAULT '[]',
    rectify_deadline TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    UNIQUE (project_id, round)
);

-- 绩效评价 (第十六条): each city bureau scores once.
CREATE TABLE project_evaluations (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    role       TEXT NOT NULL CHECK (role IN ('city_miit','city_finance')),
    user_id    INTEGER REFERENCES users(id),
    signer     TEXT NOT NULL,
    score      INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    opinion    TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    UNIQUE (project_id, role)
);

CREATE TABLE project_events (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    at         TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    actor      TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    citation   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_events_project ON project_events(project_id, id);
