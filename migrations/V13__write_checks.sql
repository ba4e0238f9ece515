-- Version checks that fail inside the database.
--
-- A workspace actor sends a deal batch to PostgreSQL as one pipeline:
-- BEGIN, the seq reservation, the deal rows, the history, audit and event
-- rows, and COMMIT all leave in one write, without waiting for each
-- answer (actors/src/deals/store.rs, docs/ARCHITECTURE.md "Group
-- commit"). So a check on how many rows an UPDATE touched cannot be made
-- by the client between two statements: the COMMIT is already on its way.
-- The check is made here instead. A batch's UPDATE counts the rows it
-- changed and passes the count through this function, which raises
-- SQLSTATE PU001 when a row did not have the version the actor planned
-- against (another node wrote it). The error aborts the transaction, the
-- COMMIT that follows answers ROLLBACK, and the actor reloads.
CREATE FUNCTION pulse_expect_rows(actual bigint, expected bigint, what text) RETURNS bigint
    LANGUAGE plpgsql AS $$
BEGIN
    IF actual IS DISTINCT FROM expected THEN
        RAISE EXCEPTION '% changed under the writer (% of % rows had the expected version)', what, actual, expected
            USING ERRCODE = 'PU001';
    END IF;
    RETURN actual;
END
$$;
