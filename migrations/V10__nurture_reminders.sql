-- Nurture steps and once-a-day reminders (docs/NOTIFICATIONS.md).
--
-- Nurture: a deal reaching a stage with `auto_nurture`, or a lead reaching
-- a status whose flag is on, gets the template bound to that stage or
-- status, sent to its contact, once per record and stage (or status).
-- Reminders: a record is reminded of at most once per kind and day.

-- When a lead entered its current status. Leads are written by the
-- workspace actor; this trigger keeps the column right inside the actor's
-- own batch transaction, so it commits with the status change and the
-- nurture sweep can find leads whose step a crash lost. Existing leads get
-- their creation time (an under-estimate: the sweep looks back one day
-- and must not mistake old leads for new arrivals).
ALTER TABLE leads ADD COLUMN status_changed_at timestamptz;
UPDATE leads SET status_changed_at = created_at;

CREATE FUNCTION leads_track_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.status_changed_at := coalesce(NEW.status_changed_at, NEW.updated_at, now());
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.status_changed_at := coalesce(NEW.updated_at, now());
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER leads_status_changed_at BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION leads_track_status_change();
CREATE INDEX leads_status_changed_idx ON leads (status_changed_at) WHERE deleted_at IS NULL;

-- Which lead statuses nurture, per workspace. A status without a row does not.
CREATE TABLE lead_status_nurture (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')),
    enabled      boolean NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, status)
);

-- A nurture template is bound to at most one trigger: a stage or a lead
-- status; each trigger has at most one template. Stages are checked by
-- the API (they are soft-deleted and keep their rows, so a template bound
-- to a deleted stage simply never fires).
ALTER TABLE email_templates
    ADD COLUMN stage_id uuid,
    ADD COLUMN lead_status text CHECK (lead_status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')),
    ADD CONSTRAINT email_templates_one_trigger CHECK (stage_id IS NULL OR lead_status IS NULL);
CREATE UNIQUE INDEX email_templates_stage_key ON email_templates (workspace_id, stage_id) WHERE stage_id IS NOT NULL;
CREATE UNIQUE INDEX email_templates_lead_status_key ON email_templates (workspace_id, lead_status)
    WHERE lead_status IS NOT NULL;

-- Nurture emails are HTML (placeholders escaped); other emails plain text.
ALTER TABLE email_outbox
    ADD COLUMN content_type text NOT NULL DEFAULT 'text/plain' CHECK (content_type IN ('text/plain', 'text/html'));

-- Every nurture step that ran: the primary key makes it at most once per
-- record and stage (or status), whether the request that made the move or
-- the hourly sweep got there first, and however often either retries.
CREATE TABLE nurture_steps (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    record_type  text NOT NULL CHECK (record_type IN ('deal', 'lead')),
    record_id    uuid NOT NULL,
    -- The stage's id (deals) or the status (leads).
    step         text NOT NULL CHECK (length(step) BETWEEN 1 AND 40),
    template_id  uuid REFERENCES email_templates (id) ON DELETE SET NULL,
    -- `queued`: an email is in the outbox (`email_id`); `no_recipient`: the
    -- contact (or lead) had no email address, so only the owner was told.
    outcome      text NOT NULL CHECK (outcome IN ('queued', 'no_recipient')),
    email_id     uuid,
    -- `write`: right after the change; `sweep`: the hourly catch-up.
    via          text NOT NULL CHECK (via IN ('write', 'sweep')),
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, record_type, record_id, step)
);

-- Reminders (overdue next actions and tasks, records going stale): at
-- most one per kind, record and day, claimed in the transaction that
-- raises the notification, so a retried run or a second runner skips it.
CREATE TABLE reminder_deliveries (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('overdue', 'stale')),
    record_type  text NOT NULL CHECK (record_type IN ('deal', 'lead', 'activity')),
    record_id    uuid NOT NULL,
    day          date NOT NULL,
    recipient_id uuid NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, kind, record_id, day)
);
CREATE INDEX reminder_deliveries_day_idx ON reminder_deliveries (day);
