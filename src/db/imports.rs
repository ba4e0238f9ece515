//! CSV imports: the import rows, the stored file's chunks, the rows a run
//! did not import, and the bulk writes and look-ups of a run (COPY of
//! contacts and companies, duplicate and link look-ups, revert).

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use futures_util::pin_mut;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

use crate::db::companies::CompanyValues;
use crate::db::contacts::ContactValues;

/// An import as stored.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub entity: String,
    pub filename: String,
    pub status: String,
    pub size: i64,
    pub encoding: String,
    pub delimiter: String,
    pub headers: Vec<String>,
    pub mapping: serde_json::Value,
    pub sample: serde_json::Value,
    pub duplicates: String,
    pub data_offset: i64,
    pub data_line: i64,
    pub rows_total: Option<i64>,
    pub rows_done: i64,
    pub rows_imported: i64,
    pub rows_failed: i64,
    pub rows_skipped: i64,
    pub checkpoint_offset: i64,
    pub checkpoint_line: i64,
    pub failure: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub reverted_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, workspace_id, entity, filename, status, size, encoding, delimiter, headers, mapping, sample,
    duplicates, data_offset, data_line, rows_total, rows_done, rows_imported, rows_failed, rows_skipped,
    checkpoint_offset, checkpoint_line, failure, created_by, created_at, started_at, finished_at, reverted_at";

fn row(r: &tokio_postgres::Row) -> ImportRow {
    ImportRow {
        id: r.get(0),
        workspace_id: r.get(1),
        entity: r.get(2),
        filename: r.get(3),
        status: r.get(4),
        size: r.get(5),
        encoding: r.get(6),
        delimiter: r.get(7),
        headers: r.get(8),
        mapping: r.get(9),
        sample: r.get(10),
        duplicates: r.get(11),
        data_offset: r.get(12),
        data_line: r.get(13),
        rows_total: r.get(14),
        rows_done: r.get(15),
        rows_imported: r.get(16),
        rows_failed: r.get(17),
        rows_skipped: r.get(18),
        checkpoint_offset: r.get(19),
        checkpoint_line: r.get(20),
        failure: r.get(21),
        created_by: r.get(22),
        created_at: r.get(23),
        started_at: r.get(24),
        finished_at: r.get(25),
        reverted_at: r.get(26),
    }
}

/// A new import, as the upload found it.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub entity: String,
    pub filename: String,
    pub size: i64,
    pub encoding: String,
    pub delimiter: String,
    pub headers: Vec<String>,
    pub mapping: serde_json::Value,
    pub sample: serde_json::Value,
    pub data_offset: i64,
    pub data_line: i64,
    pub rows_total: i64,
    pub created_by: Option<Uuid>,
}

pub async fn insert_import(c: &impl GenericClient, n: &NewImport) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "INSERT INTO imports (id, workspace_id, entity, filename, size, encoding, delimiter, headers, mapping, sample,
                              data_offset, data_line, rows_total, created_by, checkpoint_offset, checkpoint_line)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $11, $12)",
        &[
            &n.id,
            &n.workspace_id,
            &n.entity,
            &n.filename,
            &n.size,
            &n.encoding,
            &n.delimiter,
            &n.headers,
            &n.mapping,
            &n.sample,
            &n.data_offset,
            &n.data_line,
            &n.rows_total,
            &n.created_by,
        ],
    )
    .await?;
    Ok(())
}

/// Stores one chunk of the uploaded file.
pub async fn insert_file_chunk(
    c: &impl GenericClient,
    import_id: Uuid,
    n: i32,
    start: i64,
    data: &[u8],
) -> Result<(), tokio_postgres::Error> {
    let stmt = c.prepare_cached("INSERT INTO import_files (import_id, n, start, data) VALUES ($1, $2, $3, $4)").await?;
    c.execute(&stmt, &[&import_id, &n, &start, &data]).await?;
    Ok(())
}

