//! Data cleanup: the go-live checklist's counts, duplicate groups, and the
//! relinking and soft deletes of a merge. Deals are read here from their
//! committed rows (the workspace actor writes each batch before it changes
//! memory); they are only ever changed through the actor.

use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// A table column that points at a merged record and moves to the kept
/// one. Orders will add `("orders", "contact_id")`, `("orders",
/// "company_id")` and `("orders", "deal_id")` here when they exist.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub table: &'static str,
    pub column: &'static str,
}

/// What points at a contact (deals and lead conversions are the actor's).
pub const CONTACT_LINKS: &[Link] = &[Link { table: "activities", column: "contact_id" }];
/// What points at a company, besides its contacts (moved with their own
/// versions and events) and the actor's deals and lead conversions.
pub const COMPANY_LINKS: &[Link] = &[Link { table: "activities", column: "company_id" }];

/// Waits for, then holds until the transaction ends, the workspace's merge
/// lock: merges in a workspace run one at a time (see `crm::cleanup`). A
/// waiter holds a pooled connection, so it waits at most 5 s: then the
/// error is `lock_not_available` (SQLSTATE 55P03).
pub async fn lock_merges(c: &impl GenericClient, workspace_id: Uuid) -> Result<(), tokio_postgres::Error> {
    c.batch_execute("SET LOCAL lock_timeout = '5s'").await?;
    c.execute("SELECT pg_advisory_xact_lock(hashtextextended('pulse-merge:' || $1::uuid::text, 0))", &[&workspace_id])
        .await?;
    c.batch_execute("SET LOCAL lock_timeout TO DEFAULT").await?;
    Ok(())
}

/// Points `link` at `to` wherever it names one of `from`; returns how many
/// rows moved.
pub async fn update_links(
    c: &impl GenericClient,
    workspace_id: Uuid,
    link: Link,
    from: &[Uuid],
    to: Uuid,
) -> Result<u64, tokio_postgres::Error> {
    // `link` is one of the constants above, never input.
    let sql = format!(
        "UPDATE {table} SET {column} = $3 WHERE workspace_id = $1 AND {column} = ANY($2)",
        table = link.table,
        column = link.column
    );
    c.execute(&sql, &[&workspace_id, &from, &to]).await
}

/// Live rows of `table` (`contacts` or `companies`) among `ids`, locked
/// until the transaction ends; returns the ids found.
pub async fn lock_live(
    c: &impl GenericClient,
    workspace_id: Uuid,
    table: RecordTable,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT id FROM {} WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL ORDER BY id FOR UPDATE",
        table.name()
    );
    Ok(c.query(&sql, &[&workspace_id, &ids]).await?.iter().map(|r| r.get(0)).collect())
}

/// The two tables whose rows are merged by the server.
#[derive(Debug, Clone, Copy)]
pub enum RecordTable {
    Contacts,
    Companies,
}

impl RecordTable {
    fn name(self) -> &'static str {
        match self {
            RecordTable::Contacts => "contacts",
            RecordTable::Companies => "companies",
        }
    }
}

/// Moves the contacts (deleted ones too) of companies `from` to company
/// `to`, bumping their versions; returns the live ones moved.
pub async fn update_contacts_company(
    c: &impl GenericClient,
    workspace_id: Uuid,
    from: &[Uuid],
    to: Uuid,
) -> Result<Vec<Uuid>, tokio_postgres::Error> {
    let rows = c
        .query(
            "UPDATE contacts SET company_id = $3, version = version + 1, updated_at = now()
             WHERE workspace_id = $1 AND company_id = ANY($2) RETURNING id, deleted_at IS NULL",
            &[&workspace_id, &from, &to],
        )
        .await?;
    Ok(rows.iter().filter(|r| r.get::<_, bool>(1)).map(|r| r.get(0)).collect())
}

/// Soft-deletes live companies.
pub async fn delete_companies(
    c: &impl GenericClient,
    workspace_id: Uuid,
    ids: &[Uuid],
) -> Result<u64, tokio_postgres::Error> {
    c.execute(
        "UPDATE companies SET deleted_at = now(), version = version + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        &[&workspace_id, &ids],
    )
    .await
}

