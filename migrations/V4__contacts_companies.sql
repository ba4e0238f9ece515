-- Contacts and companies: the people and organisations a workspace sells to.
-- Deals, leads and activities link to them. Soft-deleted rows keep their id
-- (links stay valid) and drop out of lists.

CREATE TABLE companies (
    id                 uuid PRIMARY KEY,
    workspace_id       uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    domain             text CHECK (length(domain) <= 253),
    industry           text CHECK (length(industry) <= 100),
    size               text CHECK (size IN ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+')),
    website            text CHECK (length(website) <= 500),
    status             text NOT NULL DEFAULT 'prospect'
                       CHECK (status IN ('prospect', 'customer', 'partner', 'churned', 'inactive')),
    owner_id           uuid REFERENCES users (id) ON DELETE SET NULL,
    renewal_date       date,
    upsell_opportunity text CHECK (length(upsell_opportunity) <= 2000),
    metadata           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    custom_fields      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
    version            bigint NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    UNIQUE (workspace_id, id)
);
CREATE INDEX companies_workspace_name_idx ON companies (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX companies_workspace_domain_idx ON companies (workspace_id, lower(domain)) WHERE deleted_at IS NULL;

CREATE TABLE contacts (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name    text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name     text NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    email         text CHECK (length(email) <= 254),
    phone         text CHECK (length(phone) <= 50),
    company_id    uuid,
    job_title     text CHECK (length(job_title) <= 200),
    lead_source   text CHECK (length(lead_source) <= 64),
    -- At most 30 tags: enforced here, not only in code.
    tags          text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 30),
    owner_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    UNIQUE (workspace_id, id),
    CHECK (length(first_name) + length(last_name) > 0 OR email IS NOT NULL),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX contacts_workspace_email_idx ON contacts (workspace_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX contacts_workspace_company_idx ON contacts (workspace_id, company_id);
