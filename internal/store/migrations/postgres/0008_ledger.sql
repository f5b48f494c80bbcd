-- The fund ledger: double entry. Every transaction's entries sum to zero;
-- entries and transactions are never updated or deleted (a correction is a
-- reversing transaction); account balances are a cache of the sum of their
-- entries, checked by `dtfund ledger verify`.
CREATE TABLE ledger_accounts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('external','source','line','commitment','transit','recipient','receivable')),
    name        TEXT NOT NULL,
    balance_fen BIGINT NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE ledger_transactions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    reverses_id     BIGINT REFERENCES ledger_transactions(id),
    ref_type        TEXT NOT NULL DEFAULT '',
    ref_id          TEXT NOT NULL DEFAULT '',
    memo            TEXT NOT NULL DEFAULT '',
    actor_id        BIGINT,
    created_at      TEXT NOT NULL
);
CREATE INDEX ledger_transactions_ref ON ledger_transactions(ref_type, ref_id);

CREATE TABLE ledger_entries (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id BIGINT NOT NULL REFERENCES ledger_transactions(id),
    account_id     BIGINT NOT NULL REFERENCES ledger_accounts(id),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id, id);
CREATE INDEX ledger_entries_transaction ON ledger_entries(transaction_id);

CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '账目分录和记账凭证不可修改或删除，请用冲销凭证更正'; END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