/// How many activities are linked to these deals (a deal merge moves
/// them, in the workspace actor's transaction: `pulse_actors::activities`).
pub async fn count_deal_activities(
    c: &impl GenericClient,
    workspace_id: Uuid,
    deals: &[Uuid],
) -> Result<u64, tokio_postgres::Error> {
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM activities WHERE workspace_id = $1 AND deal_id = ANY($2)",
            &[&workspace_id, &deals],
        )
        .await?
        .get(0);
    Ok(u64::try_from(n).unwrap_or_default())
}

/// How a record's display name is computed for deals and leads (as in
/// `deals::contact_link`).
pub async fn select_contact_display_name(
    c: &impl GenericClient,
    workspace_id: Uuid,
    id: Uuid,
) -> Result<Option<String>, tokio_postgres::Error> {
    let row = c
        .query_opt(
            "SELECT coalesce(NULLIF(trim(concat_ws(' ', first_name, last_name)), ''), email, '')
             FROM contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[&workspace_id, &id],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Which duplicates: the record family and the key that groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateKind {
    /// Live contacts with the same email, compared case-insensitively.
    ContactEmail,
    /// Live companies with the same domain, case-insensitively and with a
    /// leading `www.` ignored.
    CompanyDomain,
    /// Live companies with the same name once lowercased, punctuation made
    /// spaces and a trailing legal form (Inc, LLC, Ltd, GmbH...) dropped.
    CompanyName,
    /// Live deals of the same contact with the same title (case and runs of
    /// spaces ignored).
    DealContactTitle,
}

impl DuplicateKind {
    /// The name in the API (`by` of a group).
    pub fn name(self) -> &'static str {
        match self {
            DuplicateKind::ContactEmail => "email",
            DuplicateKind::CompanyDomain => "domain",
            DuplicateKind::CompanyName => "name",
            DuplicateKind::DealContactTitle => "contact_title",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            DuplicateKind::ContactEmail,
            DuplicateKind::CompanyDomain,
            DuplicateKind::CompanyName,
            DuplicateKind::DealContactTitle,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }

    /// `(key, id, created_at, record)` of every live record that has a key.
    fn keyed(self) -> &'static str {
        match self {
            DuplicateKind::ContactEmail => {
                "SELECT lower(email) AS key, id, created_at,
                        jsonb_build_object('id', id,
                            'name', coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email),
                            'detail', email, 'created_at', created_at) AS record
                 FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND email IS NOT NULL"
            }
            DuplicateKind::CompanyDomain => {
                r"SELECT regexp_replace(lower(domain), '^www\.', '') AS key, id, created_at,
                        jsonb_build_object('id', id, 'name', name, 'detail', domain, 'created_at', created_at) AS record
                 FROM companies WHERE workspace_id = $1 AND deleted_at IS NULL AND domain IS NOT NULL"
            }
            DuplicateKind::CompanyName => {
                r"SELECT btrim(regexp_replace(regexp_replace(lower(name), '[^[:alnum:]]+', ' ', 'g'),
                            '( (inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|company|plc|sa|ag|bv|srl|sarl|oy|ab|pty))+ *$',
                            '')) AS key, id, created_at,
                        jsonb_build_object('id', id, 'name', name, 'detail', domain, 'created_at', created_at) AS record
                 FROM companies WHERE workspace_id = $1 AND deleted_at IS NULL"
            }
            DuplicateKind::DealContactTitle => {
                r"SELECT d.contact_id::text || ' ' || lower(btrim(regexp_replace(d.title, '\s+', ' ', 'g'))) AS key,
                        d.id, d.created_at,
                        jsonb_build_object('id', d.id, 'name', d.title,
                            'detail', coalesce(nullif(btrim(ct.first_name || ' ' || ct.last_name), ''), ct.email),
                            'created_at', d.created_at) AS record
                 FROM deals d LEFT JOIN contacts ct ON ct.workspace_id = d.workspace_id AND ct.id = d.contact_id
                 WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.contact_id IS NOT NULL"
            }
        }
    }
}

/// A group of records that share a key, oldest first.
#[derive(Debug, Clone)]
pub struct DuplicateGroupRow {
    pub kind: DuplicateKind,
    pub key: String,
    pub count: i64,
    /// The oldest `MEMBERS` records: `{id, name, detail, created_at}`.
    pub records: Vec<serde_json::Value>,
}

/// Most records listed per group (`count` has them all).
pub const MEMBERS: i64 = 50;

