-- Pipelines, stages and deals: the live board. The workspace actor owns
-- this state in memory and is its only writer; each of its batches writes
-- final row snapshots with a version check, so a second node hosting the
-- same workspace cannot overwrite a change it has not seen.

CREATE TABLE pipelines (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position     integer NOT NULL,
    archived     boolean NOT NULL DEFAULT false,
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
);
CREATE INDEX pipelines_workspace_idx ON pipelines (workspace_id);

CREATE TABLE stages (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    pipeline_id  uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position     integer NOT NULL,
    probability  smallint NOT NULL CHECK (probability BETWEEN 0 AND 100),
    color        text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
    kind         text NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    sla_days     integer CHECK (sla_days BETWEEN 1 AND 3650),
    auto_nurture boolean NOT NULL DEFAULT false,
    -- A deleted stage keeps its row: the stage history names it.
    deleted_at   timestamptz,
    version      bigint NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX stages_pipeline_idx ON stages (pipeline_id);

CREATE TABLE deals (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid NOT NULL,
    pipeline_id         uuid NOT NULL,
    stage_id            uuid NOT NULL,
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    amount              bigint NOT NULL CHECK (amount BETWEEN 0 AND 1000000000000000),
    currency            char(3) NOT NULL,
    -- NULL: the stage's default probability applies.
    probability         smallint CHECK (probability BETWEEN 0 AND 100),
    expected_close_date date,
    next_action         text CHECK (length(next_action) <= 500),
    next_action_date    date,
    owner_id            uuid REFERENCES users (id) ON DELETE SET NULL,
    contact_id          uuid,
    company_id          uuid,
    tags                text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 30),
    shared_with         uuid[] NOT NULL DEFAULT '{}',
    custom_fields       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
    lost_reason         text CHECK (length(lost_reason) <= 500),
    won_at              timestamptz,
    lost_at             timestamptz,
    -- Position inside the stage column: fractional index, compared bytewise.
    rank                text COLLATE "C" NOT NULL,
    stage_entered_at    timestamptz NOT NULL,
    last_activity_at    timestamptz,
    created_by          uuid,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz,
    version             bigint NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    FOREIGN KEY (workspace_id, stage_id) REFERENCES stages (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX deals_workspace_idx ON deals (workspace_id);
CREATE INDEX deals_contact_idx ON deals (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX deals_company_idx ON deals (company_id) WHERE company_id IS NOT NULL;
-- Two writers can never give two live cards of a column the same rank.
-- Checked at commit: inside one batch a card may take a rank another card
-- of the same batch just left.
ALTER TABLE deals ADD CONSTRAINT deals_stage_rank_excl
    EXCLUDE USING btree (stage_id WITH =, rank WITH =) WHERE (deleted_at IS NULL) DEFERRABLE INITIALLY DEFERRED;

-- Line items. The deal's amount is the sum of their totals, rewritten in
-- the same transaction as every change to them.
CREATE TABLE deal_products (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    deal_id      uuid NOT NULL,
    -- The catalog product this line came from, when it came from one.
    product_id   uuid,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit_price   bigint NOT NULL CHECK (unit_price BETWEEN 0 AND 1000000000000),
    quantity     integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    -- Discount in hundredths of a percent: 1250 = 12.5 %.
    discount_bp  integer NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    position     integer NOT NULL,
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_products_deal_idx ON deal_products (deal_id);

-- Who moved a deal from which stage to which, when. Append-only.
CREATE TABLE deal_stage_history (
    id            bigserial PRIMARY KEY,
    workspace_id  uuid NOT NULL,
    deal_id       uuid NOT NULL,
    from_stage_id uuid,
    to_stage_id   uuid NOT NULL,
    actor_user_id uuid,
    actor_token_id uuid,
    at            timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (deal_id, at);

CREATE FUNCTION deal_stage_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deal_stage_history is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER deal_stage_history_no_update BEFORE UPDATE ON deal_stage_history
    FOR EACH ROW EXECUTE FUNCTION deal_stage_history_is_append_only();

-- Every existing workspace gets the default pipeline (new ones get it at
-- creation, in code).
CREATE FUNCTION pulse_default_pipeline(ws uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p uuid := gen_random_uuid();
BEGIN
    INSERT INTO pipelines (id, workspace_id, name, position) VALUES (p, ws, 'Sales', 0);
    INSERT INTO stages (id, workspace_id, pipeline_id, name, position, probability, color, kind) VALUES
        (gen_random_uuid(), ws, p, 'Qualification', 0, 10, '#64748b', 'open'),
        (gen_random_uuid(), ws, p, 'Proposal', 1, 40, '#3b82f6', 'open'),
        (gen_random_uuid(), ws, p, 'Negotiation', 2, 70, '#f59e0b', 'open'),
        (gen_random_uuid(), ws, p, 'Won', 3, 100, '#16a34a', 'won'),
        (gen_random_uuid(), ws, p, 'Lost', 4, 0, '#dc2626', 'lost');
END;
$$;
SELECT pulse_default_pipeline(id) FROM workspaces;
