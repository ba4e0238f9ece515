//! CSV exports of the lists: contacts, companies and activities read from
//! PostgreSQL in keyset pages, deals and leads from the workspace actor's
//! memory (where they live), every one streamed to the client a page at a
//! time with the same filters as its list.
//!
//! Contract:
//! - RFC 4180: comma-separated, CRLF line ends, a field holding a comma, a
//!   double quote, CR or LF is quoted and its quotes doubled. The body
//!   starts with a UTF-8 byte order mark so that spreadsheet programs read
//!   it as UTF-8 (Excel does not without it); CSV libraries skip it.
//! - Spreadsheet formula injection is neutralised (OWASP, "CSV Injection"):
//!   a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
//!   written with a leading `'`, so a spreadsheet shows it as text instead
//!   of evaluating it. Negative numbers never occur in these columns; a
//!   phone number such as `+1 555` is shown as `'+1 555`.
//! - Every matching record is exported, oldest first (ids are time-ordered
//!   UUIDv7s); the list's `page`, `limit`, `offset`, `sort` and `order`
//!   are accepted, so a list's query string can be reused, and ignored.
//! - Custom fields are extra columns `cf.<key>`, one per definition of the
//!   workspace (in their order); a multi-select's values are joined with
//!   `; `, as are tags.
//! - Audit: `export.started` (the list and its filter) is written before
//!   the first byte, so no export leaves unrecorded; `export.finished`
//!   (rows and `complete`) when the stream ends, or when it stops early
//!   (the client went away or a page failed), with the rows sent so far
//!   and `complete: false`.
//! - Contacts, companies and activities are read a page ([`PAGE`] rows)
//!   at a time by id (`id > last`), each page on a pooled connection taken
//!   for that page only, so memory does not grow with the list and a slow
//!   client holds no connection. A record created during the export after
//!   the last page was read is not in it; one deleted before its page is
//!   read is left out. Deals and leads are one consistent snapshot from the
//!   workspace actor, which holds them all in memory anyway; they are
//!   encoded a page at a time.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use deadpool_postgres::Pool;
use futures_util::stream::Stream;
use pulse_actors::deals::{DealView, Pipeline};
use pulse_actors::leads::LeadView;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Actor;
use crate::db;
use crate::db::activities::{ActivityFilter, ActivityRow};
use crate::db::audit::{insert_audit, AuditEntry, Origin};
use crate::db::companies::{CompanyFilter, CompanyRow};
use crate::db::contacts::{ContactFilter, ContactRow};
use crate::error::ApiError;
use crate::state::AppState;

/// Rows per page read from PostgreSQL, and per chunk sent.
pub const PAGE: i64 = 500;

/// The byte order mark the body starts with.
const BOM: &str = "\u{feff}";

/// Which list is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    Contacts,
    Companies,
    Activities,
    Deals,
    Leads,
}

impl ExportList {
    /// The list's name: the file name's start and the audit entry's `list`.
    pub fn name(self) -> &'static str {
        match self {
            ExportList::Contacts => "contacts",
            ExportList::Companies => "companies",
            ExportList::Activities => "activities",
            ExportList::Deals => "deals",
            ExportList::Leads => "leads",
        }
    }

    /// The custom field entity of its records, if they have custom fields.
    fn custom_entity(self) -> Option<&'static str> {
        match self {
            ExportList::Contacts => Some("contact"),
            ExportList::Companies => Some("company"),
            ExportList::Deals => Some("deal"),
            ExportList::Leads => Some("lead"),
            ExportList::Activities => None,
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            ExportList::Contacts => &[
                "id",
                "first_name",
                "last_name",
                "name",
                "email",
                "phone",
                "company_id",
                "company_name",
                "job_title",
                "lead_source",
                "tags",
                "owner_id",
                "owner_email",
                "created_at",
                "updated_at",
            ],
            ExportList::Companies => &[
                "id",
                "name",
                "domain",
                "industry",
                "size",
                "website",
                "status",
                "owner_id",
                "owner_email",
                "renewal_date",
                "upsell_opportunity",
                "metadata",
                "created_at",
                "updated_at",
            ],
            ExportList::Activities => &[
                "id",
                "type",
                "subject",
                "body",
                "priority",
                "due_at",
                "duration_minutes",
                "direction",
                "assignee_id",
                "assignee_email",
                "author_user_id",
                "author_email",
                "author_token_id",
                "contact_id",
                "company_id",
                "deal_id",
                "lead_id",
                "completed_at",
                "created_at",
                "updated_at",
            ],
            ExportList::Deals => &[
                "id",
                "title",
                "pipeline_id",
                "pipeline",
                "stage_id",
                "stage",
                "stage_kind",
                "amount",
                "currency",
                "probability",
                "weighted",
                "expected_close_date",
                "next_action",
                "next_action_date",
                "owner_id",
                "owner_email",
                "contact_id",
                "contact_name",
                "company_id",
                "company_name",
                "tags",
                "lost_reason",
                "won_at",
                "lost_at",
                "stale",
                "at_risk",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
            ExportList::Leads => &[
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "company_name",
                "company_size",
                "job_title",
                "estimated_value",
                "source",
                "status",
                "score",
                "band",
                "owner_id",
                "owner_email",
                "next_action",
                "next_action_date",
                "notes",
                "tags",
                "converted_contact_id",
                "converted_company_id",
                "converted_deal_id",
                "converted_at",
                "created_at",
                "updated_at",
            ],
        }
    }
}

