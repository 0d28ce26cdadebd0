use serde::{Deserialize, Serialize};

/// The tokens of a signed-in user. `Debug` shows none of them.
///
/// ```
/// let tokens = auth::Tokens {
///     access_token: "eyJraWQiOiJhY2Nlc3MifQ.e30.c2lnbmF0dXJlLWFjY2Vzcw".to_owned(),
///     id_token: "eyJraWQiOiJpZCJ9.e30.c2lnbmF0dXJlLWlk".to_owned(),
///     refresh_token: None,
///     expires_in: 3600,
/// };
/// // Safe to log: Debug shows only the ends of each token.
/// let logged = format!("{tokens:?}");
/// assert!(!logged.contains(&tokens.access_token) && !logged.contains(&tokens.id_token));
/// // Serializable, to keep server-side in a session.
/// let kept = serde_json::to_string(&tokens).unwrap();
/// assert_eq!(serde_json::from_str::<auth::Tokens>(&kept).unwrap(), tokens);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// The access token (a JWT): for Cognito's user APIs and your APIs.
    pub access_token: String,
    /// The ID token (a JWT): who the user is.
    pub id_token: String,
    /// The refresh token (opaque); refreshes return none.
    pub refresh_token: Option<String>,
    /// Lifetime of the access and ID tokens, in seconds.
    pub expires_in: i32,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &redact(&self.access_token))
            .field("id_token", &redact(&self.id_token))
            .field("refresh_token", &self.refresh_token.as_deref().map(redact))
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// A token shortened so it can be shown or logged: its first 8 and last 4
/// characters (never enough to use it).
///
/// ```
/// assert_eq!(auth::redact("eyJraWQiOiJkdW1teSJ9.payload.signature"), "eyJraWQi…ture");
/// assert_eq!(auth::redact("short"), "…");
/// ```
pub fn redact(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < 24 {
        return "…".to_owned();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// What a sign-in step led to.
///
/// ```
/// # async fn example(cognito: auth::Cognito, username: &str, password: &str) -> Result<(), auth::AuthError> {
/// use auth::SignIn;
/// let tokens = match cognito.sign_in(username, password).await? {
///     SignIn::Tokens(tokens) => tokens,
///     SignIn::NewPasswordRequired(challenge) => {
///         // Here a web app shows a form; see Cognito::answer_new_password.
///         match cognito.answer_new_password(&challenge, "a new long password", &[]).await? {
///             SignIn::Tokens(tokens) => tokens,
///             _ => return Ok(()),
///         }
///     }
///     SignIn::MfaRequired(challenge) => {
///         // Here a web app asks for the code of the user's authenticator app.
///         match cognito.answer_mfa(&challenge, "123456").await? {
///             SignIn::Tokens(tokens) => tokens,
///             _ => return Ok(()),
///         }
///     }
///     // Here a web app shows the key of a new app; see Cognito::begin_mfa_setup.
///     SignIn::MfaSetupRequired(_) | SignIn::MfaSelection(_) => return Ok(()),
///     // #[non_exhaustive]: Cognito may add challenges.
///     _ => return Ok(()),
/// };
/// # let _ = tokens;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum SignIn {
    /// Signed in.
    Tokens(Tokens),
    /// The user has a temporary password and must choose a new one:
    /// answer with [`crate::Cognito::answer_new_password`].
    NewPasswordRequired(NewPasswordChallenge),
    /// The password was right; now a one-time code (from the user's
    /// authenticator app, or a text message): answer with
    /// [`crate::Cognito::answer_mfa`].
    MfaRequired(crate::MfaChallenge),
    /// The password was right, but the pool requires two-factor sign-in
    /// and the user has no authenticator app yet: set one up with
    /// [`crate::Cognito::begin_mfa_setup`].
    MfaSetupRequired(crate::MfaSetupChallenge),
    /// The password was right, and the user has two kinds of code with
    /// neither preferred: choose one with [`crate::Cognito::select_mfa`].
    MfaSelection(crate::MfaSelection),
}

/// Cognito's NEW_PASSWORD_REQUIRED challenge. Serializable, so a web app can
/// keep it in the server-side session between the two pages. Its `session`
/// is a secret of the sign-in in progress: keep it server-side.
///
/// ```
/// let challenge = auth::NewPasswordChallenge {
///     username: "alice".to_owned(),
///     session: "AYABeC0bTmhSYWRiN0F4dEhnUUtYbE5xSDVmb0FyX2ZqZWVmX2Z1bQ".to_owned(),
///     required_attributes: vec!["email".to_owned()],
/// };
/// // Kept between the two pages, e.g. in a server-side session as JSON.
/// let kept = serde_json::to_string(&challenge).unwrap();
/// assert_eq!(serde_json::from_str::<auth::NewPasswordChallenge>(&kept).unwrap(), challenge);
/// // Debug hides Cognito's session.
/// assert!(!format!("{challenge:?}").contains(&challenge.session));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordChallenge {
    /// The user name Cognito expects in the answer.
    pub username: String,
    /// Cognito's session of this sign-in (valid a few minutes).
    pub session: String,
    /// Attributes the answer must give (e.g. `email`), without the
    /// `userAttributes.` prefix.
    pub required_attributes: Vec<String>,
}

impl std::fmt::Debug for NewPasswordChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPasswordChallenge")
            .field("username", &self.username)
            .field("session", &redact(&self.session))
            .field("required_attributes", &self.required_attributes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_token() {
        let tokens = Tokens {
            access_token: "A".repeat(100),
            id_token: "I".repeat(100),
            refresh_token: Some("R".repeat(100)),
            expires_in: 3600,
        };
        let shown = format!("{tokens:?}");
        for secret in ["A".repeat(20), "I".repeat(20), "R".repeat(20)] {
            assert!(!shown.contains(&secret), "{shown}");
        }
    }
}
