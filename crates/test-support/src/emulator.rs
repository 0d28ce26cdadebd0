//! Which emulator a test talks to, and what that one cannot do.
//!
//! One suite runs on both emulators: `scripts/test` runs it on moto, then
//! again with `AWS_ENDPOINT_URL` pointed at ministack. A test that needs an
//! operation one of them lacks asks [`LocalAws::lacks`](crate::LocalAws::lacks):
//! on that emulator the test says so by name, the gap is counted in
//! `target/test-logs/emulator-gaps.txt` (which `scripts/test` prints at the
//! end), and the test checks what it still can. Nothing passes silently.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The local emulator behind an endpoint.
///
/// ```
/// use test_support::emulator::Emulator;
/// assert_eq!(Emulator::Moto.to_string(), "moto");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emulator {
    /// The moto server: DynamoDB, Cognito, IAM, STS.
    Moto,
    /// ministack: DynamoDB and Cognito, with SRP checks and per-pool keys.
    Ministack,
}

impl std::fmt::Display for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Emulator::Moto => "moto",
            Emulator::Ministack => "ministack",
        })
    }
}

impl Emulator {
    /// Asks the endpoint: ministack answers its own health path, moto does
    /// not. An endpoint that does not answer is taken for moto, whose start
    /// reports its own errors.
    ///
    /// ```no_run
    /// use test_support::emulator::Emulator;
    /// assert_eq!(Emulator::behind("http://127.0.0.1:4566"), Emulator::Ministack);
    /// ```
    pub fn behind(endpoint: &str) -> Self {
        let address = endpoint.trim_start_matches("http://").trim_end_matches('/');
        let answer = (|| -> std::io::Result<String> {
            let mut stream = TcpStream::connect(address)?;
            stream.set_read_timeout(Some(Duration::from_secs(5)))?;
            write!(
                stream,
                "GET /_ministack/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )?;
            let mut status = [0u8; 12];
            stream.read_exact(&mut status)?;
            Ok(String::from_utf8_lossy(&status).into_owned())
        })();
        match answer {
            Ok(status) if status.ends_with(" 200") => Emulator::Ministack,
            _ => Emulator::Moto,
        }
    }
}

/// An operation that one emulator lacks (docs/TESTING.md has the table).
///
/// ```
/// use test_support::emulator::{Emulator, Gap};
/// assert_eq!(Gap::MfaSetup.lacking(), Emulator::Ministack);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Gap {
    /// Cognito's MFA_SETUP challenge, when a pool requires an authenticator
    /// app that a user has not set up (ministack signs them in instead).
    MfaSetup,
    /// The pool's password policy applied to the password chosen at
    /// NEW_PASSWORD_REQUIRED (ministack takes any).
    PolicyOnNewPassword,
    /// The challenge's `Session` checked when NEW_PASSWORD_REQUIRED is
    /// answered (ministack answers for the user named, whatever the session).
    ChallengeSession,
    /// Consumed capacity sized by item, as DynamoDB bills it (moto reports
    /// a flat figure per call).
    SizedCapacity,
    /// Items deleted once past their TTL attribute (moto never deletes).
    TtlDeletion,
    /// Cognito's managed login: the hosted sign-in page and the OAuth 2.0
    /// endpoints (moto has none).
    ManagedLogin,
    /// RevokeToken, which ends one sign-in (moto answers HTTP 500).
    RevokeToken,
    /// GetTokensFromRefreshToken, the refresh of clients that rotate
    /// refresh tokens (moto has none; ministack answers without rotating).
    GetTokensFromRefreshToken,
}

impl Gap {
    /// The emulator that lacks it.
    ///
    /// ```
    /// use test_support::emulator::{Emulator, Gap};
    /// assert_eq!(Gap::PolicyOnNewPassword.lacking(), Emulator::Ministack);
    /// ```
    pub fn lacking(self) -> Emulator {
        match self {
            Gap::MfaSetup | Gap::PolicyOnNewPassword | Gap::ChallengeSession => Emulator::Ministack,
            Gap::SizedCapacity
            | Gap::TtlDeletion
            | Gap::ManagedLogin
            | Gap::RevokeToken
            | Gap::GetTokensFromRefreshToken => Emulator::Moto,
        }
    }

    /// What is missing, in words.
    ///
    /// ```
    /// assert!(test_support::emulator::Gap::MfaSetup.describe().contains("MFA_SETUP"));
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Gap::MfaSetup => "no MFA_SETUP challenge",
            Gap::PolicyOnNewPassword => "no password policy at NEW_PASSWORD_REQUIRED",
            Gap::ChallengeSession => "no check of the challenge session at NEW_PASSWORD_REQUIRED",
            Gap::SizedCapacity => "a flat consumed capacity per call",
            Gap::TtlDeletion => "no deletion of expired items",
            Gap::ManagedLogin => "no managed login (hosted page, /oauth2/token)",
            Gap::RevokeToken => "no RevokeToken",
            Gap::GetTokensFromRefreshToken => "no GetTokensFromRefreshToken",
        }
    }
}

/// Says, by the test's name, that `emulator` cannot do `gap`, and counts it.
pub(crate) fn report(emulator: Emulator, gap: Gap) {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test off its thread")
        .to_owned();
    let line = format!("{test}: {emulator} has {} ({gap:?})", gap.describe());
    println!("emulator gap: {line}");
    let dir = crate::workspace_root().join("target/test-logs");
    let appended = std::fs::create_dir_all(&dir).and_then(|()| {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("emulator-gaps.txt"))?;
        writeln!(file, "{line}")
    });
    if let Err(e) = appended {
        panic!("cannot count the emulator gap {line}: {e}");
    }
}
