-- Notifications, their preferences, the email outbox and templates, the
-- daily digest's deliveries and the scheduler's recorded runs.
-- Depends only on V1 (users, workspaces): V6 lives on another branch.

-- In-app notifications: one row per recipient. The workspace actor keeps
-- each recipient's unread count and latest items in memory, in step with
-- the `notification.*` events written with these rows.
CREATE TABLE notifications (
    -- UUIDv7: ordering by id is ordering by creation (the list's cursor).
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    recipient_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The signal (`assignments`, `stale_deals`...) or `digest`.
    kind          text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body          text NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
    -- The record it is about: both set or both NULL.
    link_type     text CHECK (link_type ~ '^[a-z_]{1,40}$'),
    link_id       uuid,
    actor_user_id uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    read_at       timestamptz,
    CHECK ((link_type IS NULL) = (link_id IS NULL))
);
CREATE INDEX notifications_recipient_idx ON notifications (workspace_id, recipient_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (workspace_id, recipient_id) WHERE read_at IS NULL;

-- Workspace switches per signal (owners and managers). A signal without
-- a row is on.
CREATE TABLE notification_settings (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    signal       text NOT NULL,
    enabled      boolean NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, signal)
);

-- Each member's channels per signal. Without a row: in-app on, email off.
CREATE TABLE notification_preferences (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    signal       text NOT NULL,
    in_app       boolean NOT NULL,
    email        boolean NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, signal)
);

-- Every email Pulse sends goes here first, in the transaction of the
-- change that caused it. The sender delivers over SMTP when configured;
-- without SMTP rows stay `pending` and owners browse them.
CREATE TABLE email_outbox (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    recipient_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
    subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body            text NOT NULL,
    -- Why it was sent: the signal, `digest` or `nurture`.
    kind            text NOT NULL,
    -- At most one email per key (a digest per user and day, a nurture
    -- step per record and stage); NULL for emails that may repeat.
    dedupe_key      text UNIQUE,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_outbox_workspace_idx ON email_outbox (workspace_id, id DESC);

-- Nurture email templates, per workspace.
CREATE TABLE email_templates (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, name)
);

-- The daily digest reaches each member at most once per workspace and
-- day: a retried job or a second node racing finds the row and skips.
CREATE TABLE digest_deliveries (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day          date NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, day)
);

-- Scheduled job runs. (job, slot) is unique: of the nodes that reach a
-- slot, one claims it and runs the job; a failed run may be claimed again.
CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text NOT NULL,
    slot        timestamptz NOT NULL,
    attempt     integer NOT NULL DEFAULT 1,
    node        uuid NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    outcome     text NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
    counts      jsonb NOT NULL DEFAULT '{}'::jsonb,
    error       text,
    UNIQUE (job, slot)
);
CREATE INDEX job_runs_started_idx ON job_runs (id DESC);
