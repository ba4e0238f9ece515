-- CRM records, part two: tag rules, full-text search over contacts,
-- companies and activities, the append-only activity log, per-workspace
-- custom field definitions and per-user saved views.
-- (V5 is reserved for deals and pipelines, written on another branch.)

-- Tags are stored normalised (trimmed, inner whitespace collapsed,
-- lowercase), 1 to 50 characters each, no duplicates. The count limit
-- (30) is V4's CHECK; this one holds each tag to the same rules the API
-- applies, so a write that bypasses the API cannot store what it refuses.
CREATE FUNCTION crm_tags_valid(tags text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_and(length(t) BETWEEN 1 AND 50
                             AND t = lower(regexp_replace(btrim(t), '\s+', ' ', 'g'))), true)
           AND cardinality(tags) = (SELECT count(DISTINCT t) FROM unnest(tags) t)
    FROM unnest(tags) t
$$;
ALTER TABLE contacts ADD CONSTRAINT contacts_tags_normalised CHECK (crm_tags_valid(tags));
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX contacts_owner_idx ON contacts (workspace_id, owner_id) WHERE deleted_at IS NULL;

-- Search documents. The 'simple' configuration (no stemming, no stop
-- words) suits names, emails and domains; emails and domains are also
-- indexed split at punctuation so that "ann", "lee" and "example" find
-- ann.lee@example.com.
ALTER TABLE contacts ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', first_name || ' ' || last_name), 'A')
    || setweight(to_tsvector('simple', coalesce(email, '') || ' '
                 || regexp_replace(coalesce(email, ''), '[^[:alnum:]]+', ' ', 'g')), 'B')
    || setweight(to_tsvector('simple', coalesce(job_title, '') || ' ' || coalesce(phone, '')), 'C')
) STORED;
CREATE INDEX contacts_search_idx ON contacts USING gin (search);

ALTER TABLE companies ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A')
    || setweight(to_tsvector('simple', coalesce(domain, '') || ' '
                 || regexp_replace(coalesce(domain, ''), '[^[:alnum:]]+', ' ', 'g')), 'B')
    || setweight(to_tsvector('simple', coalesce(industry, '')), 'C')
) STORED;
CREATE INDEX companies_search_idx ON companies USING gin (search);
CREATE INDEX companies_metadata_idx ON companies USING gin (metadata jsonb_path_ops);

-- The record's audit trail in the 360 views.
CREATE INDEX audit_log_target_idx ON audit_log (workspace_id, target_type, target_id);

-- Activities and tasks: an append-only log of real interactions. Rows are
-- never deleted (the trigger below refuses it); tasks are completed and
-- reopened, other types only get typo fixes to subject and body.
CREATE TABLE activities (
    id               uuid PRIMARY KEY,
    workspace_id     uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type             text NOT NULL CHECK (type IN ('task', 'call', 'meeting', 'email', 'note')),
    subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body             text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    priority         text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high')),
    due_at           timestamptz,
    duration_minutes integer CHECK (duration_minutes BETWEEN 0 AND 10080),
    direction        text CHECK (direction IN ('inbound', 'outbound')),
    assignee_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    author_user_id   uuid REFERENCES users (id) ON DELETE SET NULL,
    author_token_id  uuid,
    contact_id       uuid,
    company_id       uuid,
    -- No foreign keys yet: the deals and leads tables arrive on their own
    -- branches, which add them.
    deal_id          uuid,
    lead_id          uuid,
    completed_at     timestamptz,
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    search           tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', subject), 'A') || setweight(to_tsvector('simple', body), 'B')
    ) STORED,
    UNIQUE (workspace_id, id),
    CHECK (direction IS NULL OR type IN ('call', 'email')),
    CHECK (completed_at IS NULL OR type = 'task'),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX activities_workspace_created_idx ON activities (workspace_id, created_at, id);
CREATE INDEX activities_contact_idx ON activities (workspace_id, contact_id, created_at) WHERE contact_id IS NOT NULL;
CREATE INDEX activities_company_idx ON activities (workspace_id, company_id, created_at) WHERE company_id IS NOT NULL;
CREATE INDEX activities_deal_idx ON activities (workspace_id, deal_id) WHERE deal_id IS NOT NULL;
CREATE INDEX activities_lead_idx ON activities (workspace_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX activities_open_tasks_idx ON activities (workspace_id, assignee_id, due_at)
    WHERE type = 'task' AND completed_at IS NULL;
CREATE INDEX activities_search_idx ON activities USING gin (search);

CREATE FUNCTION activities_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Removing a whole workspace cascades here; nothing else deletes.
    IF EXISTS (SELECT 1 FROM workspaces WHERE id = OLD.workspace_id) THEN
        RAISE EXCEPTION 'activities are append-only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER activities_no_delete BEFORE DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION activities_are_append_only();

-- Custom field definitions: which keys a record's `custom_fields` may
-- hold, per workspace and entity, and their types.
CREATE TABLE custom_field_definitions (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity       text NOT NULL CHECK (entity IN ('contact', 'company', 'deal', 'lead')),
    key          text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    field_type   text NOT NULL CHECK (field_type IN ('text', 'number', 'date', 'select', 'multi_select', 'boolean')),
    options      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(options) <= 100),
    position     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, entity, key),
    CHECK ((field_type IN ('select', 'multi_select')) = (cardinality(options) > 0))
);

-- Saved views: a person's named filter, sort and columns for a list.
CREATE TABLE saved_views (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    user_id      uuid NOT NULL,
    entity       text NOT NULL CHECK (entity IN ('contacts', 'companies', 'deals', 'leads')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    filters      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(filters) = 'object'),
    sort         text CHECK (length(sort) <= 64),
    columns      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(columns) <= 50),
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);
CREATE INDEX saved_views_owner_idx ON saved_views (workspace_id, user_id, created_at);

-- At most 10 views per person per workspace, enforced here so two
-- concurrent creates cannot make 11: the membership row is locked first,
-- so the second insert waits and then counts the first.
CREATE FUNCTION saved_views_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM memberships WHERE workspace_id = NEW.workspace_id AND user_id = NEW.user_id FOR UPDATE;
    IF (SELECT count(*) FROM saved_views WHERE workspace_id = NEW.workspace_id AND user_id = NEW.user_id) >= 10 THEN
        RAISE EXCEPTION 'at most 10 saved views per person and workspace'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'saved_views_per_person_limit';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER saved_views_limit BEFORE INSERT ON saved_views
    FOR EACH ROW EXECUTE FUNCTION saved_views_limit();

-- The search query of the API: the text typed so far, parsed leniently by
-- websearch_to_tsquery (it never fails on user input), AND the last word
-- as a prefix so results appear while typing. `prefix` holds letters and
-- digits only (the API strips everything else), so quoting it is safe.
CREATE FUNCTION crm_tsquery(head text, prefix text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN prefix = '' THEN websearch_to_tsquery('simple', head)
        WHEN btrim(head) = '' THEN to_tsquery('simple', '''' || prefix || ''':*')
        ELSE websearch_to_tsquery('simple', head) && to_tsquery('simple', '''' || prefix || ''':*')
    END
$$;
