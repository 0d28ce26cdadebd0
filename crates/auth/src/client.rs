use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};

use crate::calls::{CallCount, CallCounters};
use crate::challenge::{Answer, next_step};
use crate::error::Call;
use crate::srp::{SrpClient, timestamp};
use crate::{AuthError, AuthFlow, SignIn, TokenVerifier, Tokens, secret_hash};

/// A Cognito user pool app client: sign-in, challenges, refresh, sign-out
/// and token verification. Holds no per-user state, so one value serves
/// every request and any number of server instances.
///
/// ```no_run
/// # async fn example() -> Result<(), auth::AuthError> {
/// use auth::{Cognito, SignIn, TokenUse};
/// let aws = aws_config::load_from_env().await;
/// let cognito = Cognito::builder(&aws, "eu-west-1_AbCdEf", "client-id").build();
/// match cognito.sign_in("alice", "secret").await? {
///     SignIn::Tokens(tokens) => {
///         let claims = cognito.verifier().verify(&tokens.access_token, TokenUse::Access).await?;
///         println!("signed in as {}", claims.username);
///         cognito.sign_out(&tokens.access_token).await?; // revokes the tokens at Cognito
///     }
///     SignIn::NewPasswordRequired(challenge) => {
///         cognito.answer_new_password(&challenge, "a new password", &[]).await?;
///     }
///     SignIn::MfaRequired(challenge) => {
///         cognito.answer_mfa(&challenge, "123456").await?;
///     }
///     SignIn::MfaSetupRequired(challenge) => {
///         let (_secret, challenge) = cognito.begin_mfa_setup(&challenge).await?;
///         cognito.finish_mfa_setup(&challenge, "123456").await?;
///     }
///     SignIn::MfaSelection(selection) => {
///         cognito.select_mfa(&selection, selection.preferred()).await?;
///     }
///     // Cognito may add challenges: SignIn is #[non_exhaustive].
///     _ => println!("a step this app does not answer"),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Cognito {
    pub(crate) client: Client,
    pub(crate) pool_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
    pub(crate) auth_flow: AuthFlow,
    /// Refresh with GetTokensFromRefreshToken (the client rotates them).
    pub(crate) rotating: bool,
    /// Shared by clones: one key cache and one set of counts.
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) counters: Arc<CallCounters>,
    /// Sent with the calls made without a token (see [`Cognito::for_user`]).
    pub(crate) user_context: Option<crate::UserContext>,
}

impl std::fmt::Debug for Cognito {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cognito")
            .field("pool_id", &self.pool_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("auth_flow", &self.auth_flow)
            .finish()
    }
}

impl Cognito {
    /// The verifier of this pool's tokens.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, bearer: &str) -> Result<(), auth::AuthError> {
    /// // An API call with `Authorization: Bearer <access token>`.
    /// let claims = cognito.verifier().verify(bearer, auth::TokenUse::Access).await?;
    /// println!("request by {}", claims.username);
    /// # Ok(()) }
    /// ```
    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    /// Counts of the Cognito calls made so far, by kind.
    ///
    /// ```
    /// let sdk_config = aws_config::SdkConfig::builder()
    ///     .behavior_version(aws_config::BehaviorVersion::latest())
    ///     .build();
    /// let cognito = auth::Cognito::builder(&sdk_config, "eu-west-1_AbCdEf", "client-id").build();
    /// let counts = cognito.call_counts();
    /// assert_eq!(counts.len(), auth::CALLS.len());
    /// assert!(counts.iter().all(|c| c.calls == 0 && c.failures == 0));
    /// ```
    pub fn call_counts(&self) -> Vec<CallCount> {
        self.counters.snapshot()
    }

    /// Counts the answer to `call` and maps its error as `kind` says:
    /// every call to Cognito ends here.
    pub(crate) fn settle<T, E>(
        &self,
        call: &'static str,
        kind: Call,
        answer: Result<T, aws_sdk_cognitoidentityprovider::error::SdkError<E>>,
    ) -> Result<T, AuthError>
    where
        E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
            + std::error::Error
            + 'static,
    {
        self.counters.record(call, &answer);
        answer.map_err(|e| AuthError::from_sdk(e, kind))
    }

    /// The user pool id.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) {
    /// println!("signing users in to {}", cognito.pool_id());
    /// # }
    /// ```
    pub fn pool_id(&self) -> &str {
        &self.pool_id
    }

