//! Errors of a run: a core error keeps its stable code (`INVALID_CONSENT_TOKEN`,
//! `CONSENT_REQUIRED`, …) across DataFusion and Ballista, whose errors reach
//! the driver as text, by writing it as `rapport CODE: message`; the driver
//! reads it back, prints `CODE: message` on standard error and exits with 2.
//! Anything else (a file that cannot be read, a cluster that does not answer)
//! exits with 1.

use std::fmt;

#[derive(Debug)]
pub struct Coded {
    pub code: String,
    pub message: String,
}

impl From<rapport::Error> for Coded {
    fn from(e: rapport::Error) -> Coded {
        Coded { code: e.code().to_string(), message: e.to_string() }
    }
}

impl Coded {
    pub fn new(code: &str, message: impl Into<String>) -> Coded {
        Coded { code: code.to_string(), message: message.into() }
    }

    /// The coded error written anywhere in `text` (a DataFusion or Ballista
    /// error's text, however wrapped).
    pub fn find(text: &str) -> Option<Coded> {
        let at = text.find("rapport ")?;
        let rest = &text[at + "rapport ".len()..];
        let end = rest.find(": ")?;
        let code = &rest[..end];
        let is_code = !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
        if !is_code {
            return Coded::find(rest);
        }
        let message = rest[end + 2..].lines().next().unwrap_or("").to_string();
        Some(Coded { code: code.to_string(), message })
    }
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rapport {}: {}", self.code, self.message)
    }
}

impl std::error::Error for Coded {}

/// How a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The core refused (consent, options, input): exit status 2.
    Coded(Coded),
    /// Anything else: exit status 1.
    Other(String),
}

impl Failure {
    /// A failure from any error's text: coded when a core error is in it.
    pub fn from_text(text: String) -> Failure {
        match Coded::find(&text) {
            Some(c) => Failure::Coded(c),
            None => Failure::Other(text),
        }
    }
}

impl From<rapport::Error> for Failure {
    fn from(e: rapport::Error) -> Failure {
        Failure::Coded(e.into())
    }
}

impl From<Coded> for Failure {
    fn from(e: Coded) -> Failure {
        Failure::Coded(e)
    }
}

impl From<datafusion::error::DataFusionError> for Failure {
    fn from(e: datafusion::error::DataFusionError) -> Failure {
        Failure::from_text(e.to_string())
    }
}

pub fn usage(message: impl Into<String>) -> Failure {
    Failure::Coded(Coded::new("INVALID_OPTIONS", message))
}
