//! The typed session of the demo: what it keeps, under which names.

use actix_session::{Session, SessionExt, SessionGetError, SessionInsertError};
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use auth::actix::{TOKENS_KEY, USER_KEY};
use auth::{MfaChallenge, MfaSetupChallenge, NewPasswordChallenge};
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{Map, Value};
use session_store::SessionHandle;
use subtle::ConstantTimeEq;

const VIEWS: &str = "views";
const CSRF: &str = "csrf";
const CHALLENGE: &str = "challenge";
const SIGNUP: &str = "signup";
const RESET: &str = "reset";
const CODE_CHALLENGE: &str = "code_challenge";
const WRONG_CODES: &str = "wrong_codes";
const TOTP_SECRET: &str = "totp_secret";
const SETUP_CHALLENGE: &str = "setup_challenge";
/// The device the user logged in from; the store lists it with the session
/// (its label field).
pub(crate) const DEVICE: &str = "device";

/// The request's session, with typed accessors.
pub struct AppSession {
    session: Session,
    /// The browser says the request comes from a page of this site
    /// (`Sec-Fetch-Site: same-origin`, a header no page can set).
    same_origin: bool,
    /// The request's `User-Agent`, parsed only when the user logs in.
    user_agent: Option<actix_web::http::header::HeaderValue>,
}

impl FromRequest for AppSession {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(AppSession::of(req)))
    }
}

/// A state-changing request without this session's CSRF token: a 403.
#[derive(Debug)]
pub struct CsrfRejected;

