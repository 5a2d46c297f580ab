use thiserror::Error;

/// Errors of the persistence layer. `app` maps them to its own error kinds.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. a second user with one e-mail).
    #[error("unique constraint violated: {0}")]
    Conflict(String),
    /// A foreign key pointed at a row that does not exist.
    #[error("referenced row does not exist: {0}")]
    MissingReference(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    /// Someone else holds what this needs alone (a restore while a `sen` serves).
    #[error("{0}")]
    Busy(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Turns driver errors that are really about the data (unique / foreign key) into
    /// their own kinds so callers can answer 409 / 422 instead of 500.
    pub(crate) fn classify(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let msg = db.message().to_string();
            if db.is_unique_violation() {
                return StoreError::Conflict(msg);
            }
            if db.is_foreign_key_violation() {
                return StoreError::MissingReference(msg);
            }
        }
        StoreError::Database(err)
    }
}
