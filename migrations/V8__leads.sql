-- Leads: the entry point of every sales cycle. Like deals, their live
-- state is held and written by the workspace actor; every score it
-- computes is kept as an immutable row.

-- Custom lead sources per workspace (the built-in ones have no rows).
CREATE TABLE lead_sources (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    slug         text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    label        text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    archived     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, slug)
);

-- Scoring weights per workspace; a workspace without a row uses the
-- defaults documented in docs/LEADS.md.
CREATE TABLE lead_scoring (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    weights      jsonb NOT NULL CHECK (jsonb_typeof(weights) = 'object'),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE leads (
    id                   uuid PRIMARY KEY,
    workspace_id         uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name           text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name            text NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    email                text CHECK (length(email) <= 254),
    phone                text CHECK (length(phone) <= 50),
    company_name         text CHECK (length(company_name) <= 200),
    company_size         text CHECK (company_size IN ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+')),
    job_title            text CHECK (length(job_title) <= 200),
    estimated_value      bigint CHECK (estimated_value BETWEEN 0 AND 1000000000000000),
    source               text NOT NULL CHECK (length(source) <= 40),
    status               text NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')),
    score                smallint NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    owner_id             uuid REFERENCES users (id) ON DELETE SET NULL,
    next_action          text CHECK (length(next_action) <= 500),
    next_action_date     date,
    notes                text CHECK (length(notes) <= 10000),
    tags                 text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 30),
    custom_fields        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
    -- The integrator's id for this lead: a second POST with it is a replay.
    external_id          text CHECK (length(external_id) BETWEEN 1 AND 200),
    converted_contact_id uuid,
    converted_company_id uuid,
    converted_deal_id    uuid,
    converted_at         timestamptz,
    last_activity_at     timestamptz,
    -- Engagement counted for scoring (activities logged, emails opened or
    -- clicked, meetings held), kept with the lead.
    engagement           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(engagement) = 'object'),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    deleted_at           timestamptz,
    version              bigint NOT NULL,
    UNIQUE (workspace_id, id),
    -- A qualified lead always has its next step.
    CHECK (status <> 'qualified' OR next_action_date IS NOT NULL),
    CHECK (status <> 'converted' OR converted_at IS NOT NULL)
);
CREATE UNIQUE INDEX leads_external_id_key ON leads (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX leads_workspace_idx ON leads (workspace_id);

-- Every score computed, with its factors and reason: never updated.
CREATE TABLE lead_scores (
    id           bigserial PRIMARY KEY,
    workspace_id uuid NOT NULL,
    lead_id      uuid NOT NULL,
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    factors      jsonb NOT NULL,
    reason       text NOT NULL,
    at           timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX lead_scores_lead_idx ON lead_scores (lead_id, at);

CREATE FUNCTION lead_scores_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lead_scores is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER lead_scores_no_update BEFORE UPDATE ON lead_scores
    FOR EACH ROW EXECUTE FUNCTION lead_scores_are_immutable();

-- Website widgets: a public form posting leads. The key is shown once and
-- only its hash is kept.
CREATE TABLE lead_widgets (
    id               uuid PRIMARY KEY,
    workspace_id     uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    allowed_origins  text[] NOT NULL CHECK (cardinality(allowed_origins) BETWEEN 1 AND 20),
    default_source   text NOT NULL DEFAULT 'website',
    default_owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
    key_hash         bytea NOT NULL UNIQUE,
    key_prefix       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    rotated_at       timestamptz,
    revoked_at       timestamptz,
    UNIQUE (workspace_id, id)
);

-- Every submission a widget received, and what became of it.
CREATE TABLE lead_widget_submissions (
    id           bigserial PRIMARY KEY,
    workspace_id uuid NOT NULL,
    widget_id    uuid NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('accepted', 'honeypot', 'rate_limited', 'invalid', 'origin_refused')),
    lead_id      uuid,
    at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, widget_id) REFERENCES lead_widgets (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX lead_widget_submissions_widget_idx ON lead_widget_submissions (widget_id, at);
