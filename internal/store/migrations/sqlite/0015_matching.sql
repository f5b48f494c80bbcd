-- 免申即享 (第十五条): the matching policies the city bureau defines, the
-- runs that apply them to the data the system holds, what each run found
-- for each enterprise it considered, and the proposals the enterprises
-- confirm (then an application in 评审通过 is made), decline or let lapse.

-- A policy: its call (the category the award is under, 第七条（二）上云上平台),
-- its criteria and the days an enterprise has to confirm. The amount rule
-- is a policy parameter (cap.7_2.cloud_per_service_fen) with its source.
CREATE TABLE match_policies (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    call_id            INTEGER NOT NULL REFERENCES calls(id),
    subtype            TEXT NOT NULL DEFAULT 'cloud' CHECK (subtype IN ('cloud')),
    period_from        TEXT NOT NULL,
    period_to          TEXT NOT NULL,
    min_services       INTEGER NOT NULL CHECK (min_services >= 1),
    require_sme        BOOLEAN NOT NULL,
    require_pilot      BOOLEAN NOT NULL,
    require_acceptance BOOLEAN NOT NULL DEFAULT FALSE,
    confirm_days       INTEGER NOT NULL CHECK (confirm_days BETWEEN 1 AND 90),
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    note               TEXT NOT NULL DEFAULT '',
    created_by         INTEGER REFERENCES users(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (period_to >= period_from)
);

-- One application of a policy: the criteria and parameters as applied, and
-- the counts. enterprises: applicant enterprises considered; candidates:
-- those with at least one confirmed cloud-service adoption in the period
-- (the others are excluded for that one reason and not listed one by one).
CREATE TABLE match_runs (
    id             INTEGER PRIMARY KEY,
    policy_id      INTEGER NOT NULL REFERENCES match_policies(id),
    as_of          TEXT NOT NULL,
    criteria_json  TEXT NOT NULL,
    params_version TEXT NOT NULL,
    amount_rule    TEXT NOT NULL,
    enterprises    INTEGER NOT NULL,
    candidates     INTEGER NOT NULL,
    matched        INTEGER NOT NULL,
    proposed       INTEGER NOT NULL,
    deadline       TEXT NOT NULL,
    run_by         INTEGER REFERENCES users(id),
    run_by_name    TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX match_runs_policy ON match_runs(policy_id, id);

-- A proposed award: one per policy and enterprise, ever (a second run finds
-- it and creates nothing). district_code is the enterprise's 属地 at the
-- proposal, for district officials' scope. The bank account is what the
-- enterprise confirmed (账户名 = 单位名称).
CREATE TABLE match_proposals (
    id             INTEGER PRIMARY KEY,
    policy_id      INTEGER NOT NULL REFERENCES match_policies(id),
    org_id         INTEGER NOT NULL REFERENCES organizations(id),
    run_id         INTEGER NOT NULL REFERENCES match_runs(id),
    call_id        INTEGER NOT NULL REFERENCES calls(id),
    district_code  TEXT REFERENCES districts(code),
    services       INTEGER NOT NULL,
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    findings_json  TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','confirmed','declined','lapsed')),
    deadline       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    account_name   TEXT NOT NULL DEFAULT '',
    bank_name      TEXT NOT NULL DEFAULT '',
    account_no     TEXT NOT NULL DEFAULT '',
    application_id INTEGER REFERENCES applications(id),
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TEXT,
    decline_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (policy_id, org_id),
    CHECK (state <> 'confirmed' OR (application_id IS NOT NULL AND account_no <> ''))
);
CREATE INDEX match_proposals_org ON match_proposals(org_id, id);
CREATE INDEX match_proposals_state ON match_proposals(state, deadline);
CREATE INDEX match_proposals_district ON match_proposals(district_code, id);
CREATE INDEX match_proposals_run ON match_proposals(run_id, org_id);
CREATE INDEX match_proposals_call ON match_proposals(call_id, org_id);

-- What a run found for each candidate: proposed (new), already (proposed
-- by an earlier run) or excluded, with the findings (for the excluded, the
-- failing ones) in the words of the rules.
CREATE TABLE match_results (
    run_id        INTEGER NOT NULL REFERENCES match_runs(id),
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    outcome       TEXT NOT NULL CHECK (outcome IN ('proposed','already','excluded')),
    proposal_id   INTEGER REFERENCES match_proposals(id),
    services      INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL,
    findings_json TEXT NOT NULL,
    PRIMARY KEY (run_id, org_id)
);
CREATE INDEX match_results_outcome ON match_results(run_id, outcome, org_id);