/// The chunk holding byte `offset` of the file: its number, start and bytes.
pub async fn select_file_chunk_at(
    c: &impl GenericClient,
    import_id: Uuid,
    offset: i64,
) -> Result<Option<(i32, i64, Vec<u8>)>, tokio_postgres::Error> {
    let r = c
        .query_opt(
            "SELECT n, start, data FROM import_files WHERE import_id = $1 AND start <= $2 ORDER BY n DESC LIMIT 1",
            &[&import_id, &offset],
        )
        .await?;
    Ok(r.map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// Chunk `n` of the file, if there is one.
pub async fn select_file_chunk(
    c: &impl GenericClient,
    import_id: Uuid,
    n: i32,
) -> Result<Option<Vec<u8>>, tokio_postgres::Error> {
    let stmt = c.prepare_cached("SELECT data FROM import_files WHERE import_id = $1 AND n = $2").await?;
    Ok(c.query_opt(&stmt, &[&import_id, &n]).await?.map(|r| r.get(0)))
}

pub async fn delete_file(c: &impl GenericClient, import_id: Uuid) -> Result<(), tokio_postgres::Error> {
    c.execute("DELETE FROM import_files WHERE import_id = $1", &[&import_id]).await?;
    Ok(())
}

pub async fn select_import(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ImportRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM imports WHERE workspace_id = $1 AND id = $2");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

pub async fn select_import_for_update(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<ImportRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {COLUMNS} FROM imports WHERE workspace_id = $1 AND id = $2 FOR UPDATE");
    Ok(c.query_opt(&sql, &[&workspace_id, &id]).await?.as_ref().map(row))
}

/// One page of a workspace's imports, newest first, and the total.
pub async fn select_imports(
    c: &impl GenericClient,
    workspace_id: Uuid,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ImportRow>, i64), tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM imports WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT $3"
    );
    let rows = c.query(&sql, &[&workspace_id, &offset, &limit]).await?.iter().map(row).collect();
    let total = c.query_one("SELECT count(*) FROM imports WHERE workspace_id = $1", &[&workspace_id]).await?.get(0);
    Ok((rows, total))
}

pub async fn update_mapping(
    c: &impl GenericClient,
    id: Uuid,
    mapping: &serde_json::Value,
    duplicates: &str,
) -> Result<(), tokio_postgres::Error> {
    c.execute("UPDATE imports SET mapping = $2, duplicates = $3 WHERE id = $1", &[&id, &mapping, &duplicates]).await?;
    Ok(())
}

/// Moves an import to `status` (`running` or `reverting`), stamping
/// `started_at` on a start. Fails with a unique violation on
/// `imports_one_active_idx` when the workspace already has one active.
pub async fn update_status(c: &impl GenericClient, id: Uuid, status: &str) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "UPDATE imports SET status = $2,
             started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END
         WHERE id = $1",
        &[&id, &status],
    )
    .await?;
    Ok(())
}

/// Counters and the checkpoint after a chunk, in the chunk's transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub rows_done: i64,
    pub rows_imported: i64,
    pub rows_failed: i64,
    pub rows_skipped: i64,
    pub checkpoint_offset: i64,
    pub checkpoint_line: i64,
}

pub async fn update_progress(c: &impl GenericClient, id: Uuid, p: &Progress) -> Result<(), tokio_postgres::Error> {
    let stmt = c
        .prepare_cached(
            "UPDATE imports SET rows_done = $2, rows_imported = $3, rows_failed = $4, rows_skipped = $5,
                 checkpoint_offset = $6, checkpoint_line = $7
             WHERE id = $1",
        )
        .await?;
    c.execute(
        &stmt,
        &[
            &id,
            &p.rows_done,
            &p.rows_imported,
            &p.rows_failed,
            &p.rows_skipped,
            &p.checkpoint_offset,
            &p.checkpoint_line,
        ],
    )
    .await?;
    Ok(())
}

