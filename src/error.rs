//! The one error type of the core. Every variant has a stable machine-readable
//! code (the `code` property of the JavaScript `Error`) and a message a person
//! can act on. Messages never name a person other than what the caller passed in.

use std::fmt;

use crate::model::Scope;

/// Where in a batch a bad record sits, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordError {
    /// Position of the record in the batch (0-based; for NDJSON, the line's record number).
    pub index: usize,
    /// The field at fault, or `""` when the record as a whole is malformed.
    pub field: String,
    /// What was expected, in plain words.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// A record of a batch is malformed; strict loads refuse the whole batch.
    InvalidRecord(RecordError),
    /// The input as a whole cannot be read (not UTF-8, not JSON, wrong shape).
    InvalidInput(String),
    /// An option passed to a method is missing or out of range.
    InvalidOptions { option: String, reason: String },
    /// The input is larger than the configured limit; refused before parsing.
    InputTooLarge { bytes: usize, limit: usize },
    /// The result would need a scope that is not granted.
    ConsentRequired { scope: Scope },
    /// A signed consent token (SPEC 4.5) was refused; the engine now grants
    /// nothing beyond `own`. The reason names no person.
    InvalidConsentToken { reason: String },
    /// A target (contact or account) that the engine does not know.
    UnknownTarget { what: &'static str },
    /// A capability that this version of the module does not compute yet.
    NotImplemented { method: &'static str },
    /// A snapshot that is not one, is damaged, or is of another format version.
    InvalidSnapshot(String),
    /// A noisy answer would spend more epsilon than the engine has left
    /// (both in thousandths).
    PrivacyBudgetExhausted { asked: u32, left: u32 },
}

impl Error {
    /// The stable code exposed to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidRecord(_) | Error::InvalidInput(_) => "INVALID_INPUT",
            Error::InvalidOptions { .. } => "INVALID_OPTIONS",
            Error::InputTooLarge { .. } => "INPUT_TOO_LARGE",
            Error::ConsentRequired { .. } => "CONSENT_REQUIRED",
            Error::InvalidConsentToken { .. } => "INVALID_CONSENT_TOKEN",
            Error::UnknownTarget { .. } => "UNKNOWN_TARGET",
            Error::NotImplemented { .. } => "NOT_IMPLEMENTED",
            Error::PrivacyBudgetExhausted { .. } => "PRIVACY_BUDGET_EXHAUSTED",
            Error::InvalidSnapshot(_) => "INVALID_SNAPSHOT",
        }
    }

    pub(crate) fn options(option: &str, reason: impl Into<String>) -> Self {
        Error::InvalidOptions { option: option.to_string(), reason: reason.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRecord(e) if e.field.is_empty() => {
                write!(f, "record {}: {}", e.index, e.reason)
            }
            Error::InvalidRecord(e) => {
                write!(f, "record {}, field \"{}\": {}", e.index, e.field, e.reason)
            }
            Error::InvalidInput(reason) => write!(f, "input rejected: {reason}"),
            Error::InvalidOptions { option, reason } => write!(f, "option \"{option}\": {reason}"),
            Error::InputTooLarge { bytes, limit } => write!(
                f,
                "input of {bytes} bytes is larger than the limit of {limit} bytes \
                 (split it into smaller batches, or raise maxInputBytes)"
            ),
            Error::ConsentRequired { scope } => {
                write!(f, "this result needs the \"{}\" consent scope, which is not granted", scope.as_str())
            }
            Error::InvalidConsentToken { reason } => {
                write!(f, "consent token refused: {reason}; nothing beyond the \"own\" scope is granted")
            }
            Error::UnknownTarget { what } => write!(f, "no such {what} in the loaded data"),
            Error::NotImplemented { method } => {
                write!(f, "{method} is not available in this version of rapport")
            }
            Error::InvalidSnapshot(why) => write!(f, "snapshot refused: {why}"),
            Error::PrivacyBudgetExhausted { asked, left } => write!(
                f,
                "this answer needs epsilon {} and the engine's privacy budget has {} left; \
                 repeat an earlier query (answered from cache at no cost) or ask with a smaller epsilon",
                f64::from(*asked) / 1000.0,
                f64::from(*left) / 1000.0
            ),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
