//! A sign-in's challenges: what Cognito's answer asks next, as a
//! [`SignIn`], and the calls that answer each challenge (a new password, a
//! one-time code, a choice of code, an authenticator app to set up).

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthenticationResultType, ChallengeNameType, VerifySoftwareTokenResponseType,
};

use crate::error::Call;
use crate::{
    AuthError, Cognito, MfaChallenge, MfaKind, MfaSelection, MfaSetupChallenge,
    NewPasswordChallenge, SignIn, Tokens, TotpSecret,
};

/// What InitiateAuth and RespondToAuthChallenge answer alike: tokens, or
/// the next challenge.
#[derive(Default)]
pub(crate) struct Answer {
    pub(crate) challenge: Option<ChallengeNameType>,
    pub(crate) parameters: Option<HashMap<String, String>>,
    pub(crate) session: Option<String>,
    pub(crate) result: Option<AuthenticationResultType>,
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
pub(crate) fn next_step(answer: impl Into<Answer>, username: &str) -> Result<SignIn, AuthError> {
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
            new_password_challenge(&parameters.unwrap_or_default(), session, username)
        }
        Some(ChallengeNameType::SoftwareTokenMfa) => mfa_challenge(
            MfaKind::Totp,
            &parameters.unwrap_or_default(),
            session,
            username,
        ),
        Some(ChallengeNameType::SmsMfa) => mfa_challenge(
            MfaKind::Sms,
            &parameters.unwrap_or_default(),
            session,
            username,
        ),
        Some(ChallengeNameType::MfaSetup) => {
            setup_challenge(&parameters.unwrap_or_default(), session, username)
        }
        Some(ChallengeNameType::SelectMfaType) => {
            selection(&parameters.unwrap_or_default(), session, username)
        }
        Some(other) => Err(AuthError::UnsupportedChallenge {
            challenge: other.as_str().to_owned(),
        }),
        None => Err(AuthError::other(
            "neither tokens nor a challenge in the answer",
        )),
    }
}

/// The user a challenge is for: Cognito's canonical name when the answer
/// gives one (a sign-in with an alias or an e-mail address names the user
/// otherwise), else the name the sign-in began with. Answers must use it.
fn challenged_user(parameters: &HashMap<String, String>, username: &str) -> String {
    parameters
        .get("USER_ID_FOR_SRP")
        .or_else(|| parameters.get("USERNAME"))
        .map_or(username, String::as_str)
        .to_owned()
}

/// NEW_PASSWORD_REQUIRED, from Cognito's answer: `requiredAttributes` is a
/// JSON list of prefixed attribute names.
fn new_password_challenge(
    parameters: &HashMap<String, String>,
    session: Option<String>,
    username: &str,
) -> Result<SignIn, AuthError> {
    let required_attributes = parameters
        .get("requiredAttributes")
        .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.trim_start_matches("userAttributes.").to_owned())
        .collect();
    Ok(SignIn::NewPasswordRequired(NewPasswordChallenge {
        username: challenged_user(parameters, username),
        session: session
            .ok_or_else(|| AuthError::other("NEW_PASSWORD_REQUIRED without a session"))?,
        required_attributes,
    }))
}

/// MFA_SETUP, from Cognito's answer.
fn setup_challenge(
    parameters: &HashMap<String, String>,
    session: Option<String>,
    username: &str,
) -> Result<SignIn, AuthError> {
    Ok(SignIn::MfaSetupRequired(MfaSetupChallenge {
        username: challenged_user(parameters, username),
        session: session.ok_or_else(|| AuthError::other("MFA_SETUP without a session"))?,
    }))
}

/// The challenge of `kind`, from Cognito's answer; `username` is the name
/// the sign-in began with, unless Cognito names the user otherwise.
fn mfa_challenge(
    kind: MfaKind,
    parameters: &HashMap<String, String>,
    session: Option<String>,
    username: &str,
) -> Result<SignIn, AuthError> {
    Ok(SignIn::MfaRequired(MfaChallenge {
        username: challenged_user(parameters, username),
        session: session.ok_or_else(|| {
            AuthError::other(format!("{} without a session", kind.challenge_name()))
        })?,
        kind,
        destination: parameters.get("CODE_DELIVERY_DESTINATION").cloned(),
    }))
}

/// The choice of SELECT_MFA_TYPE, from Cognito's answer: `MFAS_CAN_CHOOSE`
/// is a JSON list of challenge names. Kinds this crate does not answer are
/// left out; none left is [`AuthError::UnsupportedChallenge`].
fn selection(
    parameters: &HashMap<String, String>,
    session: Option<String>,
    username: &str,
) -> Result<SignIn, AuthError> {
    let names: Vec<String> = parameters
        .get("MFAS_CAN_CHOOSE")
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let choices: Vec<MfaKind> = names
        .iter()
        .filter_map(|name| match name.as_str() {
            "SOFTWARE_TOKEN_MFA" => Some(MfaKind::Totp),
            "SMS_MFA" => Some(MfaKind::Sms),
            _ => None,
        })
        .collect();
    if choices.is_empty() {
        return Err(AuthError::UnsupportedChallenge {
            challenge: format!("SELECT_MFA_TYPE among {names:?}"),
        });
    }
    Ok(SignIn::MfaSelection(MfaSelection {
        username: challenged_user(parameters, username),
        session: session.ok_or_else(|| AuthError::other("SELECT_MFA_TYPE without a session"))?,
        choices,
    }))
}