/// Lets this transaction's grouping run in memory: finding duplicates
/// groups every record of a family (a million contacts), which the
/// default `work_mem` (4 MB) would sort on disk. Owners and managers run
/// these reads now and then.
pub async fn raise_work_mem(c: &impl GenericClient) -> Result<(), tokio_postgres::Error> {
    c.batch_execute("SET LOCAL work_mem = '64MB'").await
}

/// Groups of `kind` with a key above `after`, by key, at most `limit`.
/// Two steps: the groups, hashed over every record (an ordered index
/// scan would visit every row's heap page when duplicates are rare), then
/// the first `MEMBERS` records of the page's groups by id.
pub async fn select_duplicate_groups(
    c: &impl GenericClient,
    workspace_id: Uuid,
    kind: DuplicateKind,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<DuplicateGroupRow>, tokio_postgres::Error> {
    let groups = format!(
        "WITH groups AS MATERIALIZED (
             SELECT key, count(*) AS n, array_agg(id) AS ids FROM ({keyed}) k
             WHERE key <> '' AND ($2::text IS NULL OR key > $2)
             GROUP BY key HAVING count(*) > 1)
         SELECT key, n, ids FROM groups ORDER BY key LIMIT $3",
        keyed = kind.keyed()
    );
    let rows = c.query(&groups, &[&workspace_id, &after, &limit]).await?;
    let mut out: Vec<DuplicateGroupRow> =
        rows.iter().map(|r| DuplicateGroupRow { kind, key: r.get(0), count: r.get(1), records: Vec::new() }).collect();
    let ids: Vec<Uuid> = rows.iter().flat_map(|r| r.get::<_, Vec<Uuid>>(2)).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let members = format!(
        "SELECT key, record FROM (
             SELECT k.key, k.record, row_number() OVER (PARTITION BY k.key ORDER BY k.created_at, k.id) AS r
             FROM ({keyed}) k WHERE k.id = ANY($2)) m
         WHERE r <= {MEMBERS} ORDER BY key, r",
        keyed = kind.keyed()
    );
    for r in c.query(&members, &[&workspace_id, &ids]).await? {
        let key: String = r.get(0);
        if let Some(g) = out.iter_mut().find(|g| g.key == key) {
            g.records.push(r.get(1));
        }
    }
    Ok(out)
}

/// How many groups of `kind` there are.
pub async fn count_duplicate_groups(
    c: &impl GenericClient,
    workspace_id: Uuid,
    kind: DuplicateKind,
) -> Result<i64, tokio_postgres::Error> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT key FROM ({}) k WHERE key <> '' GROUP BY key HAVING count(*) > 1) g",
        kind.keyed()
    );
    Ok(c.query_one(&sql, &[&workspace_id]).await?.get(0))
}

/// Ids listed with each checklist item.
pub const SAMPLE: i64 = 10;

/// One checklist count: live records matching `item`, and up to
/// [`SAMPLE`] of their ids (oldest first).
pub async fn count_checklist_item(
    c: &impl GenericClient,
    workspace_id: Uuid,
    item: ChecklistQuery,
) -> Result<(i64, Vec<Uuid>), tokio_postgres::Error> {
    let (from, order) = match item {
        ChecklistQuery::ContactsWithoutEmail => {
            ("contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND email IS NULL", "created_at, id")
        }
        ChecklistQuery::ContactsWithoutName => (
            "contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND first_name = '' AND last_name = ''",
            "created_at, id",
        ),
        ChecklistQuery::LostDealsWithoutReason => (
            "deals d JOIN stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
             WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND s.kind = 'lost'
               AND coalesce(btrim(d.lost_reason), '') = ''",
            "d.created_at, d.id",
        ),
    };
    let id = if matches!(item, ChecklistQuery::LostDealsWithoutReason) { "d.id" } else { "id" };
    let count: i64 = c.query_one(&format!("SELECT count(*) FROM {from}"), &[&workspace_id]).await?.get(0);
    let ids = c
        .query(&format!("SELECT {id} FROM {from} ORDER BY {order} LIMIT {SAMPLE}"), &[&workspace_id])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok((count, ids))
}

/// The checklist items that are a plain count of records.
#[derive(Debug, Clone, Copy)]
pub enum ChecklistQuery {
    ContactsWithoutEmail,
    ContactsWithoutName,
    LostDealsWithoutReason,
}
