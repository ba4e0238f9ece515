//! The notification bell's hot state: per recipient, the unread count and
//! the latest [`LATEST`] items, held by the workspace actor so that
//! opening the bell never queries the database.
//!
//! Contract: the state is loaded from the same snapshot as the stream
//! position (`load_state`), and afterwards changes only through committed
//! events applied in seq order ([`NotificationState::apply`]):
//!
//! - `notification.created` `{notification}`: a new item; ignored when
//!   the id is already held (a replay or the load snapshot had it).
//! - `notification.read` `{user_id, id, read_at}`: written only when that
//!   row went from unread to read, so the count drops by one exactly once
//!   however many tabs mark it.
//! - `notification.read_all` `{user_id, count, ids, read_at}`: `count` rows
//!   went from unread to read; `ids` are the newest of them (at most
//!   [`LATEST`]), which covers every held item among them.
//!
//! Because each event states exactly what changed in its transaction, the
//! count stays right when reads and creations race on other connections.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Items kept in memory per recipient.
pub const LATEST: usize = 20;

/// The record a notification is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Link {
    /// `deal`, `member`, `lead`, `activity`...
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
}

/// One notification as the API and the `notifications` topic carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    /// The signal that raised it (`assignments`, `stale_deals`,
    /// `invitation_accepted`...) or `digest`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<Link>,
    /// Who caused it; `null` for the scheduler.
    pub actor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What the bell shows: the unread count and the latest items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotificationSummary {
    pub unread: i64,
    /// Newest first, at most 20.
    pub latest: Vec<Notification>,
}

#[derive(Debug, Default)]
struct Bell {
    unread: i64,
    /// Newest first.
    latest: VecDeque<Notification>,
}

/// Every recipient's bell in one workspace.
#[derive(Debug, Default)]
pub struct NotificationState {
    bells: HashMap<Uuid, Bell>,
}

#[derive(Deserialize)]
struct Created {
    notification: Notification,
}

#[derive(Deserialize)]
struct Read {
    user_id: Uuid,
    id: Uuid,
    read_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct ReadAll {
    user_id: Uuid,
    count: i64,
    ids: Vec<Uuid>,
    read_at: DateTime<Utc>,
}

impl NotificationState {
    /// Builds the state from unread counts and each recipient's latest
    /// items (newest first), as [`select_notification_state`] reads them.
    pub fn from_parts(unread: Vec<(Uuid, i64)>, latest: Vec<Notification>) -> Self {
        let mut bells: HashMap<Uuid, Bell> = HashMap::new();
        for (user, n) in unread {
            bells.entry(user).or_default().unread = n;
        }
        for item in latest {
            let bell = bells.entry(item.recipient_id).or_default();
            if bell.latest.len() < LATEST {
                bell.latest.push_back(item);
            }
        }
        Self { bells }
    }

    /// The bell of `user` (empty when they have no notifications).
    pub fn summary(&self, user: Uuid) -> NotificationSummary {
        match self.bells.get(&user) {
            Some(b) => NotificationSummary { unread: b.unread, latest: b.latest.iter().cloned().collect() },
            None => NotificationSummary::default(),
        }
    }