/// Whether a spreadsheet would read `v` as a formula (OWASP's list).
fn formula_like(v: &str) -> bool {
    matches!(v.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// Appends one field: neutralised when it looks like a formula, quoted
/// when RFC 4180 requires it.
pub fn push_cell(out: &mut String, v: &str) {
    let guard = if formula_like(v) { "'" } else { "" };
    if v.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(guard);
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(guard);
        out.push_str(v);
    }
}

/// Appends one record and its CRLF.
pub fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, c.as_ref());
    }
    out.push_str("\r\n");
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn text(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn id(u: Option<Uuid>) -> String {
    u.map(|u| u.to_string()).unwrap_or_default()
}

/// A custom field value as one cell.
fn custom_cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| custom_cell(Some(i))).collect::<Vec<_>>().join("; "),
        Some(other) => other.to_string(),
    }
}

/// Where the rows come from, and how far the export got.
enum Source {
    Contacts {
        filter: ContactFilter,
        after: Option<Uuid>,
    },
    Companies {
        filter: CompanyFilter,
        after: Option<Uuid>,
    },
    Activities {
        filter: ActivityFilter,
        after: Option<Uuid>,
    },
    /// A snapshot from the workspace actor.
    Deals(VecDeque<DealView>),
    Leads(VecDeque<LeadView>),
}

/// One page of records, before encoding.
enum Page {
    Contacts(Vec<ContactRow>),
    Companies(Vec<CompanyRow>),
    Activities(Vec<ActivityRow>),
    Deals(Vec<DealView>),
    Leads(Vec<LeadView>),
}

/// The rows an export reads: its list's filter, or a snapshot of deals or
/// leads.
pub struct Rows {
    source: Source,
    /// Pipeline and stage names by stage id (deals).
    stages: HashMap<Uuid, (String, String)>,
}

impl Rows {
    fn of(source: Source) -> Self {
        Rows { source, stages: HashMap::new() }
    }

    pub fn contacts(filter: ContactFilter) -> Self {
        Rows::of(Source::Contacts { filter, after: None })
    }

    pub fn companies(filter: CompanyFilter) -> Self {
        Rows::of(Source::Companies { filter, after: None })
    }

    pub fn activities(filter: ActivityFilter) -> Self {
        Rows::of(Source::Activities { filter, after: None })
    }

    /// Deals from the actor, and the pipelines that name their stages.
    pub fn deals(deals: Vec<DealView>, pipelines: &[Pipeline]) -> Self {
        let stages = pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(move |s| (s.id, (p.name.clone(), s.name.clone()))))
            .collect();
        Rows { source: Source::Deals(deals.into()), stages }
    }

    pub fn leads(leads: Vec<LeadView>) -> Self {
        Rows::of(Source::Leads(leads.into()))
    }
}

/// An export in progress: the state of the stream.
pub struct Export {
    pool: Pool,
    workspace_id: Uuid,
    actor: Actor,
    from: Origin,
    list: ExportList,
    /// The query string's pairs as given, for the audit entries.
    filter: Value,
    /// Member emails by user id, for the `*_email` columns.
    emails: HashMap<Uuid, String>,
    /// Custom field keys, in the definitions' order.
    custom: Vec<String>,
    rows: Source,
    stages: HashMap<Uuid, (String, String)>,
    header_sent: bool,
    sent: u64,
    /// `export.finished` was written (or attempted).
    finished: bool,
}

