-- Tamper evidence for the audit log: each record carries the hash of the
-- previous one and its own hash over its fields and that previous hash.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
