//! SQL for notifications, their settings and preferences, the email
//! outbox, email templates and digest deliveries.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use pulse_actors::notifications::{notification_from_row, Notification, NOTIFICATION_COLUMNS};
use uuid::Uuid;

type Result<T> = std::result::Result<T, tokio_postgres::Error>;

/// A notification row to insert.
pub struct NotificationInsert<'a> {
    pub recipient_id: Uuid,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<(&'a str, Uuid)>,
    pub actor_user_id: Option<Uuid>,
}

pub async fn insert_notification(c: &impl GenericClient, ws: Uuid, n: &NotificationInsert<'_>) -> Result<Notification> {
    let sql = format!(
        "INSERT INTO notifications (id, workspace_id, recipient_id, kind, title, body, link_type, link_id, actor_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {NOTIFICATION_COLUMNS}"
    );
    let (link_type, link_id) = n.link.map_or((None, None), |(t, id)| (Some(t), Some(id)));
    let row = c
        .query_one(
            &sql,
            &[
                &Uuid::now_v7(),
                &ws,
                &n.recipient_id,
                &n.kind,
                &n.title,
                &n.body,
                &link_type,
                &link_id,
                &n.actor_user_id,
            ],
        )
        .await?;
    Ok(notification_from_row(&row))
}

/// A page of `user`'s notifications, newest first, before `before`.
pub async fn select_notifications(
    c: &impl GenericClient,
    ws: Uuid,
    user: Uuid,
    before: Option<Uuid>,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>> {
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications
         WHERE workspace_id = $1 AND recipient_id = $2 AND ($3::uuid IS NULL OR id < $3)
           AND (NOT $4 OR read_at IS NULL)
         ORDER BY id DESC LIMIT $5"
    );
    Ok(c.query(&sql, &[&ws, &user, &before, &unread_only, &limit]).await?.iter().map(notification_from_row).collect())
}

/// What marking one notification read did.
pub enum MarkRead {
    /// It was unread and now is read at this instant.
    Flipped(Notification),
    /// It was already read: nothing changed.
    AlreadyRead(Notification),
    NotFound,
}

/// Marks one of `user`'s notifications read. The row lock makes two
/// concurrent calls flip it once: the second finds it read.
pub async fn update_notification_read(c: &impl GenericClient, ws: Uuid, user: Uuid, id: Uuid) -> Result<MarkRead> {
    let sql = format!(
        "UPDATE notifications SET read_at = now()
         WHERE workspace_id = $1 AND recipient_id = $2 AND id = $3 AND read_at IS NULL
         RETURNING {NOTIFICATION_COLUMNS}"
    );
    if let Some(row) = c.query_opt(&sql, &[&ws, &user, &id]).await? {
        return Ok(MarkRead::Flipped(notification_from_row(&row)));
    }
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE workspace_id = $1 AND recipient_id = $2 AND id = $3"
    );
    Ok(match c.query_opt(&sql, &[&ws, &user, &id]).await? {
        Some(row) => MarkRead::AlreadyRead(notification_from_row(&row)),
        None => MarkRead::NotFound,
    })
}

/// Marks every unread notification of `user` read; returns how many, the
/// newest `newest` of their ids, and the instant.
pub async fn update_all_read(
    c: &impl GenericClient,
    ws: Uuid,
    user: Uuid,
    newest: usize,
) -> Result<(i64, Vec<Uuid>, DateTime<Utc>)> {
    let rows = c
        .query(
            "UPDATE notifications SET read_at = now()
             WHERE workspace_id = $1 AND recipient_id = $2 AND read_at IS NULL RETURNING id, read_at",
            &[&ws, &user],
        )
        .await?;
    let read_at = match rows.first() {
        Some(r) => r.get(1),
        None => c.query_one("SELECT now()", &[]).await?.get(0),
    };
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.get(0)).collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let count = ids.len() as i64;
    ids.truncate(newest);
    Ok((count, ids, read_at))
}