/// Prepares an export: reads what every page needs (member emails, custom
/// field keys) and writes `export.started`. Nothing is sent when this
/// fails.
pub async fn start(
    state: &AppState,
    workspace_id: Uuid,
    actor: Actor,
    from: Origin,
    list: ExportList,
    query: &[(String, String)],
    rows: Rows,
) -> Result<Export, ApiError> {
    let client = state.db().await?;
    let emails =
        db::members::select_members(&client, workspace_id).await?.into_iter().map(|m| (m.user_id, m.email)).collect();
    let custom = match list.custom_entity() {
        Some(entity) => db::custom_fields::select_field_definitions(&client, workspace_id, Some(entity))
            .await?
            .into_iter()
            .map(|d| d.key)
            .collect(),
        None => Vec::new(),
    };
    // The filter is audited as given, except that a NUL (which a list's
    // text filter may hold, and PostgreSQL cannot store) is recorded as
    // U+FFFD.
    let text = |s: &str| Value::from(s.replace('\0', "\u{fffd}"));
    let filter = Value::Array(query.iter().map(|(k, v)| Value::Array(vec![text(k), text(v)])).collect());
    let details = serde_json::json!({ "list": list.name(), "filter": filter });
    insert_audit(&client, &AuditEntry::new(Some(workspace_id), Some(actor), "export.started").details(details), &from)
        .await?;
    Ok(Export {
        pool: state.pool.clone(),
        workspace_id,
        actor,
        from,
        list,
        filter,
        emails,
        custom,
        rows: rows.source,
        stages: rows.stages,
        header_sent: false,
        sent: 0,
        finished: false,
    })
}

