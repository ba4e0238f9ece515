//! Full-text search, one query per record type over its `search` column
//! (GIN-indexed, migrations V6 and V9; `crm_tsquery` as of V12). Each
//! returns hits with a title, subtitle and rank; `crm::search` merges them.
//! Every query ranks at most [`CANDIDATES`] matches (see there); contacts
//! and activities, the big tables, probe conjunctions first
//! ([`candidates`]).

use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// One search hit as the database ranks it.
#[derive(Debug, Clone)]
pub struct HitRow {
    pub id: Uuid,
    pub title: String,
    pub subtitle: Option<String>,
    pub rank: f32,
}

fn hit(r: &tokio_postgres::Row) -> HitRow {
    HitRow { id: r.get(0), title: r.get(1), subtitle: r.get(2), rank: r.get(3) }
}

/// How many matching rows are ranked at most. Ranking needs each row's
/// `tsvector`, so ranking every match of a broad query (`smith` in a
/// million contacts) would read thousands of rows; instead the first
/// `CANDIDATES` matches the index (or scan) yields are ranked and the best
/// `limit` of them returned. A query matching fewer rows is ranked exactly;
/// a broader one returns good matches, and typing more narrows it (see
/// BENCHMARKS.md, "Search").
pub const CANDIDATES: i64 = 200;

/// Rows a probe reads at most (see [`candidates`]).
pub const PROBE_ROWS: i64 = 5000;

/// Whether the search text is more than one word: a conjunction, whose
/// match count PostgreSQL underestimates when its words go together (see
/// [`candidates`]).
fn conjunction(head: &str) -> bool {
    head.chars().any(char::is_alphanumeric)
}

/// Runs a hits query whose `{source}` yields the candidate rows of
/// `table` (at most [`CANDIDATES`]), and which returns the number of
/// candidates in its fifth column.
///
/// One word: its candidates come from wherever PostgreSQL chooses, the GIN
/// index for a rare word, a scan that stops at the 200th match for a
/// frequent one; its statistics know each word's frequency. Several words:
/// PostgreSQL multiplies their frequencies as if they were independent, so
/// for `vp sales` (two words in one job title shared by 1 contact in 15:
/// 66,000 matches) it expects 5,000 and builds both words' GIN bitmaps,
/// 40-60 ms, where a scan finds 200 matches in 3,000 rows. So a conjunction
/// is first *probed*: its query evaluated on the first [`PROBE_ROWS`] rows
/// of the workspace (a few ms). When that yields all the candidates, the
/// matches are dense and those are the answer; otherwise the index query
/// runs as for one word.
async fn candidates(
    c: &impl GenericClient,
    sql: &str,
    table: &str,
    columns: &str,
    filter: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    head: &str,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    if conjunction(head) {
        let probe = format!(
            "SELECT {columns} FROM (SELECT {columns} FROM {table} WHERE {filter} LIMIT $6) s
             WHERE coalesce(search @@ crm_tsquery($2, $3), false) LIMIT $5"
        );
        let mut with_probe = params.to_vec();
        with_probe.push(&PROBE_ROWS);
        let rows = c.query(&sql.replace("{source}", &probe), &with_probe).await?;
        if rows.first().is_some_and(|r| r.get::<_, i64>(4) >= CANDIDATES) {
            return Ok(rows.iter().map(hit).collect());
        }
    }
    let index = format!("SELECT {columns} FROM {table} WHERE {filter} AND search @@ crm_tsquery($2, $3) LIMIT $5");
    Ok(c.query(&sql.replace("{source}", &index), params).await?.iter().map(hit).collect())
}

