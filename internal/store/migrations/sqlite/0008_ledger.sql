-- The fund ledger: double entry. Every transaction's entries sum to zero;
-- entries and transactions are never updated or deleted (a correction is a
-- reversing transaction); account balances are a cache of the sum of their
-- entries, checked by `dtfund ledger verify`.
CREATE TABLE ledger_accounts (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('external','source','line','commitment','transit','recipient','receivable')),
    name        TEXT NOT NULL,
    balance_fen INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE ledger_transactions (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    reverses_id     INTEGER REFERENCES ledger_transactions(id),
    ref_type        TEXT NOT NULL DEFAULT '',
    ref_id          TEXT NOT NULL DEFAULT '',
    memo            TEXT NOT NULL DEFAULT '',
    actor_id        INTEGER,
    created_at      TEXT NOT NULL
);
CREATE INDEX ledger_transactions_ref ON ledger_transactions(ref_type, ref_id);

CREATE TABLE ledger_entries (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
    account_id     INTEGER NOT NULL REFERENCES ledger_accounts(id),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id, id);
CREATE INDEX ledger_entries_transaction ON ledger_entries(transaction_id);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, '账目分录不可修改，请用冲销凭证更正'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, '账目分录不可删除，请用冲销凭证更正'); END;
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions BEGIN SELECT RAISE(ABORT, '记账凭证不可修改'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions BEGIN SELECT RAISE(ABORT, '记账凭证不可删除'); END;