/// Ends a run (`completed`, `failed`) or a revert (`reverted`).
pub async fn update_finished(
    c: &impl GenericClient,
    id: Uuid,
    status: &str,
    failure: Option<&str>,
) -> Result<(), tokio_postgres::Error> {
    c.execute(
        "UPDATE imports SET status = $2, failure = $3,
             finished_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE finished_at END,
             reverted_at = CASE WHEN $2 = 'reverted' THEN now() ELSE reverted_at END
         WHERE id = $1",
        &[&id, &status, &failure],
    )
    .await?;
    Ok(())
}

/// Imports a node should be running: `running` and `reverting` ones.
pub async fn select_active_imports(c: &impl GenericClient) -> Result<Vec<(Uuid, Uuid)>, tokio_postgres::Error> {
    Ok(c.query(
        "SELECT id, workspace_id FROM imports WHERE status IN ('running', 'reverting') ORDER BY started_at",
        &[],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect())
}

/// A row a run did not import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    pub line: i64,
    /// `invalid` or `duplicate`.
    pub kind: &'static str,
    pub reason: String,
    pub column: Option<String>,
}

pub async fn insert_errors(c: &impl GenericClient, id: Uuid, issues: &[RowIssue]) -> Result<(), tokio_postgres::Error> {
    if issues.is_empty() {
        return Ok(());
    }
    let lines: Vec<i64> = issues.iter().map(|i| i.line).collect();
    let kinds: Vec<&str> = issues.iter().map(|i| i.kind).collect();
    let reasons: Vec<&str> = issues.iter().map(|i| i.reason.as_str()).collect();
    let columns: Vec<Option<&str>> = issues.iter().map(|i| i.column.as_deref()).collect();
    let stmt = c
        .prepare_cached(
            "INSERT INTO import_errors (import_id, line, kind, reason, column_name)
             SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[])
             ON CONFLICT (import_id, line) DO NOTHING",
        )
        .await?;
    c.execute(&stmt, &[&id, &lines, &kinds, &reasons, &columns]).await?;
    Ok(())
}

/// One page of an import's unimported rows, by line, and the total.
pub async fn select_errors(
    c: &impl GenericClient,
    id: Uuid,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RowIssue>, i64), tokio_postgres::Error> {
    let rows = c
        .query(
            "SELECT line, kind, reason, column_name FROM import_errors WHERE import_id = $1
             ORDER BY line OFFSET $2 LIMIT $3",
            &[&id, &offset, &limit],
        )
        .await?
        .iter()
        .map(|r| {
            let kind: String = r.get(1);
            RowIssue {
                line: r.get(0),
                kind: if kind == "duplicate" { "duplicate" } else { "invalid" },
                reason: r.get(2),
                column: r.get(3),
            }
        })
        .collect();
    let total = c.query_one("SELECT count(*) FROM import_errors WHERE import_id = $1", &[&id]).await?.get(0);
    Ok((rows, total))
}

/// A contact ready for COPY.
#[derive(Debug, Clone)]
pub struct ContactCopy {
    pub id: Uuid,
    pub values: ContactValues,
}

/// Writes contacts with binary COPY, tagged with the import. The
/// database's CHECKs (tag count and shape, name or email) and generated
/// search column apply as to any insert.
pub async fn copy_contacts<'a>(
    tx: &tokio_postgres::Transaction<'_>,
    workspace_id: Uuid,
    import_id: Uuid,
    rows: impl Iterator<Item = &'a ContactCopy>,
) -> Result<u64, tokio_postgres::Error> {
    let sink = tx
        .copy_in(
            "COPY contacts (id, workspace_id, first_name, last_name, email, phone, company_id, job_title, lead_source,
                            tags, owner_id, custom_fields, import_id) FROM STDIN BINARY",
        )
        .await?;
    let types = [
        Type::UUID,
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT_ARRAY,
        Type::UUID,
        Type::JSONB,
        Type::UUID,
    ];
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    for r in rows {
        let v = &r.values;
        let values: [&(dyn ToSql + Sync); 13] = [
            &r.id,
            &workspace_id,
            &v.first_name,
            &v.last_name,
            &v.email,
            &v.phone,
            &v.company_id,
            &v.job_title,
            &v.lead_source,
            &v.tags,
            &v.owner_id,
            &v.custom_fields,
            &import_id,
        ];
        writer.as_mut().write(&values).await?;
    }
    writer.finish().await
}

