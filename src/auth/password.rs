//! Password hashing with argon2id at OWASP's floor (m = 19 MiB, t = 2,
//! p = 1). Hashing runs on the blocking pool behind a semaphore so a login
//! storm queues instead of exhausting memory (each hash holds 19 MiB).

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// Minimum accepted password length (characters).
pub const MIN_LEN: usize = 10;
/// Maximum accepted password length (bytes), bounding hashing cost.
pub const MAX_LEN: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Argon(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("hasher closed")]
    Closed,
}

/// Shared, bounded password hasher.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the user
    /// does not exist so both paths cost the same.
    dummy: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 iterations, 1 lane: OWASP's minimum for argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon(e.to_string()))
}

impl Hasher {
    pub fn new(max_concurrent: usize) -> Result<Self, HashError> {
        let dummy = hash_blocking(&super::secrets::random_secret())?;
        Ok(Self { permits: Arc::new(Semaphore::new(max_concurrent.max(1))), dummy: Arc::new(dummy) })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashError::Closed)?;
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// Verifies a password against a stored hash; `None` (unknown user)
    /// spends the same time and answers false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashError::Closed)?;
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.as_ref().clone());
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await?;
        Ok(ok && known)
    }
}
