use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};

use crate::calls::{CallCount, CallCounters};
use crate::error::Call;
use crate::srp::{SrpClient, timestamp};
use crate::{
    AuthError, AuthFlow, MfaKind, NewPasswordChallenge, SignIn, TokenVerifier, Tokens, secret_hash,
};

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

    /// One RespondToAuthChallenge call for `username` (as the challenge names
    /// them), with SECRET_HASH when the client has a secret; counted.
    pub(crate) async fn respond_to_challenge(
        &self,
        call: Call,
        challenge: ChallengeNameType,
        username: &str,
        session: Option<String>,
        responses: impl IntoIterator<Item = (impl Into<String>, String)>,
    ) -> Result<SignIn, AuthError> {
        let mut request = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(challenge)
            .set_session(session)
            .set_user_context_data(self.user_context_data())
            .challenge_responses("USERNAME", username);
        for (name, value) in responses {
            request = request.challenge_responses(name, value);
        }
        if let Some(hash) = self.secret_hash(username) {
            request = request.challenge_responses("SECRET_HASH", hash);
        }
        let answer = request.send().await;
        next_step(
            self.settle("RespondToAuthChallenge", call, answer)?,
            username,
        )
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

    /// Answers NEW_PASSWORD_REQUIRED with a new password and the required
    /// attributes (`(name, value)` without the `userAttributes.` prefix).
    /// A password against the pool's policy is [`AuthError::InvalidPassword`]
    /// and an attribute Cognito refuses [`AuthError::InvalidAttribute`] (ask
    /// again, with Cognito's message); after the challenge's few minutes it
    /// is [`AuthError::ChallengeExpired`] (sign in again).
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, challenge: auth::NewPasswordChallenge) -> Result<(), auth::AuthError> {
    /// // `challenge` came from sign_in; the user filled in the required attributes.
    /// let attributes = [("email".to_owned(), "alice@example.com".to_owned())];
    /// match cognito.answer_new_password(&challenge, "a new long password", &attributes).await? {
    ///     auth::SignIn::Tokens(tokens) => println!("signed in for {} s", tokens.expires_in),
    ///     auth::SignIn::NewPasswordRequired(_) => println!("Cognito asks again"),
    ///     auth::SignIn::MfaRequired(_) => println!("and now a one-time code"),
    ///     auth::SignIn::MfaSetupRequired(_) => println!("and now an authenticator app"),
    ///     auth::SignIn::MfaSelection(_) => println!("and now a choice of code"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn answer_new_password(
        &self,
        challenge: &NewPasswordChallenge,
        new_password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignIn, AuthError> {
        self.respond_to_challenge(
            Call::NewPassword,
            ChallengeNameType::NewPasswordRequired,
            &challenge.username,
            Some(challenge.session.clone()),
            new_password_responses(new_password, attributes),
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
    /// (moto answers 500): [`crate::actix::CognitoLogin::sign_out`] then
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

/// The answer to NEW_PASSWORD_REQUIRED besides the user name: the password,
/// and each attribute under Cognito's `userAttributes.` prefix.
fn new_password_responses(
    new_password: &str,
    attributes: &[(String, String)],
) -> Vec<(String, String)> {
    std::iter::once(("NEW_PASSWORD".to_owned(), new_password.to_owned()))
        .chain(
            attributes
                .iter()
                .map(|(name, value)| (format!("userAttributes.{name}"), value.clone())),
        )
        .collect()
}

/// What InitiateAuth and RespondToAuthChallenge answer alike: tokens, or
/// the next challenge.
#[derive(Default)]
struct Answer {
    challenge: Option<ChallengeNameType>,
    parameters: Option<HashMap<String, String>>,
    session: Option<String>,
    result: Option<AuthenticationResultType>,
}

impl From<InitiateAuthOutput> for Answer {
    fn from(output: InitiateAuthOutput) -> Self {
        Self {
            challenge: output.challenge_name,
            parameters: output.challenge_parameters,
            session: output.session,
            result: output.authentication_result,
        }
    }
}

impl From<RespondToAuthChallengeOutput> for Answer {
    fn from(output: RespondToAuthChallengeOutput) -> Self {
        Self {
            challenge: output.challenge_name,
            parameters: output.challenge_parameters,
            session: output.session,
            result: output.authentication_result,
        }
    }
}

/// The tokens of an answer, or the challenge it asks to answer next.
/// `username`: the name the sign-in began with, for a challenge whose
/// parameters do not name the user (Cognito's canonical name comes first).
fn next_step(answer: impl Into<Answer>, username: &str) -> Result<SignIn, AuthError> {
    let Answer {
        challenge,
        parameters,
        session,
        result,
    } = answer.into();
    if let Some(result) = result {
        let missing = |what| AuthError::other(format!("authentication result without {what}"));
        return Ok(SignIn::Tokens(Tokens {
            access_token: result.access_token.ok_or_else(|| missing("access token"))?,
            id_token: result.id_token.ok_or_else(|| missing("ID token"))?,
            refresh_token: result.refresh_token,
            expires_in: result.expires_in,
        }));
    }
    match challenge {
        Some(ChallengeNameType::NewPasswordRequired) => {
            let parameters = parameters.unwrap_or_default();
            let required_attributes = parameters
                .get("requiredAttributes")
                .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.trim_start_matches("userAttributes.").to_owned())
                .collect();
            let username = parameters
                .get("USER_ID_FOR_SRP")
                .or_else(|| parameters.get("USERNAME"))
                .map_or(username, String::as_str)
                .to_owned();
            Ok(SignIn::NewPasswordRequired(NewPasswordChallenge {
                username,
                session: session
                    .ok_or_else(|| AuthError::other("NEW_PASSWORD_REQUIRED without a session"))?,
                required_attributes,
            }))
        }
        Some(ChallengeNameType::SoftwareTokenMfa) => crate::mfa::mfa_challenge(
            MfaKind::Totp,
            &parameters.unwrap_or_default(),
            session,
            username,
        ),
        Some(ChallengeNameType::SmsMfa) => crate::mfa::mfa_challenge(
            MfaKind::Sms,
            &parameters.unwrap_or_default(),
            session,
            username,
        ),
        Some(ChallengeNameType::MfaSetup) => {
            crate::mfa::setup_challenge(&parameters.unwrap_or_default(), session, username)
        }
        Some(ChallengeNameType::SelectMfaType) => {
            crate::mfa::selection(&parameters.unwrap_or_default(), session, username)
        }
        Some(other) => Err(AuthError::UnsupportedChallenge {
            challenge: other.as_str().to_owned(),
        }),
        None => Err(AuthError::other(
            "neither tokens nor a challenge in the answer",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_challenges_are_unsupported_not_panics() {
        let challenge = ChallengeNameType::CustomChallenge;
        let err = next_step(
            Answer {
                challenge: Some(challenge.clone()),
                session: Some("s".into()),
                ..Answer::default()
            },
            "a",
        )
        .unwrap_err();
        assert_eq!(
            err,
            AuthError::UnsupportedChallenge {
                challenge: challenge.as_str().to_owned()
            }
        );
        assert!(matches!(
            next_step(Answer::default(), "a"),
            Err(AuthError::Other { .. })
        ));
    }

    #[test]
    fn code_challenges_are_typed() {
        let parameters = HashMap::from([(
            "CODE_DELIVERY_DESTINATION".to_owned(),
            "+*******0100".to_owned(),
        )]);
        let step = next_step(
            Answer {
                challenge: Some(ChallengeNameType::SmsMfa),
                parameters: Some(parameters),
                session: Some("s".into()),
                result: None,
            },
            "alice",
        );
        let Ok(SignIn::MfaRequired(challenge)) = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            (
                challenge.username.as_str(),
                challenge.kind,
                challenge.destination.as_deref()
            ),
            ("alice", MfaKind::Sms, Some("+*******0100"))
        );
        // Without Cognito's session there is nothing to answer.
        let step = next_step(
            Answer {
                challenge: Some(ChallengeNameType::SoftwareTokenMfa),
                ..Answer::default()
            },
            "alice",
        );
        assert!(matches!(step, Err(AuthError::Other { .. })), "{step:?}");
    }

    #[test]
    fn a_choice_of_codes_lists_the_kinds_this_crate_answers() {
        let choose = |list: &str| {
            let parameters = HashMap::from([("MFAS_CAN_CHOOSE".to_owned(), list.to_owned())]);
            next_step(
                Answer {
                    challenge: Some(ChallengeNameType::SelectMfaType),
                    parameters: Some(parameters),
                    session: Some("s".into()),
                    result: None,
                },
                "alice",
            )
        };
        match choose(r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#) {
            Ok(SignIn::MfaSelection(selection)) => {
                assert_eq!(selection.choices, [MfaKind::Sms, MfaKind::Totp]);
                assert_eq!(
                    (selection.username.as_str(), selection.session.as_str()),
                    ("alice", "s")
                );
            }
            other => panic!("{other:?}"),
        }
        for nothing_to_answer in [r#"["EMAIL_OTP"]"#, "not json"] {
            let step = choose(nothing_to_answer);
            assert!(
                matches!(step, Err(AuthError::UnsupportedChallenge { .. })),
                "{step:?}"
            );
        }
    }

    #[test]
    fn required_attributes_are_answered_under_their_prefix() {
        let attributes = [
            ("name".to_owned(), "Carol".to_owned()),
            ("custom:team".to_owned(), "ops".to_owned()),
        ];
        assert_eq!(
            new_password_responses("cccccc", &attributes),
            [
                ("NEW_PASSWORD", "cccccc"),
                ("userAttributes.name", "Carol"),
                ("userAttributes.custom:team", "ops"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn new_password_required_is_typed() {
        let parameters = HashMap::from([
            ("USER_ID_FOR_SRP".to_owned(), "c".to_owned()),
            (
                "requiredAttributes".to_owned(),
                r#"["userAttributes.email"]"#.to_owned(),
            ),
        ]);
        let step = next_step(
            Answer {
                challenge: Some(ChallengeNameType::NewPasswordRequired),
                parameters: Some(parameters),
                session: Some("s".into()),
                result: None,
            },
            "alias@example.com",
        );
        let SignIn::NewPasswordRequired(challenge) = step.unwrap() else {
            panic!()
        };
        assert_eq!(challenge.username, "c");
        assert_eq!(challenge.required_attributes, ["email"]);
    }
}