/// A company ready for COPY.
#[derive(Debug, Clone)]
pub struct CompanyCopy {
    pub id: Uuid,
    pub values: CompanyValues,
}

pub async fn copy_companies(
    tx: &tokio_postgres::Transaction<'_>,
    workspace_id: Uuid,
    import_id: Uuid,
    rows: &[CompanyCopy],
) -> Result<u64, tokio_postgres::Error> {
    let sink = tx
        .copy_in(
            "COPY companies (id, workspace_id, name, domain, industry, size, website, status, owner_id, renewal_date,
                             upsell_opportunity, metadata, custom_fields, import_id) FROM STDIN BINARY",
        )
        .await?;
    let types = [
        Type::UUID,
        Type::UUID,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::UUID,
        Type::DATE,
        Type::TEXT,
        Type::JSONB,
        Type::JSONB,
        Type::UUID,
    ];
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    for r in rows {
        let v = &r.values;
        let renewal: &Option<NaiveDate> = &v.renewal_date;
        let values: [&(dyn ToSql + Sync); 14] = [
            &r.id,
            &workspace_id,
            &v.name,
            &v.domain,
            &v.industry,
            &v.size,
            &v.website,
            &v.status,
            &v.owner_id,
            renewal,
            &v.upsell_opportunity,
            &v.metadata,
            &v.custom_fields,
            &import_id,
        ];
        writer.as_mut().write(&values).await?;
    }
    writer.finish().await
}

// The look-ups below are planned afresh on every call (no cached
// statement): during a bulk load the table grows from nothing, and a plan
// cached while it was empty would scan the whole workspace for every chunk.
// Their estimates come from the expression statistics of migration V15
// (the planner does not use a partial index's own), which the run
// refreshes as it goes, and a run prices index probes with
// random_page_cost 1.1 (see `imports::run`). The plan each of them falls
// back to without statistics reads the workspace once per chunk, never
// once per key.

