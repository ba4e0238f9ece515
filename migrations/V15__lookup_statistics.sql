-- Statistics for the keys imports look records up by.
--
-- An import looks up a chunk's keys at once (`lower(email) = ANY($keys)`
-- and the like). The planner does not use the statistics of a partial
-- index's expression, and every index on these keys is partial (`WHERE
-- deleted_at IS NULL`), so it priced each key at 0.5% of the table: for a
-- chunk of thousands of keys, every row of the workspace. With a million
-- contacts it then read the whole workspace for every chunk (300 to 400 ms
-- a chunk, against 20 ms by the index). Expression statistics give it the
-- real number of distinct keys. ANALYZE (autovacuum's, or an import's own)
-- fills them.
CREATE STATISTICS contacts_lower_email_stats ON (lower(email)) FROM contacts;
CREATE STATISTICS companies_lower_name_stats ON (lower(name)) FROM companies;
CREATE STATISTICS companies_lower_domain_stats ON (lower(domain)) FROM companies;
CREATE STATISTICS leads_lower_email_stats ON (lower(email)) FROM leads;
CREATE STATISTICS deals_lower_title_stats ON (lower(title)) FROM deals;
ANALYZE contacts, companies, leads, deals;