    pub(crate) fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_deref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }

    /// One InitiateAuth call, with SECRET_HASH when the client has a secret;
    /// counted. `call`: [`Call::WithToken`] when the parameters hold a token.
    async fn initiate_auth(
        &self,
        flow: AuthFlowType,
        username: &str,
        parameters: &[(&str, &str)],
        call: Call,
    ) -> Result<InitiateAuthOutput, AuthError> {
        let mut request = self
            .client
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(flow)
            .set_user_context_data(self.user_context_data());
        for (name, value) in parameters {
            request = request.auth_parameters(*name, *value);
        }
        if let Some(hash) = self.secret_hash(username) {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        let output = request.send().await;
        self.settle("InitiateAuth", call, output)
    }

    /// Signs `username` in with `password`, by SRP unless configured otherwise.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) {
    /// use auth::SignIn;
    /// match cognito.sign_in("alice", "correct horse battery").await {
    ///     Ok(SignIn::Tokens(tokens)) => println!("signed in for {} s", tokens.expires_in),
    ///     Ok(SignIn::NewPasswordRequired(challenge)) => {
    ///         println!("{} must choose a new password", challenge.username)
    ///     }
    ///     Ok(SignIn::MfaRequired(challenge)) => println!("now a code ({:?})", challenge.kind),
    ///     Ok(SignIn::MfaSetupRequired(_)) => println!("first, an authenticator app"),
    ///     Ok(SignIn::MfaSelection(selection)) => println!("a code: {:?}", selection.choices),
    ///     Ok(_) => println!("a step this app does not answer"),
    ///     // Safe to show: the same text for a wrong password and an unknown user.
    ///     Err(e) => println!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SignIn, AuthError> {
        match self.auth_flow {
            AuthFlow::Srp => self.sign_in_srp(username, password).await,
            AuthFlow::Password => {
                let parameters = [("USERNAME", username), ("PASSWORD", password)];
                let output = self
                    .initiate_auth(
                        AuthFlowType::UserPasswordAuth,
                        username,
                        &parameters,
                        Call::SignIn,
                    )
                    .await?;
                next_step(output, username)
            }
        }
    }

    async fn sign_in_srp(&self, username: &str, password: &str) -> Result<SignIn, AuthError> {
        let (srp, public) = off_the_event_loop(|| {
            let srp = SrpClient::new();
            let public = srp.public_hex();
            (srp, public)
        })
        .await?;
        let parameters = [("USERNAME", username), ("SRP_A", public.as_str())];
        let output = self
            .initiate_auth(
                AuthFlowType::UserSrpAuth,
                username,
                &parameters,
                Call::SignIn,
            )
            .await?;
        if output.challenge_name != Some(ChallengeNameType::PasswordVerifier) {
            return next_step(output, username);
        }
        let params = output.challenge_parameters.unwrap_or_default();
        let param = |name: &'static str| {
            params
                .get(name)
                .map(String::as_str)
                .ok_or_else(|| AuthError::other(format!("PASSWORD_VERIFIER without {name}")))
        };
        // The answer names the user as the challenge does (not USER_ID_FOR_SRP).
        let challenge_username = param("USERNAME")?;
        let now = timestamp(chrono::Utc::now());
        let inputs = [
            self.pool_id.as_str(),
            param("USER_ID_FOR_SRP")?,
            password,
            param("SALT")?,
            param("SRP_B")?,
            param("SECRET_BLOCK")?,
            &now,
        ]
        .map(str::to_owned);
        let signature = off_the_event_loop(move || {
            let [pool, user, password, salt, b, secret_block, now] = &inputs;
            srp.password_claim_signature(pool, user, password, salt, b, secret_block, now)
        })
        .await?
        .map_err(|e| AuthError::other(format!("SRP: {e}")))?;
        let responses = [
            (
                "PASSWORD_CLAIM_SECRET_BLOCK",
                param("SECRET_BLOCK")?.to_owned(),
            ),
            ("PASSWORD_CLAIM_SIGNATURE", signature),
            ("TIMESTAMP", now),
        ];
        self.respond_to_challenge(
            Call::Challenge,
            ChallengeNameType::PasswordVerifier,
            challenge_username,
            output.session,
            responses,
        )
        .await
    }

    /// New access and ID tokens from a refresh token. `username` is the
    /// `username` claim of the user's tokens (needed for SECRET_HASH).
    ///
    /// This is InitiateAuth's REFRESH_TOKEN_AUTH; for an app client that
    /// rotates refresh tokens
    /// ([`CognitoBuilder::rotating_refresh_tokens`](crate::CognitoBuilder::rotating_refresh_tokens)),
    /// GetTokensFromRefreshToken, whose answer brings a new refresh token:
    /// keep the returned one. A rotated-out token used again after Cognito's
    /// grace period is refused ([`AuthError::InvalidToken`]): sign in again.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, username: &str, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// // `username` as kept at sign-in; the access token has expired.
    /// if let Some(refresh_token) = &tokens.refresh_token {
    ///     let fresh = cognito.refresh(username, refresh_token).await?;
    ///     // Keeps the refresh token unless Cognito rotated it.
    ///     assert!(fresh.refresh_token.is_some());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn refresh(&self, username: &str, refresh_token: &str) -> Result<Tokens, AuthError> {
        let answer: Answer = if self.rotating {
            let output = self
                .client
                .get_tokens_from_refresh_token()
                .refresh_token(refresh_token)
                .client_id(&self.client_id)
                .set_client_secret(self.client_secret.clone())
                .send()
                .await;
            let output = self.settle("GetTokensFromRefreshToken", Call::WithToken, output)?;
            Answer {
                result: output.authentication_result,
                ..Answer::default()
            }
        } else {
            let parameters = [("REFRESH_TOKEN", refresh_token)];
            self.initiate_auth(
                AuthFlowType::RefreshTokenAuth,
                username,
                &parameters,
                Call::WithToken,
            )
            .await?
            .into()
        };
        match next_step(answer, username)? {
            SignIn::Tokens(mut tokens) => {
                // A new refresh token comes only when Cognito rotates them.
                tokens.refresh_token = tokens
                    .refresh_token
                    .or_else(|| Some(refresh_token.to_owned()));
                Ok(tokens)
            }
            _ => Err(AuthError::other("refresh answered with a challenge")),
        }
    }

    /// Signs the user out everywhere: Cognito revokes their access and
    /// refresh tokens (GlobalSignOut).
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// cognito.sign_out(&tokens.access_token).await?;
    /// // Revoked at Cognito, though its signature still checks out until it expires.
    /// assert!(cognito.current_user(&tokens.access_token).await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self, access_token: &str) -> Result<(), AuthError> {
        let result = self
            .client
            .global_sign_out()
            .access_token(access_token)
            .send()
            .await;
        self.settle("GlobalSignOut", Call::WithToken, result)?;
        Ok(())
    }

    /// Ends one sign-in: Cognito revokes `refresh_token` and the access
    /// tokens issued with it (RevokeToken). The user's other sign-ins go on.
    ///
    /// It fails when the app client has token revocation turned off
    /// (Cognito's default since 2021 is on), or the endpoint lacks the call
    /// (moto answers 500): `actix::CognitoLogin::sign_out` (feature `actix`) then
    /// falls back to [`Cognito::sign_out`], which ends every sign-in.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// cognito.revoke_refresh_token(tokens.refresh_token.as_deref().unwrap()).await?;
    /// assert!(cognito.refresh("alice", tokens.refresh_token.as_deref().unwrap()).await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn revoke_refresh_token(&self, refresh_token: &str) -> Result<(), AuthError> {
        let result = self
            .client
            .revoke_token()
            .token(refresh_token)
            .client_id(&self.client_id)
            .set_client_secret(self.client_secret.clone())
            .send()
            .await;
        self.settle("RevokeToken", Call::WithToken, result)?;
        Ok(())
    }

    /// The user name of an access token, asked of Cognito (GetUser): fails
    /// once the token is revoked, which a signature check cannot tell.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, access_token: &str) {
    /// match cognito.current_user(access_token).await {
    ///     Ok(username) => println!("still signed in as {username}"),
    ///     Err(auth::AuthError::InvalidToken { .. }) => println!("signed out elsewhere"),
    ///     Err(e) => println!("{e}"),
    /// }
    /// # }
    /// ```
    pub async fn current_user(&self, access_token: &str) -> Result<String, AuthError> {
        let output = self
            .client
            .get_user()
            .access_token(access_token)
            .send()
            .await;
        let output = self.settle("GetUser", Call::WithToken, output)?;
        Ok(output.username)
    }
}

/// Runs SRP's arithmetic (about 5 ms for each of its two steps, in release)
/// on tokio's blocking threads: on the caller's thread it would hold up every
/// other request of that actix worker for the whole computation.
async fn off_the_event_loop<T, F>(compute: F) -> Result<T, AuthError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(compute)
        .await
        .map_err(|e| AuthError::other(format!("SRP computation: {e}")))
}
