-- Joint re-check (资格复核, 第十四条（四）), publicity with objections (网站公示,
-- 第十四条（五）), government approval and awards (政府审批, 第十四条（六）).

-- One signature per application and signing bureau: 市工信局 and 市财政局
-- each sign once; both passing signatures are needed to pass.
CREATE TABLE recheck_signatures (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('city_miit','city_finance')),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    signer         TEXT NOT NULL,
    pass           BOOLEAN NOT NULL,
    opinion        TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    UNIQUE (application_id, role)
);
CREATE INDEX recheck_signatures_signed ON recheck_signatures(signed_at, id);

-- What the rules decided when the re-check passed: the fund the award is
-- paid from and the maximum subsidy the publicity may propose.
CREATE TABLE recheck_results (
    application_id  BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    fund_source     TEXT NOT NULL CHECK (fund_source IN ('central','local')),
    has_cap         BOOLEAN NOT NULL,
    max_subsidy_fen BIGINT NOT NULL CHECK (max_subsidy_fen >= 0),
    decided_at      TEXT NOT NULL
);

-- A publicity batch (公示批次); start_date is the civil date it goes public.
CREATE TABLE publicity_batches (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      TEXT NOT NULL,
    start_date TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed')),
    closed_at  TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX publicity_batches_state ON publicity_batches(state, id);

-- An application in a batch, with its own period and what was published
-- about it (kept as published, so the archive shows what the public saw).
CREATE TABLE publicity_items (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id       BIGINT NOT NULL REFERENCES publicity_batches(id),
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    org_name       TEXT NOT NULL,
    project_title  TEXT NOT NULL,
    category       TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    removed_at     TEXT,
    removed_reason TEXT NOT NULL DEFAULT '',
    created_by     BIGINT REFERENCES users(id),
    created_at     TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX publicity_items_batch ON publicity_items(batch_id, id);

-- Objections (异议) from anyone; the address is kept for rate limiting.
CREATE TABLE objections (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES publicity_batches(id),
    item_id           BIGINT NOT NULL REFERENCES publicity_items(id),
    name              TEXT NOT NULL,
    contact           TEXT NOT NULL,
    reason            TEXT NOT NULL,
    attachment_sha256 TEXT REFERENCES attachments(sha256),
    attachment_name   TEXT NOT NULL DEFAULT '',
    ip                TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','upheld','dismissed','superseded')),
    finding           TEXT NOT NULL DEFAULT '',
    decided_by        BIGINT REFERENCES users(id),
    decided_at        TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX objections_batch ON objections(batch_id, state, id);
CREATE INDEX objections_item ON objections(item_id, state);
CREATE INDEX objections_ip ON objections(ip, created_at);

-- The government's approval (政府审批) of a closed batch.
CREATE TABLE approvals (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id          BIGINT NOT NULL REFERENCES publicity_batches(id),
    doc_number        TEXT NOT NULL,
    doc_date          TEXT NOT NULL,
    attachment_sha256 TEXT REFERENCES attachments(sha256),
    attachment_name   TEXT NOT NULL DEFAULT '',
    created_by        BIGINT REFERENCES users(id),
    created_at        TEXT NOT NULL
);
CREATE INDEX approvals_batch ON approvals(batch_id);

-- Awards (奖补): one per application, ever.
CREATE TABLE awards (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    org_id         BIGINT NOT NULL REFERENCES organizations(id),
    category       TEXT NOT NULL,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    fund_source    TEXT NOT NULL CHECK (fund_source IN ('central','local')),
    approval_id    BIGINT NOT NULL REFERENCES approvals(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX awards_org ON awards(org_id, id);
CREATE INDEX awards_approval ON awards(approval_id);
