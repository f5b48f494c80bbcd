-- payments: fund-use plans (资金使用计划, 第六条（一）（二）), payment batches
-- city → district → recipient (第六条（三）（四）), and recovery (追回, 第二十条).
-- The money itself is in the ledger (0008); these tables say what was
-- planned and instructed, and point at the ledger transactions they posted.

-- A fund-use plan proposed by 市工信局 and approved by 市财政局.
CREATE TABLE fund_plans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed','approved','rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    proposed_by BIGINT REFERENCES users(id),
    decided_by  BIGINT REFERENCES users(id),
    decided_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX fund_plans_state ON fund_plans(state, id);

CREATE TABLE fund_plan_items (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    BIGINT NOT NULL REFERENCES fund_plans(id),
    award_id   BIGINT NOT NULL REFERENCES awards(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    UNIQUE (plan_id, award_id)
);
CREATE INDEX fund_plan_items_award ON fund_plan_items(award_id);

-- A payment batch made from an approved plan (one batch per plan).
CREATE TABLE payment_batches (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    INTEGER NOT NULL UNIQUE REFERENCES fund_plans(id),
    title      TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'created' CHECK (state IN ('created','issuing','issued')),
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    issued_at  TEXT
);

-- One payment instruction per award of the batch. idempotency_key is also
-- the ledger transaction's key: a retried issue never pays twice.
-- district_code is empty for a recipient without a Changchun district: the
-- city pays it directly.
CREATE TABLE payment_instructions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES payment_batches(id),
    award_id        BIGINT NOT NULL REFERENCES awards(id),
    org_id          BIGINT NOT NULL REFERENCES organizations(id),
    district_code   TEXT NOT NULL DEFAULT '',
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','issued','received','paid_out','held','recalled','cancelled')),
    note            TEXT NOT NULL DEFAULT '',
    issue_tx_id     BIGINT REFERENCES ledger_transactions(id),
    issued_at       TEXT,
    received_by     BIGINT REFERENCES users(id),
    received_at     TEXT,
    payout_tx_id    BIGINT REFERENCES ledger_transactions(id),
    bank_ref        TEXT NOT NULL DEFAULT '',
    paid_by         BIGINT REFERENCES users(id),
    paid_at         TEXT,
    UNIQUE (batch_id, award_id)
);
CREATE INDEX payment_instructions_district ON payment_instructions(district_code, state, id);
CREATE INDEX payment_instructions_award ON payment_instructions(award_id, state);
CREATE INDEX payment_instructions_org ON payment_instructions(org_id, id);

-- The revocation of an award (第二十条): what went back to its line and
-- what became a receivable, due by due_date.
CREATE TABLE award_revocations (
    award_id       BIGINT PRIMARY KEY REFERENCES awards(id),
    line_code      TEXT NOT NULL,
    reason         TEXT NOT NULL,
    article        TEXT NOT NULL,
    returned_fen   BIGINT NOT NULL CHECK (returned_fen >= 0),
    receivable_fen BIGINT NOT NULL CHECK (receivable_fen >= 0),
    due_date       TEXT NOT NULL,
    ledger_tx_id   BIGINT REFERENCES ledger_transactions(id),
    revoked_by     BIGINT REFERENCES users(id),
    revoked_at     TEXT NOT NULL
);
CREATE INDEX award_revocations_due ON award_revocations(due_date);

-- Repayments (追回到账) of a revoked award's receivable.
CREATE TABLE repayments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    award_id        BIGINT NOT NULL REFERENCES award_revocations(award_id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT NOT NULL,
    bank_ref        TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    ledger_tx_id    BIGINT NOT NULL REFERENCES ledger_transactions(id),
    recorded_by     BIGINT REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX repayments_award ON repayments(award_id, id);
