-- Optimistic concurrency for workspace settings: every update bumps
-- `version`; responses carry it as an ETag and writes may send If-Match.
ALTER TABLE workspaces ADD COLUMN version bigint NOT NULL DEFAULT 1;
