-- The process of 第十四条: calls (申报批次), applications with their spending,
-- goals, service providers and attachments, every submitted version, the
-- event log of each application, credit records used by the rules, and the
-- notification outbox.

CREATE TABLE calls (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category       TEXT NOT NULL CHECK (category IN ('7.1','7.2','7.3','7.4','7.5','7.6','local')),
    title          TEXT NOT NULL,
    notice         TEXT NOT NULL DEFAULT '',
    opens_at       TEXT NOT NULL,
    closes_at      TEXT NOT NULL,
    window_from    TEXT NOT NULL DEFAULT '',
    window_to      TEXT NOT NULL DEFAULT '',
    materials_json TEXT NOT NULL DEFAULT '[]',
    budget_line    TEXT NOT NULL DEFAULT '',
    params_version TEXT NOT NULL DEFAULT '',
    overrides_json TEXT NOT NULL DEFAULT '[]',
    rubric_json    TEXT NOT NULL DEFAULT '{}',
    quotas_json    TEXT NOT NULL DEFAULT '{}',
    created_by     BIGINT REFERENCES users(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX calls_closes ON calls(closes_at);

CREATE TABLE applications (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                 TEXT NOT NULL UNIQUE,
    call_id                BIGINT NOT NULL REFERENCES calls(id),
    org_id                 BIGINT NOT NULL REFERENCES organizations(id),
    district_code          TEXT REFERENCES districts(code),
    state                  TEXT NOT NULL,
    title                  TEXT NOT NULL DEFAULT '',
    description            TEXT NOT NULL DEFAULT '',
    subtype                TEXT NOT NULL DEFAULT '',
    manufacturing_retrofit BOOLEAN NOT NULL DEFAULT FALSE,
    requested_fen          BIGINT NOT NULL DEFAULT 0 CHECK (requested_fen >= 0),
    declarations_json      TEXT NOT NULL DEFAULT '{}',
    decision_json          TEXT NOT NULL DEFAULT '',
    version                INTEGER NOT NULL DEFAULT 0,
    submitted_at           TEXT,
    created_by             BIGINT REFERENCES users(id),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX applications_call_state ON applications(call_id, state, id);
CREATE INDEX applications_district_state ON applications(district_code, state, id);
CREATE INDEX applications_org ON applications(org_id, id);
CREATE INDEX applications_state ON applications(state, id);

CREATE TABLE application_spending (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    type           TEXT NOT NULL,
    supplier       TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    contract_no    TEXT NOT NULL DEFAULT '',
    contract_date  TEXT NOT NULL DEFAULT '',
    invoice_no     TEXT NOT NULL DEFAULT '',
    invoice_date   TEXT NOT NULL DEFAULT '',
    payment_date   TEXT NOT NULL DEFAULT '',
    amount_fen     BIGINT NOT NULL CHECK (amount_fen >= 0),
    approved_fen   BIGINT CHECK (approved_fen >= 0),
    UNIQUE (application_id, seq)
);
CREATE INDEX application_spending_invoice ON application_spending(invoice_no);

CREATE TABLE application_goals (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    indicator      TEXT NOT NULL,
    baseline       TEXT NOT NULL DEFAULT '',
    target         TEXT NOT NULL,
    UNIQUE (application_id, seq)
);

CREATE TABLE application_providers (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    org_id         BIGINT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (application_id, org_id)
);

-- Content-addressed file store: the bytes live on disk under their SHA-256.
CREATE TABLE attachments (
    sha256       TEXT PRIMARY KEY,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE application_attachments (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    sha256         TEXT NOT NULL REFERENCES attachments(sha256),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT '',
    uploaded_by    BIGINT REFERENCES users(id),
    uploaded_at    TEXT NOT NULL,
    -- Removed from the application by the applicant: the row stays, so that
    -- what each submitted version carried can still be shown.
    deleted_at     TEXT,
    deleted_by     BIGINT REFERENCES users(id)
);
CREATE INDEX application_attachments_app ON application_attachments(application_id);

-- Every submitted version, as submitted, with the decision of the rules.
CREATE TABLE application_versions (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    snapshot_json  TEXT NOT NULL,
    decision_json  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    PRIMARY KEY (application_id, version)
);

CREATE TABLE application_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    at             TEXT NOT NULL,
    actor_id       BIGINT,
    actor          TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    citation       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events(application_id, id);

-- Credit and compliance records (第十一条, 第十三条) the rules read with their dates.
CREATE TABLE credit_records (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations(id),
    kind       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX credit_records_org ON credit_records(org_id);

-- Notification outbox: written in the transaction of the change, shown in
-- the app, sent by email by a worker when SMTP is configured.
CREATE TABLE notifications (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         BIGINT REFERENCES organizations(id),
    user_id        BIGINT REFERENCES users(id),
    application_id BIGINT REFERENCES applications(id),
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    read_at        TEXT,
    emailed_at     TEXT
);
CREATE INDEX notifications_org ON notifications(org_id, id);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- Idempotency keys of state-changing requests that may be retried (double
-- submission): the first result is kept and returned again.
CREATE TABLE idempotency_keys (
    key        TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    result     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
