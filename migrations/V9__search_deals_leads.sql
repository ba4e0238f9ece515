-- Full-text search over deals (title) and leads (name, email, company),
-- the same way as contacts, companies and activities (V6).

ALTER TABLE deals ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', coalesce(title, ''))
) STORED;
CREATE INDEX deals_search_idx ON deals USING gin (search);

ALTER TABLE leads ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' '
        || coalesce(email, '') || ' ' || coalesce(company_name, ''))
) STORED;
CREATE INDEX leads_search_idx ON leads USING gin (search);
