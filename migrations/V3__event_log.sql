-- The per-workspace event log: a gap-free sequence per workspace, assigned
-- inside the committing transaction by incrementing workspace_streams.

CREATE TABLE workspace_streams (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Changes whenever continuity of the sequence cannot be proven
    -- (for example after events were lost to a restore).
    epoch        bigint NOT NULL DEFAULT 1,
    last_seq     bigint NOT NULL DEFAULT 0
);

INSERT INTO workspace_streams (workspace_id) SELECT id FROM workspaces;

CREATE TABLE events (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seq          bigint NOT NULL,
    epoch        bigint NOT NULL,
    type         text NOT NULL,
    topic        text NOT NULL,
    actor_type   text,
    actor_id     uuid,
    -- Who may see it (serde of Visibility): "all" | {"roles": [...]}
    -- | {"managers_and": [user ids]} | {"users": [user ids]}
    visibility   jsonb NOT NULL,
    data         jsonb NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX events_at_idx ON events (at);

-- Short-lived, single-use tickets for opening the WebSocket stream without
-- a long-lived secret in the URL.
CREATE TABLE stream_tickets (
    ticket_hash  bytea PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    token_id     uuid REFERENCES api_tokens (id) ON DELETE CASCADE,
    session_id   uuid REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
