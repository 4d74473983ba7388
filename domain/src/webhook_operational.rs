//! Why an endpoint was disabled — what the operational events report about the organization's own
//! webhook endpoints (their `data` is the contract's `operational` module).

/// Why an endpoint was disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisableReason {
    /// It answered 410 Gone.
    Gone,
    /// It failed every attempt for longer than the failing-streak rule allows.
    Failing,
    /// It was disabled through the API.
    Manual,
}

impl DisableReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gone => "gone",
            Self::Failing => "failing",
            Self::Manual => "manual",
        }
    }
}
