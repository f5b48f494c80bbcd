-- Budgets (第二条, 第六条（二）, FACTS §2): the releases of each fund source
-- (下达预算) with the ledger transaction that booked them, the year's
-- performance targets (绩效目标), and the commitment of each award to a
-- budget line. Allocations to lines live only in the ledger (kind
-- allocate/deallocate): the ledger is the one record of where money is.
CREATE TABLE budget_releases (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year         INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('central','provincial','city')),
    doc_number   TEXT NOT NULL,
    doc_date     TEXT NOT NULL,
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    ledger_tx_id BIGINT NOT NULL REFERENCES ledger_transactions(id),
    created_by   BIGINT REFERENCES users(id),
    created_at   TEXT NOT NULL,
    UNIQUE (doc_number, source)
);
CREATE INDEX budget_releases_year ON budget_releases(year, id);

CREATE TABLE performance_targets (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year         INTEGER NOT NULL,
    indicator    TEXT NOT NULL,
    target_value TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    source_doc   TEXT NOT NULL,
    created_by   BIGINT REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX performance_targets_year ON performance_targets(year, id);

-- An award's standing and its commitment: revoked awards no longer count
-- against the cumulative caps; line_code is the budget line it was
-- committed from (payments and recovery book against it).
ALTER TABLE awards ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','revoked'));
ALTER TABLE awards ADD COLUMN line_code TEXT NOT NULL DEFAULT '';
ALTER TABLE awards ADD COLUMN commit_tx_id BIGINT REFERENCES ledger_transactions(id);
CREATE INDEX awards_org_category ON awards(org_id, category);
