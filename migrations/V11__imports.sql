-- CSV imports (issue #6): an uploaded file, its column mapping, and a
-- background run that writes contacts, companies, leads or deals in
-- chunks, with a checkpoint so that a restart resumes it, and a revert
-- that soft-deletes exactly the rows it created (tagged by `import_id`).

CREATE TABLE imports (
    id                uuid PRIMARY KEY,
    workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity            text NOT NULL CHECK (entity IN ('contacts', 'companies', 'leads', 'deals')),
    filename          text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    status            text NOT NULL DEFAULT 'uploaded'
                      CHECK (status IN ('uploaded', 'running', 'completed', 'failed', 'reverting', 'reverted')),
    -- Bytes of the file as uploaded.
    size              bigint NOT NULL CHECK (size >= 0),
    encoding          text NOT NULL CHECK (encoding IN ('utf-8', 'windows-1252')),
    delimiter         text NOT NULL CHECK (delimiter IN (',', ';', E'\t', '|')),
    headers           text[] NOT NULL,
    -- {header: field name or null}, one key per header.
    mapping           jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
    -- The first data rows, for the mapping screen.
    sample            jsonb NOT NULL CHECK (jsonb_typeof(sample) = 'array'),
    duplicates        text NOT NULL DEFAULT 'skip' CHECK (duplicates IN ('skip', 'create')),
    -- Where the data rows start: byte offset in the file and line number.
    data_offset       bigint NOT NULL,
    data_line         bigint NOT NULL,
    -- Data records in the file (blank lines excluded).
    rows_total        bigint,
    rows_done         bigint NOT NULL DEFAULT 0,
    rows_imported     bigint NOT NULL DEFAULT 0,
    rows_failed       bigint NOT NULL DEFAULT 0,
    rows_skipped      bigint NOT NULL DEFAULT 0,
    -- The next record to read: byte offset and line number. Written in the
    -- transaction of the chunk it follows, so a resume neither repeats nor
    -- skips a row.
    checkpoint_offset bigint NOT NULL DEFAULT 0,
    checkpoint_line   bigint NOT NULL DEFAULT 0,
    -- Why a run failed (a person-readable sentence).
    failure           text CHECK (length(failure) <= 1000),
    created_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    reverted_at       timestamptz,
    UNIQUE (workspace_id, id)
);
CREATE INDEX imports_workspace_created_idx ON imports (workspace_id, created_at DESC, id DESC);
-- One import running (or reverting) per workspace at a time.
CREATE UNIQUE INDEX imports_one_active_idx ON imports (workspace_id) WHERE status IN ('running', 'reverting');

-- The uploaded file, in chunks of at most 1 MiB. Kept in PostgreSQL so
-- that any node can resume the run; dropped when the run ends.
CREATE TABLE import_files (
    import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    n         integer NOT NULL CHECK (n >= 0),
    -- Byte offset of this chunk in the file.
    start     bigint NOT NULL CHECK (start >= 0),
    data      bytea NOT NULL,
    PRIMARY KEY (import_id, n)
);

-- Rows a run did not import: invalid ones and skipped duplicates.
CREATE TABLE import_errors (
    import_id   uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line        bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('invalid', 'duplicate')),
    reason      text NOT NULL CHECK (length(reason) <= 1000),
    column_name text CHECK (length(column_name) <= 255),
    PRIMARY KEY (import_id, line)
);

-- The import that created a record; revert soft-deletes by it.
ALTER TABLE contacts ADD COLUMN import_id uuid;
ALTER TABLE companies ADD COLUMN import_id uuid;
ALTER TABLE leads ADD COLUMN import_id uuid;
ALTER TABLE deals ADD COLUMN import_id uuid;
CREATE INDEX contacts_import_idx ON contacts (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX companies_import_idx ON companies (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX leads_import_idx ON leads (import_id) WHERE import_id IS NOT NULL;
CREATE INDEX deals_import_idx ON deals (import_id) WHERE import_id IS NOT NULL;
-- Duplicate detection: leads by email (like contacts'), deals by title.
CREATE INDEX leads_workspace_email_idx ON leads (workspace_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX deals_workspace_title_idx ON deals (workspace_id, lower(title)) WHERE deleted_at IS NULL;
