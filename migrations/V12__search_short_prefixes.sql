-- Search at scale (BENCHMARKS.md, "Search"): a last word of one or two
-- characters is matched as a whole word, not as a prefix.
--
-- Why: a GIN index answers a prefix query by collecting every index entry
-- that starts with the prefix. With a million contacts, `j:*` names about
-- 150,000 rows and `ja:*` about 40,000, spread over tens of thousands of
-- entries (names, email parts, numbers); collecting them took 40 to 120 ms
-- before a single row was read, while a three-letter prefix (`jam:*`, about
-- 5,000 rows) takes a few milliseconds. So prefix matching starts at the
-- third character typed; before that the word is matched exactly, which
-- still finds two-letter names such as "Li" or "Wu". Everything else is
-- V6's query: `websearch_to_tsquery` over the words typed, AND the last
-- word as a prefix.
CREATE OR REPLACE FUNCTION crm_tsquery(head text, prefix text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN prefix = '' THEN websearch_to_tsquery('simple', head)
        WHEN length(prefix) < 3 THEN websearch_to_tsquery('simple', head || ' ' || prefix)
        WHEN btrim(head) = '' THEN to_tsquery('simple', '''' || prefix || ''':*')
        ELSE websearch_to_tsquery('simple', head) && to_tsquery('simple', '''' || prefix || ''':*')
    END
$$;
