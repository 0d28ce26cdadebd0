use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The Cognito calls a [`crate::Cognito`] makes.
///
/// ```
/// // E.g. to register a metric per call kind before any call is made.
/// for call in auth::CALLS {
///     println!("cognito_calls_total{{call=\"{call}\"}} 0");
/// }
/// assert!(auth::CALLS.contains(&"GlobalSignOut"));
/// ```
pub const CALLS: [&str; 16] = [
    "InitiateAuth",
    "GetTokensFromRefreshToken",
    "RespondToAuthChallenge",
    "GlobalSignOut",
    "RevokeToken",
    "GetUser",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "DescribeUserPool",
];

/// Lock-free counters of Cognito calls by kind, with failures.
#[derive(Debug, Default)]
pub(crate) struct CallCounters {
    calls: [AtomicU64; CALLS.len()],
    failures: [AtomicU64; CALLS.len()],
}

/// Calls made of one kind, from [`crate::Cognito::call_counts`].
///
/// ```
/// let counts: Vec<auth::CallCount> = Vec::new();
/// assert_eq!(counts.iter().map(|c| c.calls).sum::<u64>(), 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallCount {
    /// The operation, e.g. `"InitiateAuth"`.
    pub call: &'static str,
    /// Calls made, failed ones included.
    pub calls: u64,
    /// Calls that failed (refused credentials included: Cognito said no).
    pub failures: u64,
}

impl CallCounters {
    pub(crate) fn record<T, E>(&self, call: &'static str, result: &Result<T, E>) {
        let i = CALLS.iter().position(|c| *c == call).expect("a known call");
        self.calls[i].fetch_add(1, Relaxed);
        if result.is_err() {
            self.failures[i].fetch_add(1, Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<CallCount> {
        CALLS
            .iter()
            .enumerate()
            .map(|(i, call)| CallCount {
                call,
                calls: self.calls[i].load(Relaxed),
                failures: self.failures[i].load(Relaxed),
            })
            .collect()
    }
}