    /// Applies one committed `notification.*` event; other kinds and
    /// unreadable data change nothing (the latter is returned as an error
    /// to log).
    pub fn apply(&mut self, kind: &str, data: &serde_json::Value) -> Result<(), serde_json::Error> {
        match kind {
            "notification.created" => {
                let Created { notification } = serde_json::from_value(data.clone())?;
                let bell = self.bells.entry(notification.recipient_id).or_default();
                if bell.latest.iter().any(|n| n.id == notification.id) {
                    return Ok(());
                }
                if notification.read_at.is_none() {
                    bell.unread += 1;
                }
                bell.latest.push_front(notification);
                bell.latest.truncate(LATEST);
            }
            "notification.read" => {
                let r: Read = serde_json::from_value(data.clone())?;
                let bell = self.bells.entry(r.user_id).or_default();
                bell.unread = (bell.unread - 1).max(0);
                if let Some(item) = bell.latest.iter_mut().find(|n| n.id == r.id) {
                    item.read_at.get_or_insert(r.read_at);
                }
            }
            "notification.read_all" => {
                let r: ReadAll = serde_json::from_value(data.clone())?;
                let bell = self.bells.entry(r.user_id).or_default();
                bell.unread = (bell.unread - r.count).max(0);
                for item in bell.latest.iter_mut().filter(|n| r.ids.contains(&n.id)) {
                    item.read_at.get_or_insert(r.read_at);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Columns of a notification row, in the order [`notification_from_row`] reads.
pub const NOTIFICATION_COLUMNS: &str =
    "id, recipient_id, kind, title, body, link_type, link_id, actor_user_id, created_at, read_at";

/// A notification from a row selected with [`NOTIFICATION_COLUMNS`].
pub fn notification_from_row(r: &tokio_postgres::Row) -> Notification {
    let link = match (r.get::<_, Option<String>>(5), r.get::<_, Option<Uuid>>(6)) {
        (Some(kind), Some(id)) => Some(Link { kind, id }),
        _ => None,
    };
    Notification {
        id: r.get(0),
        recipient_id: r.get(1),
        kind: r.get(2),
        title: r.get(3),
        body: r.get(4),
        link,
        actor_id: r.get(7),
        created_at: r.get(8),
        read_at: r.get(9),
    }
}

/// Unread counts per recipient and each recipient's latest items (newest
/// first); run in the snapshot that reads the stream head.
pub async fn select_notification_state(
    c: &impl GenericClient,
    workspace_id: Uuid,
) -> Result<(Vec<(Uuid, i64)>, Vec<Notification>), tokio_postgres::Error> {
    let unread = c
        .query(
            "SELECT recipient_id, count(*) FROM notifications
             WHERE workspace_id = $1 AND read_at IS NULL GROUP BY recipient_id",
            &[&workspace_id],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let sql = format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM (
           SELECT *, row_number() OVER (PARTITION BY recipient_id ORDER BY id DESC) AS n
           FROM notifications WHERE workspace_id = $1) t
         WHERE n <= {LATEST} ORDER BY recipient_id, id DESC"
    );
    let latest = c.query(&sql, &[&workspace_id]).await?.iter().map(notification_from_row).collect();
    Ok((unread, latest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(user: Uuid) -> Notification {
        Notification {
            id: Uuid::now_v7(),
            recipient_id: user,
            kind: "assignments".into(),
            title: "A deal is yours".into(),
            body: String::new(),
            link: None,
            actor_id: None,
            created_at: Utc::now(),
            read_at: None,
        }
    }

    fn created(n: &Notification) -> serde_json::Value {
        json!({ "notification": n })
    }

    #[test]
    fn a_replayed_creation_counts_once_and_reads_never_go_below_zero() {
        let user = Uuid::now_v7();
        let n = item(user);
        let mut s = NotificationState::default();
        s.apply("notification.created", &created(&n)).unwrap_or_else(|e| panic!("{e}"));
        s.apply("notification.created", &created(&n)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.summary(user).unread, 1);
        let read = json!({"user_id": user, "id": n.id, "read_at": Utc::now()});
        s.apply("notification.read", &read).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.summary(user).unread, 0);
        assert!(s.summary(user).latest[0].read_at.is_some());
        s.apply("notification.read_all", &json!({"user_id": user, "count": 3, "ids": [], "read_at": Utc::now()}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.summary(user).unread, 0);
    }

    #[test]
    fn the_bell_keeps_the_latest_twenty_newest_first_per_recipient() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let mut s = NotificationState::default();
        let mut last = None;
        for _ in 0..25 {
            let n = item(a);
            s.apply("notification.created", &created(&n)).unwrap_or_else(|e| panic!("{e}"));
            last = Some(n.id);
        }
        let sum = s.summary(a);
        assert_eq!(sum.unread, 25);
        assert_eq!(sum.latest.len(), LATEST);
        assert_eq!(Some(sum.latest[0].id), last);
        assert_eq!(s.summary(b), NotificationSummary::default());
    }

    #[test]
    fn read_all_subtracts_what_it_flipped_and_marks_the_held_items() {
        let user = Uuid::now_v7();
        let (n1, n2) = (item(user), item(user));
        let mut s = NotificationState::from_parts(vec![(user, 2)], vec![n2.clone(), n1.clone()]);
        let late = item(user);
        s.apply("notification.created", &created(&late)).unwrap_or_else(|e| panic!("{e}"));
        let data = json!({"user_id": user, "count": 2, "ids": [n2.id, n1.id], "read_at": Utc::now()});
        s.apply("notification.read_all", &data).unwrap_or_else(|e| panic!("{e}"));
        let sum = s.summary(user);
        assert_eq!(sum.unread, 1, "the one created after the read-all stays unread");
        assert!(sum.latest[0].read_at.is_none());
        assert!(sum.latest[1].read_at.is_some() && sum.latest[2].read_at.is_some());
    }
}