/// Live contacts whose name, email, job title or phone match; the title is
/// the name (or email), the subtitle the email and company.
pub async fn select_contact_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    // Candidates first, ranked, then the company of the best `limit` only.
    let sql = "WITH m AS MATERIALIZED ({source})
        SELECT t.id, coalesce(nullif(btrim(t.first_name || ' ' || t.last_name), ''), t.email, ''),
               nullif(concat_ws(' · ', t.email, co.name), ''), t.rank, (SELECT count(*) FROM m)
        FROM (SELECT m.id, m.first_name, m.last_name, m.email, m.company_id, ts_rank(m.search, q) AS rank
              FROM m, crm_tsquery($2, $3) q ORDER BY rank DESC, m.id LIMIT $4) t
        LEFT JOIN companies co ON co.workspace_id = $1 AND co.id = t.company_id AND co.deleted_at IS NULL
        ORDER BY t.rank DESC, t.id";
    let columns = "id, first_name, last_name, email, company_id, search";
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [&workspace_id, &head, &prefix, &limit, &CANDIDATES];
    candidates(c, sql, "contacts", columns, "workspace_id = $1 AND deleted_at IS NULL", &params, head).await
}

/// Live companies whose name, domain or industry match.
pub async fn select_company_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT m.id, m.name, nullif(concat_ws(' · ', m.domain, m.industry), ''), ts_rank(m.search, q) AS rank
             FROM (SELECT id, name, domain, industry, search FROM companies
                   WHERE workspace_id = $1 AND deleted_at IS NULL AND search @@ crm_tsquery($2, $3)
                   LIMIT $5) m, crm_tsquery($2, $3) q
             ORDER BY rank DESC, m.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit, &CANDIDATES],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Activities whose subject or body match; the subtitle is the type and
/// the start of the body.
pub async fn select_activity_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let sql = "WITH m AS MATERIALIZED ({source})
        SELECT m.id, m.subject, m.type || coalesce(': ' || nullif(left(m.body, 120), ''), ''),
               ts_rank(m.search, q) AS rank, (SELECT count(*) FROM m)
        FROM m, crm_tsquery($2, $3) q
        ORDER BY rank DESC, m.id LIMIT $4";
    let columns = "id, subject, type, body, search";
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [&workspace_id, &head, &prefix, &limit, &CANDIDATES];
    candidates(c, sql, "activities", columns, "workspace_id = $1", &params, head).await
}

/// Live deals whose title matches; `rep`: only the deals that rep owns or
/// that are shared with them. The subtitle is the stage, amount and currency.
pub async fn select_deal_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
    rep: Option<Uuid>,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT t.id, t.title, s.name || ' · ' || (t.amount / 100.0)::numeric(20, 2) || ' ' || t.currency, t.rank
             FROM (SELECT m.id, m.title, m.amount, m.currency, m.stage_id, ts_rank(m.search, q) AS rank
                   FROM (SELECT id, title, amount, currency, stage_id, search FROM deals
                         WHERE workspace_id = $1 AND deleted_at IS NULL AND search @@ crm_tsquery($2, $3)
                           AND ($5::uuid IS NULL OR owner_id = $5 OR $5 = ANY(shared_with))
                         LIMIT $6) m, crm_tsquery($2, $3) q
                   ORDER BY rank DESC, m.id LIMIT $4) t
             JOIN stages s ON s.id = t.stage_id
             ORDER BY t.rank DESC, t.id",
            &[&workspace_id, &head, &prefix, &limit, &rep, &CANDIDATES],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}

/// Live leads whose name, email or company match; `rep`: only theirs.
pub async fn select_lead_hits(
    c: &impl GenericClient,
    workspace_id: Uuid,
    head: &str,
    prefix: &str,
    limit: i64,
    rep: Option<Uuid>,
) -> Result<Vec<HitRow>, tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT m.id, coalesce(nullif(btrim(m.first_name || ' ' || m.last_name), ''), m.email, ''),
                    nullif(concat_ws(' · ', m.status, m.email, m.company_name), ''), ts_rank(m.search, q) AS rank
             FROM (SELECT id, first_name, last_name, email, status, company_name, search FROM leads
                   WHERE workspace_id = $1 AND deleted_at IS NULL AND search @@ crm_tsquery($2, $3)
                     AND ($5::uuid IS NULL OR owner_id = $5)
                   LIMIT $6) m, crm_tsquery($2, $3) q
             ORDER BY rank DESC, m.id LIMIT $4",
            &[&workspace_id, &head, &prefix, &limit, &rep, &CANDIDATES],
        )
        .await?;
    Ok(rows.iter().map(hit).collect())
}
