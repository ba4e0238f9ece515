//! Users: accounts that can belong to several workspaces.

use deadpool_postgres::GenericClient;
use uuid::Uuid;

/// A user as stored.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

fn row_to_user(r: &tokio_postgres::Row) -> UserRow {
    UserRow { id: r.get("id"), email: r.get("email"), name: r.get("name"), password_hash: r.get("password_hash") }
}

/// Inserts a user; `Ok(false)` when the email is taken (case-insensitive).
pub async fn insert_user(
    c: &impl GenericClient,
    id: Uuid,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<bool, tokio_postgres::Error> {
    let n = c
        .execute(
            "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT ((lower(email))) DO NOTHING",
            &[&id, &email, &name, &password_hash],
        )
        .await?;
    Ok(n == 1)
}

pub async fn select_user_by_email(
    c: &impl GenericClient,
    email: &str,
) -> Result<Option<UserRow>, tokio_postgres::Error> {
    let row = c
        .query_opt("SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower($1)", &[&email])
        .await?;
    Ok(row.as_ref().map(row_to_user))
}

pub async fn select_user(c: &impl GenericClient, id: Uuid) -> Result<Option<UserRow>, tokio_postgres::Error> {
    let row = c.query_opt("SELECT id, email, name, password_hash FROM users WHERE id = $1", &[&id]).await?;
    Ok(row.as_ref().map(row_to_user))
}