/// The workspace's switched signals (absent: on).
pub async fn select_workspace_toggles(c: &impl GenericClient, ws: Uuid) -> Result<Vec<(String, bool)>> {
    let rows = c.query("SELECT signal, enabled FROM notification_settings WHERE workspace_id = $1", &[&ws]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn upsert_workspace_toggle(c: &impl GenericClient, ws: Uuid, signal: &str, enabled: bool) -> Result<()> {
    c.execute(
        "INSERT INTO notification_settings (workspace_id, signal, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, signal) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()",
        &[&ws, &signal, &enabled],
    )
    .await?;
    Ok(())
}

/// `user`'s stored channels per signal: (signal, in_app, email).
pub async fn select_preferences(c: &impl GenericClient, ws: Uuid, user: Uuid) -> Result<Vec<(String, bool, bool)>> {
    let rows = c
        .query(
            "SELECT signal, in_app, email FROM notification_preferences WHERE workspace_id = $1 AND user_id = $2",
            &[&ws, &user],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

pub async fn upsert_preference(
    c: &impl GenericClient,
    ws: Uuid,
    user: Uuid,
    signal: &str,
    in_app: bool,
    email: bool,
) -> Result<()> {
    c.execute(
        "INSERT INTO notification_preferences (workspace_id, user_id, signal, in_app, email) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (workspace_id, user_id, signal)
         DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, updated_at = now()",
        &[&ws, &user, &signal, &in_app, &email],
    )
    .await?;
    Ok(())
}

/// An active member of the workspace: (user id, email, name).
pub type Recipient = (Uuid, String, String);

/// `user` when they are an active member of the workspace.
pub async fn select_active_member(c: &impl GenericClient, ws: Uuid, user: Uuid) -> Result<Option<Recipient>> {
    let row = c
        .query_opt(
            "SELECT u.id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = $1 AND m.user_id = $2 AND m.status = 'active'",
            &[&ws, &user],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// Every active member, or only the active owners.
pub async fn select_active_members(c: &impl GenericClient, ws: Uuid, owners_only: bool) -> Result<Vec<Recipient>> {
    let rows = c
        .query(
            "SELECT u.id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = $1 AND m.status = 'active' AND (NOT $2 OR m.role = 'owner')
             ORDER BY m.created_at, u.id",
            &[&ws, &owners_only],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// Every workspace with at least one active member.
pub async fn select_workspace_ids(c: &impl GenericClient) -> Result<Vec<Uuid>> {
    let rows = c
        .query(
            "SELECT id FROM workspaces w
             WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = w.id AND m.status = 'active')
             ORDER BY id",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// An email to queue.
pub struct EmailInsert<'a> {
    pub recipient_id: Option<Uuid>,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub kind: &'a str,
    pub dedupe_key: Option<&'a str>,
}

/// Queues a plain-text email; `false` when its dedupe key was already used.
pub async fn insert_email(c: &impl GenericClient, ws: Uuid, e: &EmailInsert<'_>) -> Result<bool> {
    insert_email_as(c, ws, Uuid::now_v7(), e, "text/plain").await
}

/// Queues an email with this id and `content_type` (`text/plain` or
/// `text/html`); `false` when its dedupe key was already used.
pub async fn insert_email_as(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    e: &EmailInsert<'_>,
    content_type: &str,
) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO email_outbox (id, workspace_id, recipient_id, to_address, subject, body, kind, dedupe_key,
                                       content_type)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING",
            &[&id, &ws, &e.recipient_id, &e.to_address, &e.subject, &e.body, &e.kind, &e.dedupe_key, &content_type],
        )
        .await?;
    Ok(n == 1)
}

/// One outbox row.
#[derive(Debug, Clone)]
pub struct EmailRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub recipient_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub kind: String,
    /// `text/plain` or `text/html`.
    pub content_type: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const EMAIL_COLUMNS: &str = "id, workspace_id, recipient_id, to_address, subject, body, kind, status, attempts, \
                             last_error, next_attempt_at, created_at, sent_at, content_type";

fn email_row(r: &tokio_postgres::Row) -> EmailRow {
    EmailRow {
        id: r.get(0),
        workspace_id: r.get(1),
        recipient_id: r.get(2),
        to_address: r.get(3),
        subject: r.get(4),
        body: r.get(5),
        kind: r.get(6),
        status: r.get(7),
        attempts: r.get(8),
        last_error: r.get(9),
        next_attempt_at: r.get(10),
        created_at: r.get(11),
        sent_at: r.get(12),
        content_type: r.get(13),
    }
}

/// A page of the workspace's outbox, newest first.
pub async fn select_emails(
    c: &impl GenericClient,
    ws: Uuid,
    status: Option<&str>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<EmailRow>> {
    let sql = format!(
        "SELECT {EMAIL_COLUMNS} FROM email_outbox
         WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4"
    );
    Ok(c.query(&sql, &[&ws, &status, &before, &limit]).await?.iter().map(email_row).collect())
}

/// The next pending email due at `now`, locked for this transaction;
/// other senders skip it.
pub async fn select_due_email_for_update(c: &impl GenericClient, now: DateTime<Utc>) -> Result<Option<EmailRow>> {
    let sql = format!(
        "SELECT {EMAIL_COLUMNS} FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
    );
    Ok(c.query_opt(&sql, &[&now]).await?.as_ref().map(email_row))
}

pub async fn update_email_sent(c: &impl GenericClient, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    c.execute(
        "UPDATE email_outbox SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL WHERE id = $1",
        &[&id, &now],
    )
    .await?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or `failed` for good
/// when `retry_at` is `None`.
pub async fn update_email_attempt_failed(
    c: &impl GenericClient,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    c.execute(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $2,
           status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = coalesce($3, next_attempt_at)
         WHERE id = $1",
        &[&id, &error, &retry_at],
    )
    .await?;
    Ok(())
}

/// One email template, with the stage or lead status it is bound to.
#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub id: Uuid,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub stage_id: Option<Uuid>,
    pub lead_status: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) const TEMPLATE_COLUMNS: &str = "id, name, subject, body, stage_id, lead_status, created_at, updated_at";

pub(crate) fn template_row(r: &tokio_postgres::Row) -> TemplateRow {
    TemplateRow {
        id: r.get(0),
        name: r.get(1),
        subject: r.get(2),
        body: r.get(3),
        stage_id: r.get(4),
        lead_status: r.get(5),
        created_at: r.get(6),
        updated_at: r.get(7),
    }
}

pub async fn select_templates(c: &impl GenericClient, ws: Uuid) -> Result<Vec<TemplateRow>> {
    let sql = format!("SELECT {TEMPLATE_COLUMNS} FROM email_templates WHERE workspace_id = $1 ORDER BY name, id");
    Ok(c.query(&sql, &[&ws]).await?.iter().map(template_row).collect())
}

pub async fn select_template(c: &impl GenericClient, ws: Uuid, id: Uuid) -> Result<Option<TemplateRow>> {
    let sql = format!("SELECT {TEMPLATE_COLUMNS} FROM email_templates WHERE workspace_id = $1 AND id = $2");
    Ok(c.query_opt(&sql, &[&ws, &id]).await?.as_ref().map(template_row))
}

/// What a template insert or update did.
pub enum TemplateWrite {
    Written(TemplateRow),
    NotFound,
    NameTaken,
    /// Another template is bound to that stage or lead status.
    BindingTaken,
}

/// Maps a unique violation to the key it hit.
fn template_conflict(e: tokio_postgres::Error) -> Result<TemplateWrite> {
    if e.code() != Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
        return Err(e);
    }
    let constraint = e.as_db_error().and_then(|d| d.constraint()).unwrap_or_default();
    if constraint.starts_with("email_templates_stage") || constraint.starts_with("email_templates_lead_status") {
        Ok(TemplateWrite::BindingTaken)
    } else {
        Ok(TemplateWrite::NameTaken)
    }
}

/// Inserts a template, bound to a stage or a lead status or to nothing.
pub async fn insert_template(
    c: &impl GenericClient,
    ws: Uuid,
    name: &str,
    subject: &str,
    body: &str,
    binding: (Option<Uuid>, Option<&str>),
) -> Result<TemplateWrite> {
    let sql = format!(
        "INSERT INTO email_templates (id, workspace_id, name, subject, body, stage_id, lead_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TEMPLATE_COLUMNS}"
    );
    match c.query_one(&sql, &[&Uuid::now_v7(), &ws, &name, &subject, &body, &binding.0, &binding.1]).await {
        Ok(r) => Ok(TemplateWrite::Written(template_row(&r))),
        Err(e) => template_conflict(e),
    }
}

/// A change of a template's binding: `None` keeps it; binding to a stage
/// unbinds the lead status and the other way round.
#[derive(Debug, Default, Clone)]
pub struct BindingChange<'a> {
    pub stage_id: Option<Option<Uuid>>,
    pub lead_status: Option<Option<&'a str>>,
}

pub async fn update_template(
    c: &impl GenericClient,
    ws: Uuid,
    id: Uuid,
    fields: (Option<&str>, Option<&str>, Option<&str>),
    binding: &BindingChange<'_>,
) -> Result<TemplateWrite> {
    let (name, subject, body) = fields;
    let sql = format!(
        "UPDATE email_templates SET name = coalesce($3, name), subject = coalesce($4, subject),
           body = coalesce($5, body),
           stage_id = CASE WHEN $6 THEN $7 WHEN $8 AND $9::text IS NOT NULL THEN NULL ELSE stage_id END,
           lead_status = CASE WHEN $8 THEN $9 WHEN $6 AND $7::uuid IS NOT NULL THEN NULL ELSE lead_status END,
           updated_at = now()
         WHERE workspace_id = $1 AND id = $2 RETURNING {TEMPLATE_COLUMNS}"
    );
    let (set_stage, stage) = (binding.stage_id.is_some(), binding.stage_id.flatten());
    let (set_status, status) = (binding.lead_status.is_some(), binding.lead_status.flatten());
    match c.query_opt(&sql, &[&ws, &id, &name, &subject, &body, &set_stage, &stage, &set_status, &status]).await {
        Ok(Some(r)) => Ok(TemplateWrite::Written(template_row(&r))),
        Ok(None) => Ok(TemplateWrite::NotFound),
        Err(e) => template_conflict(e),
    }
}

pub async fn delete_template(c: &impl GenericClient, ws: Uuid, id: Uuid) -> Result<bool> {
    Ok(c.execute("DELETE FROM email_templates WHERE workspace_id = $1 AND id = $2", &[&ws, &id]).await? == 1)
}

/// Claims the digest of `user` for `day`; `false` when it was delivered
/// already (or is being delivered by a transaction that commits first).
pub async fn insert_digest_delivery(c: &impl GenericClient, ws: Uuid, user: Uuid, day: NaiveDate) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO digest_deliveries (workspace_id, user_id, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&ws, &user, &day],
        )
        .await?;
    Ok(n == 1)
}

/// A deal as a digest line or a reminder: (owner, id, title, date).
pub type DealLine = (Uuid, Uuid, String, Option<NaiveDate>);

/// Open, live deals with an owner and no update since `cutoff` (and, with
/// `since`, one at or after it), oldest update first; the date is the
/// day of the last update.
pub async fn select_stale_deals(
    c: &impl GenericClient,
    ws: Uuid,
    cutoff: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<DealLine>> {
    let rows = c
        .query(
            "SELECT d.owner_id, d.id, d.title, (d.updated_at AT TIME ZONE 'UTC')::date FROM deals d
             JOIN stages s ON s.id = d.stage_id
             WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.owner_id IS NOT NULL
               AND s.kind = 'open' AND d.updated_at < $2 AND ($3::timestamptz IS NULL OR d.updated_at >= $3)
             ORDER BY d.updated_at, d.id",
            &[&ws, &cutoff, &since],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}

/// Open, live deals with an owner whose next action was due before `day`.
pub async fn select_overdue_next_actions(c: &impl GenericClient, ws: Uuid, day: NaiveDate) -> Result<Vec<DealLine>> {
    let rows = c
        .query(
            "SELECT d.owner_id, d.id, coalesce(d.next_action, d.title), d.next_action_date FROM deals d
             JOIN stages s ON s.id = d.stage_id
             WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND d.owner_id IS NOT NULL
               AND s.kind = 'open' AND d.next_action_date < $2
             ORDER BY d.next_action_date, d.id",
            &[&ws, &day],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}

/// Claims the reminder of `kind` (`overdue`, `stale`) for a record on
/// `day`; `false` when it was claimed already (or is being claimed by a
/// transaction that commits first: this one waits for it, then skips).
pub async fn insert_reminder_delivery(
    c: &impl GenericClient,
    ws: Uuid,
    kind: &str,
    record: (&str, Uuid),
    day: NaiveDate,
    recipient: Uuid,
) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO reminder_deliveries (workspace_id, kind, record_type, record_id, day, recipient_id)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[&ws, &kind, &record.0, &record.1, &day, &recipient],
        )
        .await?;
    Ok(n == 1)
}

/// An open task as a reminder: (assignee or else author, id, subject, due).
pub type TaskLine = (Uuid, Uuid, String, DateTime<Utc>);

/// Open tasks due before `now`, for their assignee, or their author when
/// nobody is assigned; oldest due first.
pub async fn select_overdue_tasks(c: &impl GenericClient, ws: Uuid, now: DateTime<Utc>) -> Result<Vec<TaskLine>> {
    let rows = c
        .query(
            "SELECT coalesce(assignee_id, author_user_id), id, subject, due_at FROM activities
             WHERE workspace_id = $1 AND type = 'task' AND completed_at IS NULL AND due_at < $2
               AND coalesce(assignee_id, author_user_id) IS NOT NULL
             ORDER BY due_at, id LIMIT 5000",
            &[&ws, &now],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
}

/// A lead as a reminder: (owner, id, name, next action, its date).
pub type LeadLine = (Uuid, Uuid, String, Option<String>, Option<NaiveDate>);

const LEAD_NAME: &str = "coalesce(nullif(btrim(first_name || ' ' || last_name), ''), email, '')";

/// Open, live leads with an owner whose next action was due before `day`.
pub async fn select_overdue_lead_actions(c: &impl GenericClient, ws: Uuid, day: NaiveDate) -> Result<Vec<LeadLine>> {
    let sql = format!(
        "SELECT owner_id, id, {LEAD_NAME}, next_action, next_action_date FROM leads
         WHERE workspace_id = $1 AND deleted_at IS NULL AND owner_id IS NOT NULL
           AND status IN ('new', 'contacted', 'qualified') AND next_action_date < $2
         ORDER BY next_action_date, id LIMIT 5000"
    );
    let rows = c.query(&sql, &[&ws, &day]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect())
}

/// Open, live leads with an owner whose last update lies in `[since, cutoff)`:
/// they crossed the "no update for 7 days" line in that window.
pub async fn select_newly_stale_leads(
    c: &impl GenericClient,
    ws: Uuid,
    since: DateTime<Utc>,
    cutoff: DateTime<Utc>,
) -> Result<Vec<LeadLine>> {
    let sql = format!(
        "SELECT owner_id, id, {LEAD_NAME}, next_action, next_action_date FROM leads
         WHERE workspace_id = $1 AND deleted_at IS NULL AND owner_id IS NOT NULL
           AND status IN ('new', 'contacted', 'qualified') AND updated_at >= $2 AND updated_at < $3
         ORDER BY updated_at, id LIMIT 5000"
    );
    let rows = c.query(&sql, &[&ws, &since, &cutoff]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect())
}

/// Deletes digest and reminder deliveries older than 30 days before `now`.
pub async fn delete_old_deliveries(c: &impl GenericClient, now: DateTime<Utc>) -> Result<u64> {
    let before = (now - chrono::Duration::days(30)).date_naive();
    let digests = c.execute("DELETE FROM digest_deliveries WHERE day < $1", &[&before]).await?;
    let reminders = c.execute("DELETE FROM reminder_deliveries WHERE day < $1", &[&before]).await?;
    Ok(digests + reminders)
}