impl Export {
    /// The body: the export's chunks, one page each.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, ApiError>> + 'static {
        futures_util::stream::try_unfold(self, |mut e| async move {
            match e.next_chunk().await? {
                Some(chunk) => Ok(Some((chunk, e))),
                None => Ok(None),
            }
        })
    }

    fn email(&self, user: Option<Uuid>) -> String {
        user.and_then(|u| self.emails.get(&u).cloned()).unwrap_or_default()
    }

    fn custom_cells(&self, values: &Value, cells: &mut Vec<String>) {
        for k in &self.custom {
            cells.push(custom_cell(values.get(k)));
        }
    }

    /// The next chunk of CSV, or `None` after the last one (when
    /// `export.finished` is written).
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, ApiError> {
        let mut out = String::new();
        if !self.header_sent {
            self.header_sent = true;
            out.push_str(BOM);
            let mut header: Vec<String> = self.list.columns().iter().map(|c| (*c).to_owned()).collect();
            header.extend(self.custom.iter().map(|k| format!("cf.{k}")));
            push_row(&mut out, &header);
            return Ok(Some(Bytes::from(out)));
        }
        let n = self.page(&mut out).await?;
        if n == 0 {
            self.finish(true, None).await;
            return Ok(None);
        }
        self.sent += n;
        Ok(Some(Bytes::from(out)))
    }

    /// Reads the next page.
    async fn fetch(&mut self) -> Result<Page, ApiError> {
        let ws = self.workspace_id;
        let take = |n: usize| n.min(PAGE as usize);
        Ok(match &mut self.rows {
            Source::Contacts { filter, after } => {
                let client = self.pool.get().await?;
                let page = db::contacts::select_contacts_after(&client, ws, filter, *after, PAGE).await?;
                *after = page.last().map(|r| r.id).or(*after);
                Page::Contacts(page)
            }
            Source::Companies { filter, after } => {
                let client = self.pool.get().await?;
                let page = db::companies::select_companies_after(&client, ws, filter, *after, PAGE).await?;
                *after = page.last().map(|r| r.id).or(*after);
                Page::Companies(page)
            }
            Source::Activities { filter, after } => {
                let client = self.pool.get().await?;
                let page = db::activities::select_activities_after(&client, ws, filter, *after, PAGE).await?;
                *after = page.last().map(|r| r.id).or(*after);
                Page::Activities(page)
            }
            Source::Deals(items) => Page::Deals(items.drain(..take(items.len())).collect()),
            Source::Leads(items) => Page::Leads(items.drain(..take(items.len())).collect()),
        })
    }

    /// Encodes the next page into `out`; returns how many records.
    async fn page(&mut self, out: &mut String) -> Result<u64, ApiError> {
        let page = self.fetch().await?;
        let rows: Vec<Vec<String>> = match &page {
            Page::Contacts(v) => v.iter().map(|r| self.contact_cells(r)).collect(),
            Page::Companies(v) => v.iter().map(|r| self.company_cells(r)).collect(),
            Page::Activities(v) => v.iter().map(|r| self.activity_cells(r)).collect(),
            Page::Deals(v) => v.iter().map(|d| self.deal_cells(d)).collect(),
            Page::Leads(v) => v.iter().map(|l| self.lead_cells(l)).collect(),
        };
        for r in &rows {
            push_row(out, r);
        }
        Ok(rows.len() as u64)
    }

    fn contact_cells(&self, r: &ContactRow) -> Vec<String> {
        let full = format!("{} {}", r.first_name, r.last_name).trim().to_owned();
        let name = if full.is_empty() { text(&r.email) } else { full };
        let mut c = vec![
            r.id.to_string(),
            r.first_name.clone(),
            r.last_name.clone(),
            name,
            text(&r.email),
            text(&r.phone),
            id(r.company_id),
            text(&r.company_name),
            text(&r.job_title),
            text(&r.lead_source),
            r.tags.join("; "),
            id(r.owner_id),
            self.email(r.owner_id),
            time(Some(r.created_at)),
            time(Some(r.updated_at)),
        ];
        self.custom_cells(&r.custom_fields, &mut c);
        c
    }

    fn company_cells(&self, r: &CompanyRow) -> Vec<String> {
        let mut c = vec![
            r.id.to_string(),
            r.name.clone(),
            text(&r.domain),
            text(&r.industry),
            text(&r.size),
            text(&r.website),
            r.status.clone(),
            id(r.owner_id),
            self.email(r.owner_id),
            date(r.renewal_date),
            text(&r.upsell_opportunity),
            r.metadata.to_string(),
            time(Some(r.created_at)),
            time(Some(r.updated_at)),
        ];
        self.custom_cells(&r.custom_fields, &mut c);
        c
    }

    fn activity_cells(&self, r: &ActivityRow) -> Vec<String> {
        vec![
            r.id.to_string(),
            r.kind.clone(),
            r.subject.clone(),
            r.body.clone(),
            r.priority.clone(),
            time(r.due_at),
            r.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            text(&r.direction),
            id(r.assignee_id),
            self.email(r.assignee_id),
            id(r.author_user_id),
            self.email(r.author_user_id),
            id(r.author_token_id),
            id(r.contact_id),
            id(r.company_id),
            id(r.deal_id),
            id(r.lead_id),
            time(r.completed_at),
            time(Some(r.created_at)),
            time(Some(r.updated_at)),
        ]
    }

    fn deal_cells(&self, v: &DealView) -> Vec<String> {
        let d = &v.deal;
        let (pipeline, stage) = self.stages.get(&d.stage_id).cloned().unwrap_or_default();
        let mut c = vec![
            d.id.to_string(),
            d.title.clone(),
            d.pipeline_id.to_string(),
            pipeline,
            d.stage_id.to_string(),
            stage,
            v.stage_kind.as_str().to_owned(),
            d.amount.to_string(),
            d.currency.clone(),
            v.probability.to_string(),
            v.weighted.to_string(),
            date(d.expected_close_date),
            text(&d.next_action),
            date(d.next_action_date),
            id(d.owner_id),
            self.email(d.owner_id),
            id(d.contact_id),
            text(&d.contact_name),
            id(d.company_id),
            text(&d.company_name),
            d.tags.join("; "),
            text(&d.lost_reason),
            time(d.won_at),
            time(d.lost_at),
            v.flags.stale.to_string(),
            v.flags.at_risk.to_string(),
            time(Some(d.created_at)),
            time(Some(d.updated_at)),
            time(d.deleted_at),
        ];
        self.custom_cells(&d.custom_fields, &mut c);
        c
    }

    fn lead_cells(&self, v: &LeadView) -> Vec<String> {
        let l = &v.lead;
        let conv = l.converted.as_ref();
        let mut c = vec![
            l.id.to_string(),
            l.first_name.clone(),
            l.last_name.clone(),
            text(&l.email),
            text(&l.phone),
            text(&l.company_name),
            text(&l.company_size),
            text(&l.job_title),
            l.estimated_value.map(|e| e.to_string()).unwrap_or_default(),
            l.source.clone(),
            l.status.as_str().to_owned(),
            l.score.to_string(),
            v.band.as_str().to_owned(),
            id(l.owner_id),
            self.email(l.owner_id),
            text(&l.next_action),
            date(l.next_action_date),
            text(&l.notes),
            l.tags.join("; "),
            id(conv.map(|c| c.contact_id)),
            id(conv.and_then(|c| c.company_id)),
            id(conv.map(|c| c.deal_id)),
            time(conv.map(|c| c.at)),
            time(Some(l.created_at)),
            time(Some(l.updated_at)),
        ];
        self.custom_cells(&l.custom_fields, &mut c);
        c
    }

    /// Writes `export.finished`. A failure is logged: the rows are sent
    /// already, and `export.started` names the export.
    async fn finish(&mut self, complete: bool, reason: Option<&str>) {
        self.finished = true;
        let entry = self.finished_entry(complete, reason);
        let result = async {
            let client = self.pool.get().await.map_err(ApiError::from)?;
            insert_audit(&client, &entry, &self.from).await.map_err(ApiError::from)
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(workspace = %self.workspace_id, error = %e, "could not record the end of an export");
        }
    }

    fn finished_entry(&self, complete: bool, reason: Option<&str>) -> AuditEntry {
        let mut details = serde_json::json!({
            "list": self.list.name(), "filter": self.filter, "rows": self.sent, "complete": complete,
        });
        if let (Some(r), Some(map)) = (reason, details.as_object_mut()) {
            map.insert("reason".into(), Value::from(r));
        }
        AuditEntry::new(Some(self.workspace_id), Some(self.actor), "export.finished").details(details)
    }
}