/// Live contacts of the workspace with one of these (lowercase) emails:
/// (email, id, display name), the oldest per email.
pub async fn select_contacts_by_email(
    c: &impl GenericClient,
    workspace_id: Uuid,
    emails: &[String],
) -> Result<Vec<(String, Uuid, String)>, tokio_postgres::Error> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let sql = "SELECT DISTINCT ON (lower(email)) lower(email), id,
             coalesce(NULLIF(trim(concat_ws(' ', first_name, last_name)), ''), email, '')
         FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(email) = ANY($2)
         ORDER BY lower(email), created_at, id";
    Ok(c.query(sql, &[&workspace_id, &emails]).await?.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// Live companies of the workspace with one of these (lowercase) names:
/// (lowercase name, id, name), the oldest per name.
pub async fn select_companies_by_name(
    c: &impl GenericClient,
    workspace_id: Uuid,
    names: &[String],
) -> Result<Vec<(String, Uuid, String)>, tokio_postgres::Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let sql = "SELECT DISTINCT ON (lower(name)) lower(name), id, name
         FROM companies WHERE workspace_id = $1 AND deleted_at IS NULL AND lower(name) = ANY($2)
         ORDER BY lower(name), created_at, id";
    Ok(c.query(sql, &[&workspace_id, &names]).await?.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// Live companies of the workspace with one of these (lowercase) domains.
pub async fn select_companies_by_domain(
    c: &impl GenericClient,
    workspace_id: Uuid,
    domains: &[String],
) -> Result<Vec<(String, Uuid)>, tokio_postgres::Error> {
    lookup(c, "companies", "domain", workspace_id, domains).await
}

/// (lowercase key, id) of the oldest live row of `table` whose
/// `lower(column)` is each key.
async fn lookup(
    c: &impl GenericClient,
    table: &str,
    column: &str,
    workspace_id: Uuid,
    keys: &[String],
) -> Result<Vec<(String, Uuid)>, tokio_postgres::Error> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT DISTINCT ON (lower({column})) lower({column}), id
         FROM {table} WHERE workspace_id = $1 AND deleted_at IS NULL AND lower({column}) = ANY($2)
         ORDER BY lower({column}), created_at, id"
    );
    Ok(c.query(&sql, &[&workspace_id, &keys]).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Creates companies by name (for contacts and deals that name one the
/// workspace does not have yet), tagged with the import. Returns how
/// many were created.
pub async fn insert_companies_by_name<'a>(
    c: &impl GenericClient,
    workspace_id: Uuid,
    import_id: Uuid,
    owner_id: Option<Uuid>,
    rows: impl IntoIterator<Item = (Uuid, &'a str)>,
) -> Result<u64, tokio_postgres::Error> {
    let (ids, names): (Vec<Uuid>, Vec<&str>) = rows.into_iter().unzip();
    if ids.is_empty() {
        return Ok(0);
    }
    c.execute(
        "INSERT INTO companies (id, workspace_id, name, owner_id, import_id)
         SELECT x.id, $1, x.name, $3, $4 FROM unnest($2::uuid[], $5::text[]) AS x(id, name)",
        &[&workspace_id, &ids, &owner_id, &import_id, &names],
    )
    .await
}

/// Live leads of the workspace with one of these (lowercase) emails.
pub async fn select_leads_by_email(
    c: &impl GenericClient,
    workspace_id: Uuid,
    emails: &[String],
) -> Result<Vec<(String, Uuid)>, tokio_postgres::Error> {
    lookup(c, "leads", "email", workspace_id, emails).await
}

/// Live deals of the workspace with one of these (lowercase) titles.
pub async fn select_deals_by_title(
    c: &impl GenericClient,
    workspace_id: Uuid,
    titles: &[String],
) -> Result<Vec<(String, Uuid)>, tokio_postgres::Error> {
    lookup(c, "deals", "title", workspace_id, titles).await
}

/// Soft-deletes up to `limit` live rows of `table` (`contacts` or
/// `companies`) created by the import; returns how many.
pub async fn delete_imported(
    c: &impl GenericClient,
    table: &str,
    workspace_id: Uuid,
    import_id: Uuid,
    limit: i64,
) -> Result<u64, tokio_postgres::Error> {
    let table = if table == "companies" { "companies" } else { "contacts" };
    let sql = format!(
        "UPDATE {table} SET deleted_at = now(), version = version + 1, updated_at = now()
         WHERE id IN (SELECT id FROM {table} WHERE workspace_id = $1 AND import_id = $2 AND deleted_at IS NULL
                      LIMIT $3)"
    );
    c.execute(&sql, &[&workspace_id, &import_id, &limit]).await
}

/// Up to `limit` live deals or leads (`table`) created by the import.
pub async fn select_imported_ids(
    c: &impl GenericClient,
    table: &str,
    workspace_id: Uuid,
    import_id: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>, tokio_postgres::Error> {
    let table = if table == "deals" { "deals" } else { "leads" };
    let sql = format!(
        "SELECT id FROM {table} WHERE workspace_id = $1 AND import_id = $2 AND deleted_at IS NULL ORDER BY id LIMIT $3"
    );
    Ok(c.query(&sql, &[&workspace_id, &import_id, &limit]).await?.iter().map(|r| r.get(0)).collect())
}

/// Live members of the workspace: (user id, lowercase email, lowercase name).
pub async fn select_member_directory(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<Vec<(Uuid, String, String)>, tokio_postgres::Error> {
    Ok(c.query(
        "SELECT u.id, lower(u.email), lower(u.name) FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND m.status = 'active'",
        &[&workspace_id],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect())
}