/// A session read or write that failed (a value of the wrong shape).
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Reading a value failed.
    #[error(transparent)]
    Get(#[from] SessionGetError),
    /// Writing a value failed.
    #[error(transparent)]
    Insert(#[from] SessionInsertError),
}

impl AppSession {
    /// The session of `req`.
    pub fn of(req: &HttpRequest) -> Self {
        let same_origin = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin");
        AppSession {
            session: req.get_session(),
            same_origin,
            user_agent: req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .cloned(),
        }
    }

    /// The user name the session holds, unchecked: the authenticator's
    /// `current_user` says whether the sign-in still holds.
    pub fn user(&self) -> Result<Option<String>, SessionError> {
        Ok(self.session.get(USER_KEY)?)
    }

    /// Counts a page view, as the original does on every page: returns the new count.
    pub fn count_view(&self) -> Result<u64, SessionError> {
        // Saturating: the count comes from the table, which others may write.
        let views = self
            .session
            .get::<u64>(VIEWS)?
            .unwrap_or(0)
            .saturating_add(1);
        self.session.insert(VIEWS, views)?;
        Ok(views)
    }

    /// Page views so far.
    pub fn views(&self) -> Result<u64, SessionError> {
        Ok(self.session.get(VIEWS)?.unwrap_or(0))
    }

    /// What the demo keeps once the authenticator has signed a user in
    /// (under a new session id): the sign-in's challenges dropped, the
    /// device named, a new CSRF token.
    pub fn signed_in(&self) -> Result<(), SessionError> {
        self.clear_challenge();
        self.clear_code_challenge();
        self.clear_setup_challenge();
        let device = self
            .user_agent
            .as_ref()
            .and_then(|agent| agent.to_str().ok())
            .and_then(crate::device::describe);
        match device {
            Some(device) => self.session.insert(DEVICE, device)?,
            None => _ = self.session.remove(DEVICE),
        }
        // A new CSRF token along with the new id.
        self.session.insert(CSRF, new_token())?;
        Ok(())
    }

    /// Ends the session: the item is deleted and the cookie removed.
    pub fn log_out(&self) {
        self.session.purge();
    }

    /// Keeps the user name of an account waiting for its confirmation code.
    pub fn set_signup(&self, username: &str) -> Result<(), SessionError> {
        Ok(self.session.insert(SIGNUP, username)?)
    }

    /// The account waiting for its confirmation code, if any.
    pub fn signup(&self) -> Result<Option<String>, SessionError> {
        Ok(self.session.get(SIGNUP)?)
    }

    /// Forgets the account waiting for its code (confirmed).
    pub fn clear_signup(&self) {
        self.session.remove(SIGNUP);
    }

    /// Keeps the user name of a password reset waiting for its code.
    pub fn set_reset(&self, username: &str) -> Result<(), SessionError> {
        Ok(self.session.insert(RESET, username)?)
    }

    /// The password reset waiting for its code, if any.
    pub fn reset(&self) -> Result<Option<String>, SessionError> {
        Ok(self.session.get(RESET)?)
    }

    /// Forgets the password reset (done).
    pub fn clear_reset(&self) {
        self.session.remove(RESET);
    }

    /// Keeps a sign-in waiting for its one-time code (server-side only),
    /// with no wrong code yet.
    pub fn set_code_challenge(&self, challenge: &MfaChallenge) -> Result<(), SessionError> {
        self.session.insert(CODE_CHALLENGE, challenge)?;
        Ok(self.session.insert(WRONG_CODES, 0u32)?)
    }

    /// The sign-in waiting for its code, if any.
    pub fn code_challenge(&self) -> Result<Option<MfaChallenge>, SessionError> {
        Ok(self.session.get(CODE_CHALLENGE)?)
    }

    /// Counts a wrong code: how many so far.
    pub fn wrong_code(&self) -> Result<u32, SessionError> {
        let wrong = self
            .session
            .get::<u32>(WRONG_CODES)?
            .unwrap_or(0)
            .saturating_add(1);
        self.session.insert(WRONG_CODES, wrong)?;
        Ok(wrong)
    }

    /// Drops the sign-in waiting for its code.
    pub fn clear_code_challenge(&self) {
        self.session.remove(CODE_CHALLENGE);
        self.session.remove(WRONG_CODES);
    }

    /// Keeps a sign-in that must set up an authenticator app (server-side only).
    pub fn set_setup_challenge(&self, challenge: &MfaSetupChallenge) -> Result<(), SessionError> {
        Ok(self.session.insert(SETUP_CHALLENGE, challenge)?)
    }

    /// The sign-in setting up an app, if any.
    pub fn setup_challenge(&self) -> Result<Option<MfaSetupChallenge>, SessionError> {
        Ok(self.session.get(SETUP_CHALLENGE)?)
    }

    /// Drops the sign-in setting up an app.
    pub fn clear_setup_challenge(&self) {
        self.session.remove(SETUP_CHALLENGE);
        self.session.remove(TOTP_SECRET);
    }

    /// Keeps an authenticator app's secret between its two setup steps.
    pub fn set_totp_secret(&self, secret: &str) -> Result<(), SessionError> {
        Ok(self.session.insert(TOTP_SECRET, secret)?)
    }

    /// The secret being set up, if any.
    pub fn totp_secret(&self) -> Result<Option<String>, SessionError> {
        Ok(self.session.get(TOTP_SECRET)?)
    }

    /// Forgets the secret (set up, or given up).
    pub fn clear_totp_secret(&self) {
        self.session.remove(TOTP_SECRET);
    }

    /// Keeps a pending NEW_PASSWORD_REQUIRED challenge (server-side only).
    pub fn set_challenge(&self, challenge: &NewPasswordChallenge) -> Result<(), SessionError> {
        Ok(self.session.insert(CHALLENGE, challenge)?)
    }

    /// Drops the pending challenge (it can no longer be answered).
    pub fn clear_challenge(&self) {
        self.session.remove(CHALLENGE);
    }

    /// The pending challenge, if any.
    pub fn challenge(&self) -> Result<Option<NewPasswordChallenge>, SessionError> {
        Ok(self.session.get(CHALLENGE)?)
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> Result<String, SessionError> {
        if let Some(token) = self.session.get::<String>(CSRF)? {
            return Ok(token);
        }
        let token = new_token();
        self.session.insert(CSRF, &token)?;
        Ok(token)
    }

    /// Refuses a state-changing request whose form does not carry this
    /// session's CSRF token. Compared in constant time.
    ///
    /// A session without a token is new, typically because the one the
    /// page was shown in expired while it was open (stage 1's sessions last
    /// 8 s, less than it takes to type a password). There the browser's
    /// word that the form is one of this site's pages stands in for the
    /// token: it holds nothing a forged request could abuse, and a login
    /// into an attacker's account needs a cross-site request, which the
    /// browser names as such. Without that word the request is refused.
    pub fn check_csrf(&self, given: &str) -> Result<(), CsrfRejected> {
        let passes = match self.session.get::<String>(CSRF) {
            Ok(Some(expected)) => expected.as_bytes().ct_eq(given.as_bytes()).into(),
            Ok(None) => self.same_origin,
            Err(_) => false,
        };
        if passes { Ok(()) } else { Err(CsrfRejected) }
    }

    /// The non-secret handle of this session in the store, once stored.
    pub fn handle(&self) -> Option<SessionHandle> {
        SessionHandle::of(&self.session)
    }

    /// The session data for the footer, with every token shortened.
    pub fn shown(&self) -> Value {
        let mut shown = Map::new();
        for (key, raw) in self.session.entries().iter() {
            // The store's record of what this request loaded: bookkeeping,
            // not the app's data.
            if key == session_store::LOADED_FIELD {
                continue;
            }
            let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.clone()));
            let value = match key.as_str() {
                TOKENS_KEY | CHALLENGE | CODE_CHALLENGE | SETUP_CHALLENGE | TOTP_SECRET => {
                    redact_strings(value)
                }
                _ => value,
            };
            shown.insert(key.clone(), value);
        }
        Value::Object(shown)
    }
}

fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

fn redact_strings(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(auth::redact(&s)),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, redact_strings(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_reaches_nested_strings() {
        let long = "x".repeat(100);
        let value = serde_json::json!({"access_token": long, "expires_in": 3600});
        let shown = redact_strings(value).to_string();
        assert!(!shown.contains(&"x".repeat(20)), "{shown}");
        assert!(shown.contains("3600"));
    }
}