impl Drop for Export {
    /// A stream dropped before its end (the client went away, or a page
    /// failed) still gets its `export.finished`, with the rows sent so far.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        let entry = self.finished_entry(false, Some("the export stopped before its end"));
        let (pool, from, ws) = (self.pool.clone(), self.from.clone(), self.workspace_id);
        rt.spawn(async move {
            let result = async {
                let client = pool.get().await.map_err(ApiError::from)?;
                insert_audit(&client, &entry, &from).await.map_err(ApiError::from)
            }
            .await;
            if let Err(e) = result {
                tracing::warn!(workspace = %ws, error = %e, "could not record an interrupted export");
            }
        });
    }
}

/// The file name offered to the browser: `contacts-20261124-065309.csv`.
pub fn file_name(list: ExportList, now: DateTime<Utc>) -> String {
    format!("{}-{}.csv", list.name(), now.format("%Y%m%d-%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_per_rfc_4180_and_formulas_are_neutralised() {
        let cases = [
            ("plain", "plain", "nothing to do"),
            ("", "", "empty"),
            ("a,b", "\"a,b\"", "a comma is quoted"),
            ("say \"hi\"", "\"say \"\"hi\"\"\"", "quotes are doubled inside quotes"),
            ("two\nlines", "\"two\nlines\"", "a newline is quoted"),
            ("cr\rhere", "\"cr\rhere\"", "a carriage return is quoted"),
            ("=1+1", "'=1+1", "a formula is text"),
            ("+1 555 0100", "'+1 555 0100", "a leading plus"),
            ("-2", "'-2", "a leading minus"),
            ("@SUM(A1)", "'@SUM(A1)", "a leading at"),
            ("\tx", "'\tx", "a leading tab"),
            ("\rx", "\"'\rx\"", "a leading carriage return, quoted too"),
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "a formula with quotes"),
            ("a=b", "a=b", "an equals sign inside is harmless"),
            ("Ünïcødé ✓", "Ünïcødé ✓", "UTF-8 passes through"),
        ];
        for (input, want, what) in cases {
            let mut out = String::new();
            push_cell(&mut out, input);
            assert_eq!(out, want, "{what}");
        }
    }

    #[test]
    fn rows_end_with_crlf() {
        let mut out = String::new();
        push_row(&mut out, &["a", "b,c", ""]);
        assert_eq!(out, "a,\"b,c\",\r\n");
    }

    #[test]
    fn custom_values_become_one_cell() {
        use serde_json::json;
        assert_eq!(custom_cell(Some(&json!(["a", "b"]))), "a; b");
        assert_eq!(custom_cell(Some(&json!(12.5))), "12.5");
        assert_eq!(custom_cell(Some(&json!(true))), "true");
        assert_eq!(custom_cell(Some(&json!("x"))), "x");
        assert_eq!(custom_cell(None), "");
    }
}
