use sen_domain::errors::{FieldErrors, Invalid};
use sen_store::StoreError;
use thiserror::Error;

/// The newer record a stale write collided with, sent back so the user can reapply.
#[derive(Debug, Clone)]
pub enum Current {
    Contact(Box<crate::contacts::ContactView>),
    Team(Box<sen_store::teams::Team>),
    Pipeline(Box<sen_store::pipelines::Pipeline>),
    Stage(Box<sen_store::pipelines::Stage>),
    Lookup(Box<sen_store::lookups::Lookup>),
    Lead(Box<sen_store::leads::Lead>),
    ActivityType(Box<sen_store::activities::ActivityType>),
    Activity(Box<sen_store::activities::Activity>),
    Meeting(Box<sen_store::meetings::Meeting>),
}

/// What a use case can answer instead of its result. `web` maps each kind to a status.
#[derive(Debug, Error)]
pub enum AppError {
    /// Bad input: every wrong field named.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// Not signed in, or the credentials are wrong.
    #[error("not authenticated")]
    Unauthenticated,
    /// Signed in but not allowed (only for records the user can see).
    #[error("not allowed")]
    Forbidden,
    /// No such record, or one the user may not see.
    #[error("not found")]
    NotFound,
    /// The record changed since the client read it.
    #[error("stale version")]
    Stale(Current),
    /// The action conflicts with the current state (e.g. setup already done).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn field(field: &str, why: Invalid) -> Self {
        AppError::Invalid(FieldErrors::single(field, why))
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<sen_domain::filter::FilterError> for AppError {
    fn from(e: sen_domain::filter::FilterError) -> Self {
        AppError::field("filter", Invalid::Message(e.to_string()))
    }
}