impl Cognito {
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
    ///     _ => println!("a step this app does not know: sign in again"),
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

    /// The key of an app for a user who must set one up to sign in
    /// (AssociateSoftwareToken with the sign-in's session), and the
    /// challenge to finish with [`Cognito::finish_mfa_setup`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, challenge: auth::MfaSetupChallenge) -> Result<(), auth::AuthError> {
    /// let (secret, next) = cognito.begin_mfa_setup(&challenge).await?;
    /// // Show secret.otpauth_uri(..) as a QR code; keep `next` server-side.
    /// # let _ = (secret, next);
    /// # Ok(()) }
    /// ```
    pub async fn begin_mfa_setup(
        &self,
        challenge: &MfaSetupChallenge,
    ) -> Result<(TotpSecret, MfaSetupChallenge), AuthError> {
        let output = self
            .client
            .associate_software_token()
            .session(&challenge.session)
            .send()
            .await;
        let output = self.settle("AssociateSoftwareToken", Call::Challenge, output)?;
        let secret = output
            .secret_code
            .ok_or_else(|| AuthError::other("AssociateSoftwareToken answered no secret"))?;
        let next = MfaSetupChallenge {
            username: challenge.username.clone(),
            session: output.session.unwrap_or_else(|| challenge.session.clone()),
        };
        Ok((TotpSecret::new(secret), next))
    }

    /// Confirms the new app with one of its codes (VerifySoftwareToken) and
    /// finishes the sign-in (RespondToAuthChallenge MFA_SETUP): usually
    /// tokens. A wrong code is [`AuthError::InvalidCode`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, next: auth::MfaSetupChallenge) -> Result<(), auth::AuthError> {
    /// match cognito.finish_mfa_setup(&next, "123456").await {
    ///     Ok(auth::SignIn::Tokens(_)) => println!("set up, and signed in"),
    ///     Err(auth::AuthError::InvalidCode) => println!("not the app's code: try again"),
    ///     other => println!("{other:?}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn finish_mfa_setup(
        &self,
        challenge: &MfaSetupChallenge,
        code: &str,
    ) -> Result<SignIn, AuthError> {
        let output = self
            .client
            .verify_software_token()
            .session(&challenge.session)
            .user_code(code)
            .send()
            .await;
        let output = self.settle("VerifySoftwareToken", Call::Challenge, output)?;
        if output.status != Some(VerifySoftwareTokenResponseType::Success) {
            return Err(AuthError::InvalidCode);
        }
        let session = output.session.unwrap_or_else(|| challenge.session.clone());
        self.respond_to_challenge(
            Call::Challenge,
            ChallengeNameType::MfaSetup,
            &challenge.username,
            Some(session),
            std::iter::empty::<(&str, String)>(),
        )
        .await
    }

    /// Answers a sign-in's one-time-code challenge: the next step, usually
    /// tokens. A wrong code is [`AuthError::InvalidCode`]; the challenge may
    /// be answered again until it expires.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, challenge: auth::MfaChallenge) -> Result<(), auth::AuthError> {
    /// match cognito.answer_mfa(&challenge, "123456").await {
    ///     Ok(auth::SignIn::Tokens(_)) => println!("signed in"),
    ///     Err(auth::AuthError::InvalidCode) => println!("wrong code, try again"),
    ///     other => println!("{other:?}"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn answer_mfa(
        &self,
        challenge: &MfaChallenge,
        code: &str,
    ) -> Result<SignIn, AuthError> {
        let answer = match challenge.kind {
            MfaKind::Totp => "SOFTWARE_TOKEN_MFA_CODE",
            MfaKind::Sms => "SMS_MFA_CODE",
        };
        self.respond_to_challenge(
            Call::Challenge,
            challenge.kind.challenge(),
            &challenge.username,
            Some(challenge.session.clone()),
            [(answer, code.to_owned())],
        )
        .await
    }

    /// Chooses which code a [`SignIn::MfaSelection`] sign-in goes on with
    /// (RespondToAuthChallenge SELECT_MFA_TYPE): usually
    /// [`SignIn::MfaRequired`] of that kind. A kind not among the
    /// selection's choices is [`AuthError::UnsupportedChallenge`], without
    /// a call.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, selection: auth::MfaSelection) -> Result<(), auth::AuthError> {
    /// let next = cognito.select_mfa(&selection, auth::MfaKind::Totp).await?;
    /// # let _ = next;
    /// # Ok(()) }
    /// ```
    pub async fn select_mfa(
        &self,
        selection: &MfaSelection,
        kind: MfaKind,
    ) -> Result<SignIn, AuthError> {
        if !selection.choices.contains(&kind) {
            return Err(AuthError::UnsupportedChallenge {
                challenge: format!("SELECT_MFA_TYPE without {}", kind.challenge_name()),
            });
        }
        self.respond_to_challenge(
            Call::Challenge,
            ChallengeNameType::SelectMfaType,
            &selection.username,
            Some(selection.session.clone()),
            [("ANSWER", kind.challenge_name().to_owned())],
        )
        .await
    }
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
