//! The two stages of the demo: the same app, with other defaults and
//! another authenticator.

use std::time::Duration;

/// Which demo stage runs: they differ in defaults and in the authenticator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Stage 1: sessions in DynamoDB, local users a/a and b/b.
    Store,
    /// Stage 2: sessions in DynamoDB, users in a Cognito user pool.
    Cognito,
}

impl Stage {
    /// The session lifetime of the original demo: short, so that expiry is
    /// seen in a demo.
    pub fn default_session_ttl(self) -> Duration {
        match self {
            Stage::Store => Duration::from_secs(8),
            Stage::Cognito => Duration::from_secs(150),
        }
    }

    /// The stage's binary.
    pub fn program(self) -> &'static str {
        match self {
            Stage::Store => "with-dynamodb-store",
            Stage::Cognito => "with-dynamodb-cognito",
        }
    }

    pub(crate) fn about(self) -> &'static str {
        match self {
            Stage::Store => {
                "stage 1 of the demo: sessions in DynamoDB, local users a / a and b / b"
            }
            Stage::Cognito => {
                "stage 2 of the demo: sessions in DynamoDB, users in a Cognito user pool"
            }
        }
    }
}
