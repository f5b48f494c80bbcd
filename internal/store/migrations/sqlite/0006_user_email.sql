-- Users' e-mail addresses, for notifications when SMTP is configured.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_unsent ON notifications(emailed_at, id);
