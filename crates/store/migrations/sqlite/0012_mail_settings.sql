-- Outgoing mail set in the settings page (SEN_SMTP_URL / SEN_MAIL_FROM win when given).
-- Kept identical to ../postgres/0012_mail_settings.sql.
ALTER TABLE workspace ADD COLUMN smtp_url TEXT;
ALTER TABLE workspace ADD COLUMN mail_from TEXT;
