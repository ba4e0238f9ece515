-- The contacts' tags rule (V6) without a subquery.
--
-- Every contact written runs `contacts_tags_normalised`. V6 wrote the
-- rule as one SQL function whose duplicate check is a subquery over
-- unnest(tags); a CHECK cannot inline that, so each row paid for running
-- a query (about 8 us per row, a fifth of a bulk COPY's cost per row:
-- BENCHMARKS.md, "CSV import"). The same rule in PL/pgSQL loops over the
-- tags once and returns at the first bad one. What is valid is
-- unchanged: every tag 1 to 50 characters, already in normal form (lower
-- case, no space at either end, runs of white space as one space), no
-- tag twice, and no NULL element.
CREATE OR REPLACE FUNCTION crm_tags_valid(tags text[]) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text;
    seen text[] := '{}';
BEGIN
    IF cardinality(tags) = 0 THEN
        RETURN true;
    END IF;
    FOREACH t IN ARRAY tags LOOP
        IF t IS NULL
           OR length(t) NOT BETWEEN 1 AND 50
           OR t <> lower(regexp_replace(btrim(t), '\s+', ' ', 'g'))
           OR t = ANY (seen) THEN
            RETURN false;
        END IF;
        seen := seen || t;
    END LOOP;
    RETURN true;
END
$$;
