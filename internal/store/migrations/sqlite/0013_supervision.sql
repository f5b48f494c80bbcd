-- Supervision, inspections and sanctions (第十七条、第十八条、第二十条).

-- Process supervision (过程监督, 第十八条): a district industry bureau records
-- that an awarded project deviates from its goals, orders rectification
-- with a deadline, records the result, and when it is serious suspends
-- (暂缓: the award is suspended and its unpaid commitment frozen in the
-- ledger) or stops the project (停止: the award is revoked and recovered).
-- district_code is the application's 属地 ('' outside Changchun): district
-- officials see their own cases only.
CREATE TABLE supervision_cases (
    id            INTEGER PRIMARY KEY,
    award_id      INTEGER NOT NULL REFERENCES awards(id),
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    district_code TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL CHECK (state IN ('open','rectifying','rectified','suspended','stopped')),
    goal          TEXT NOT NULL DEFAULT '',
    facts         TEXT NOT NULL,
    found_on      TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX supervision_cases_district ON supervision_cases(district_code, state, id);
CREATE INDEX supervision_cases_award ON supervision_cases(award_id, state);

-- A rectification order (整改通知) with its deadline and, once recorded,
-- its result: accepted (整改到位) or rejected (整改不到位).
CREATE TABLE rectification_orders (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES supervision_cases(id),
    requirement TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','accepted','rejected')),
    result      TEXT NOT NULL DEFAULT '',
    result_on   TEXT NOT NULL DEFAULT '',
    result_by   INTEGER REFERENCES users(id),
    issued_by   INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    CHECK (deadline >= issued_on)
);
CREATE INDEX rectification_orders_due ON rectification_orders(state, deadline);
CREATE INDEX rectification_orders_case ON rectification_orders(case_id, id);

-- Every step of a case, with its article, the date it takes effect, the
-- evidence file (content-addressed, see attachments) and, for a freeze or
-- its release, the amount and the ledger transaction.
CREATE TABLE supervision_events (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES supervision_cases(id),
    kind            TEXT NOT NULL CHECK (kind IN ('deviation','order','result','suspend','lift','stop')),
    order_id        INTEGER REFERENCES rectification_orders(id),
    note            TEXT NOT NULL DEFAULT '',
    article         TEXT NOT NULL,
    on_date         TEXT NOT NULL,
    amount_fen      INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    ledger_tx_id    INTEGER REFERENCES ledger_transactions(id),
    evidence_sha256 TEXT REFERENCES attachments(sha256),
    evidence_name   TEXT NOT NULL DEFAULT '',
    actor_id        INTEGER REFERENCES users(id),
    actor_name      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX supervision_events_case ON supervision_events(case_id, id);

-- Inspections (监督检查, 第十七条) planned by the city bureaus: a random
-- sample of the awards (the seed, the algorithm and the sorted population
-- are recorded, so anyone can re-run the draw) or chosen awards and
-- organisations. Each item is assigned to a city official or a third-party
-- inspector (委托第三方机构进行核查), who records the finding.
CREATE TABLE inspection_plans (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    basis           TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('random','targeted')),
    seed            TEXT NOT NULL DEFAULT '',
    algorithm       TEXT NOT NULL DEFAULT '',
    population_json TEXT NOT NULL DEFAULT '[]',
    sample_size     INTEGER NOT NULL CHECK (sample_size >= 0),
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);

CREATE TABLE inspection_items (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL REFERENCES inspection_plans(id),
    seq             INTEGER NOT NULL,
    award_id        INTEGER REFERENCES awards(id),
    org_id          INTEGER NOT NULL REFERENCES organizations(id),
    state           TEXT NOT NULL DEFAULT 'unassigned' CHECK (state IN ('unassigned','assigned','done')),
    assignee_id     INTEGER REFERENCES users(id),
    assigned_at     TEXT,
    finding         TEXT NOT NULL DEFAULT '',
    violation       BOOLEAN NOT NULL DEFAULT FALSE,
    found_on        TEXT NOT NULL DEFAULT '',
    evidence_sha256 TEXT REFERENCES attachments(sha256),
    evidence_name   TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER REFERENCES users(id),
    recorded_at     TEXT,
    UNIQUE (plan_id, seq)
);
CREATE INDEX inspection_items_assignee ON inspection_items(assignee_id, state, id);
CREATE INDEX inspection_items_org ON inspection_items(org_id, id);

-- Violation decisions (违规处理, 第二十条): the unit's pending applications
-- are cancelled (取消申报资格), it may not apply from ban_start to ban_end
-- (三年内不准参加有关项目申报; ban_end by policy.BanEnd under param_version),
-- its awards are revoked and recovered (追回), and referrals to other
-- authorities (移交有关部门) are recorded. item_id is the inspection finding
-- it rests on, if any.
CREATE TABLE sanctions (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES organizations(id),
    facts           TEXT NOT NULL,
    article         TEXT NOT NULL,
    decided_on      TEXT NOT NULL,
    doc_number      TEXT NOT NULL UNIQUE,
    ban_start       TEXT NOT NULL,
    ban_end         TEXT NOT NULL,
    param_version   TEXT NOT NULL,
    evidence_sha256 TEXT REFERENCES attachments(sha256),
    evidence_name   TEXT NOT NULL DEFAULT '',
    item_id         INTEGER REFERENCES inspection_items(id),
    decided_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    CHECK (ban_end >= ban_start)
);
CREATE INDEX sanctions_org ON sanctions(org_id, ban_end);
CREATE INDEX sanctions_item ON sanctions(item_id);

-- What a decision did: each application it cancelled (from which state)
-- and each award it revoked (returned to the line, turned into a receivable).
CREATE TABLE sanction_effects (
    id             INTEGER PRIMARY KEY,
    sanction_id    INTEGER NOT NULL REFERENCES sanctions(id),
    kind           TEXT NOT NULL CHECK (kind IN ('cancel','revoke')),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    award_id       INTEGER REFERENCES awards(id),
    from_state     TEXT NOT NULL DEFAULT '',
    returned_fen   INTEGER NOT NULL DEFAULT 0,
    receivable_fen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sanction_effects_sanction ON sanction_effects(sanction_id, id);

-- Referrals to other authorities (依法移交有关部门处理).
CREATE TABLE sanction_referrals (
    id          INTEGER PRIMARY KEY,
    sanction_id INTEGER NOT NULL REFERENCES sanctions(id),
    authority   TEXT NOT NULL,
    referred_on TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX sanction_referrals_sanction ON sanction_referrals(sanction_id, id);
