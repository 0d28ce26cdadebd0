//! What an app does on each request with the tokens a signed-in session
//! keeps: verify them, refresh them when due, and end the session when
//! Cognito will not refresh them, but not for a Cognito outage while the
//! access token still holds.

use std::time::{Duration, SystemTime};

use crate::{AuthError, Claims, Cognito, TokenUse, Tokens};

/// What [`Cognito::check_tokens`] found.
///
/// ```
/// # async fn example(cognito: auth::Cognito, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
/// use std::time::Duration;
/// use auth::TokenCheck;
/// match cognito.check_tokens("alice", &tokens, Duration::from_secs(60)).await? {
///     TokenCheck::Valid(claims) => println!("still {}", claims.username),
///     TokenCheck::Refreshed(fresh, _) => { /* keep `fresh` in the session */ }
///     TokenCheck::Ended => { /* purge the session: signed out */ }
///     _ => {}
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenCheck {
    /// The access token verifies: the session stays signed in. Also when it
    /// was due for a refresh that Cognito could not make just now (down,
    /// throttling): a later request tries again.
    Valid(Claims),
    /// Refreshed and verified: keep these tokens instead of the old ones.
    Refreshed(Tokens, Claims),
    /// No longer a sign-in: the access token does not verify and cannot be
    /// refreshed, Cognito refused the refresh (the user signed out
    /// everywhere, was disabled...), or the tokens are another user's.
    Ended,
}

impl Cognito {
    /// Checks the tokens that a session keeps for `username`, as an app does
    /// on each request:
    ///
    /// - an access token that verifies and expires later than
    ///   `refresh_margin` from now is [`TokenCheck::Valid`];
    /// - otherwise the tokens are refreshed ([`TokenCheck::Refreshed`]);
    /// - a refresh that Cognito refuses, or tokens of another user, is
    ///   [`TokenCheck::Ended`];
    /// - a refresh that cannot be made now (Cognito unreachable, throttling,
    ///   refusing the app's settings) keeps the session while its access
    ///   token still verifies, and is that error once it no longer does.
    ///
    /// Errors are [`AuthError::ServiceUnavailable`],
    /// [`AuthError::TooManyAttempts`] or [`AuthError::Misconfigured`]: the
    /// session is not at fault, and should not end.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// use std::time::Duration;
    /// // Refresh a minute before the access token expires.
    /// let check = cognito.check_tokens("alice", &tokens, Duration::from_secs(60)).await?;
    /// println!("{check:?}");
    /// # Ok(()) }
    /// ```
    pub async fn check_tokens(
        &self,
        username: &str,
        tokens: &Tokens,
        refresh_margin: Duration,
    ) -> Result<TokenCheck, AuthError> {
        let fresh_until = SystemTime::now() + refresh_margin;
        // The claims while the access token still verifies, though due.
        let still_valid = match self
            .verifier()
            .verify(&tokens.access_token, TokenUse::Access)
            .await
        {
            Ok(claims) if claims.username != username => return Ok(TokenCheck::Ended),
            Ok(claims) if claims.expires_at > fresh_until => return Ok(TokenCheck::Valid(claims)),
            Ok(claims) => Some(claims),
            Err(AuthError::InvalidToken { .. }) => None,
            Err(err) => return Err(err),
        };
        let Some(refresh_token) = tokens.refresh_token.as_deref() else {
            return Ok(match still_valid {
                Some(claims) => TokenCheck::Valid(claims),
                None => TokenCheck::Ended,
            });
        };
        match self.refresh(username, refresh_token).await {
            Ok(refreshed) => match self
                .verifier()
                .verify(&refreshed.access_token, TokenUse::Access)
                .await
            {
                Ok(claims) if claims.username == username => {
                    Ok(TokenCheck::Refreshed(refreshed, claims))
                }
                Ok(_) => Ok(TokenCheck::Ended),
                Err(AuthError::InvalidToken { reason }) => {
                    tracing::info!(%reason, "refreshed token rejected");
                    Ok(TokenCheck::Ended)
                }
                Err(err) => Err(err),
            },
            // Not the user's doing (the refresh quota is per account): the
            // refresh can wait while the token still holds.
            Err(
                err @ (AuthError::ServiceUnavailable { .. }
                | AuthError::TooManyAttempts
                | AuthError::Misconfigured { .. }),
            ) => match still_valid {
                Some(claims) => {
                    tracing::warn!(error = ?err, "refresh not possible now; trying on a later request");
                    Ok(TokenCheck::Valid(claims))
                }
                None => {
                    tracing::warn!(error = ?err, "refresh not possible now");
                    Err(err)
                }
            },
            Err(err) => {
                tracing::info!(error = ?err, "refresh refused; the session ends");
                Ok(TokenCheck::Ended)
            }
        }
    }
}
