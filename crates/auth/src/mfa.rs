//! Two-factor sign-in with a time-based one-time password (TOTP): the
//! challenges' types, and a signed-in user enrolling an authenticator app
//! and turning it on or off. The challenges are answered in `challenge`.

use aws_sdk_cognitoidentityprovider::types::{
    ChallengeNameType, SoftwareTokenMfaSettingsType, VerifySoftwareTokenResponseType,
};
use serde::{Deserialize, Serialize};

use crate::error::Call;
use crate::tokens::redact;
use crate::{AuthError, Cognito};

/// Which code a sign-in waits for.
///
/// ```
/// assert_eq!(auth::MfaKind::Totp.challenge_name(), "SOFTWARE_TOKEN_MFA");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MfaKind {
    /// From the user's authenticator app.
    Totp,
    /// Sent by text message.
    Sms,
}

impl MfaKind {
    /// Cognito's name of the challenge.
    ///
    /// ```
    /// assert_eq!(auth::MfaKind::Sms.challenge_name(), "SMS_MFA");
    /// ```
    pub fn challenge_name(self) -> &'static str {
        match self {
            MfaKind::Totp => "SOFTWARE_TOKEN_MFA",
            MfaKind::Sms => "SMS_MFA",
        }
    }

    pub(crate) fn challenge(self) -> ChallengeNameType {
        match self {
            MfaKind::Totp => ChallengeNameType::SoftwareTokenMfa,
            MfaKind::Sms => ChallengeNameType::SmsMfa,
        }
    }
}

/// A sign-in waiting for a one-time code: answer it with
/// [`Cognito::answer_mfa`]. Serializable, to keep server-side between the
/// two pages; its `session` is a secret of the sign-in in progress.
///
/// ```
/// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
/// if let auth::SignIn::MfaRequired(challenge) = cognito.sign_in("alice", "correct horse").await? {
///     let code = "123456"; // asked of the user
///     let _signed_in = cognito.answer_mfa(&challenge, code).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MfaChallenge {
    /// The user name Cognito expects in the answer.
    pub username: String,
    /// Cognito's session of this sign-in (valid a few minutes).
    pub session: String,
    /// Which code.
    pub kind: MfaKind,
    /// Where a text message went (masked), for [`MfaKind::Sms`].
    pub destination: Option<String>,
}

impl std::fmt::Debug for MfaChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaChallenge")
            .field("username", &self.username)
            .field("session", &redact(&self.session))
            .field("kind", &self.kind)
            .field("destination", &self.destination)
            .finish()
    }
}

/// A sign-in of a user who must set up an authenticator app first: the
/// pool requires two-factor sign-in and the user has none (Cognito's
/// MFA_SETUP). Start with [`Cognito::begin_mfa_setup`]. Serializable; its
/// `session` is a secret of the sign-in in progress.
///
/// ```
/// # async fn example(cognito: auth::Cognito, challenge: auth::MfaSetupChallenge) -> Result<(), auth::AuthError> {
/// let (secret, challenge) = cognito.begin_mfa_setup(&challenge).await?;
/// println!("add {} to your app", secret.otpauth_uri("Example Shop", &challenge.username));
/// let signed_in = cognito.finish_mfa_setup(&challenge, "123456").await?;
/// # let _ = signed_in;
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MfaSetupChallenge {
    /// The user name Cognito expects in the answer.
    pub username: String,
    /// Cognito's session of this sign-in (valid a few minutes).
    pub session: String,
}

impl std::fmt::Debug for MfaSetupChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaSetupChallenge")
            .field("username", &self.username)
            .field("session", &redact(&self.session))
            .finish()
    }
}

/// A sign-in of a user with two kinds of code turned on and neither
/// preferred (Cognito's SELECT_MFA_TYPE): choose one with
/// [`Cognito::select_mfa`], then answer its code. Serializable; its
/// `session` is a secret of the sign-in in progress.
///
/// ```
/// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
/// use auth::{MfaKind, SignIn};
/// if let SignIn::MfaSelection(selection) = cognito.sign_in("alice", "correct horse").await? {
///     // Or ask the user, among selection.choices.
///     let kind = selection.preferred();
///     if let SignIn::MfaRequired(challenge) = cognito.select_mfa(&selection, kind).await? {
///         let _signed_in = cognito.answer_mfa(&challenge, "123456").await?;
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MfaSelection {
    /// The user name Cognito expects in the answer.
    pub username: String,
    /// Cognito's session of this sign-in (valid a few minutes).
    pub session: String,
    /// The kinds the user may choose, as Cognito lists them.
    pub choices: Vec<MfaKind>,
}

impl MfaSelection {
    /// The authenticator app where it is a choice (no text message to wait
    /// for, none to pay for), else Cognito's first choice.
    ///
    /// ```
    /// use auth::{MfaKind, MfaSelection};
    /// let both: MfaSelection = serde_json::from_str(
    ///     r#"{"username": "a", "session": "s", "choices": ["Sms", "Totp"]}"#,
    /// ).unwrap();
    /// assert_eq!(both.preferred(), MfaKind::Totp);
    /// ```
    pub fn preferred(&self) -> MfaKind {
        match self.choices.contains(&MfaKind::Totp) {
            true => MfaKind::Totp,
            false => self.choices.first().copied().unwrap_or(MfaKind::Totp),
        }
    }
}

impl std::fmt::Debug for MfaSelection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaSelection")
            .field("username", &self.username)
            .field("session", &redact(&self.session))
            .field("choices", &self.choices)
            .finish()
    }
}

/// A secret for an authenticator app, from [`Cognito::associate_totp`].
///
/// ```
/// let secret = auth::TotpSecret::new("JBSWY3DPEHPK3PXP");
/// assert_eq!(
///     secret.otpauth_uri("Example Shop", "alice"),
///     "otpauth://totp/Example%20Shop:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Shop"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TotpSecret").field(&"…").finish()
    }
}

impl TotpSecret {
    /// A secret as Cognito gives it (base32).
    pub fn new(base32: impl Into<String>) -> Self {
        Self(base32.into())
    }

    /// The secret, base32, for a user who types it into their app.
    ///
    /// ```
    /// assert_eq!(auth::TotpSecret::new("ABC").base32(), "ABC");
    /// ```
    pub fn base32(&self) -> &str {
        &self.0
    }

    /// The `otpauth://` URI that authenticator apps read from a QR code:
    /// `issuer` names the site and `account` the user in the app's list.
    ///
    /// ```
    /// let uri = auth::TotpSecret::new("ABC").otpauth_uri("Shop", "a@example.com");
    /// assert!(uri.starts_with("otpauth://totp/Shop:a@example.com?secret=ABC"));
    /// ```
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        // What a URI's path or query would read otherwise; `@` and `.` stay.
        const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
            .add(b' ')
            .add(b'"')
            .add(b'#')
            .add(b'%')
            .add(b'&')
            .add(b'+')
            .add(b'/')
            .add(b':')
            .add(b'<')
            .add(b'=')
            .add(b'>')
            .add(b'?');
        let encode = |text: &str| percent_encoding::utf8_percent_encode(text, RESERVED).to_string();
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}",
            encode(issuer),
            encode(account),
            self.0,
            encode(issuer)
        )
    }
}

impl Cognito {
    /// Starts enrolling an authenticator app for the signed-in user of
    /// `access_token` (AssociateSoftwareToken): show the secret (as a QR code
    /// of [`TotpSecret::otpauth_uri`]), then confirm with
    /// [`Cognito::verify_totp`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, access_token: &str) -> Result<(), auth::AuthError> {
    /// let secret = cognito.associate_totp(access_token).await?;
    /// let uri = secret.otpauth_uri("Example Shop", "alice");
    /// # let _ = uri;
    /// # Ok(()) }
    /// ```
    pub async fn associate_totp(&self, access_token: &str) -> Result<TotpSecret, AuthError> {
        let output = self
            .client
            .associate_software_token()
            .access_token(access_token)
            .send()
            .await;
        let output = self.settle("AssociateSoftwareToken", Call::WithToken, output)?;
        output
            .secret_code
            .map(TotpSecret)
            .ok_or_else(|| AuthError::other("AssociateSoftwareToken answered no secret"))
    }

    /// Confirms an enrolment with a code from the app (VerifySoftwareToken).
    /// A wrong code is [`AuthError::InvalidCode`]. The app is then usable
    /// for sign-in once [`Cognito::set_totp_mfa`] turns it on.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, access_token: &str) -> Result<(), auth::AuthError> {
    /// cognito.verify_totp(access_token, "123456", "Alice's phone").await?;
    /// cognito.set_totp_mfa(access_token, true).await?;
    /// # Ok(()) }
    /// ```
    pub async fn verify_totp(
        &self,
        access_token: &str,
        code: &str,
        device_name: &str,
    ) -> Result<(), AuthError> {
        let output = self
            .client
            .verify_software_token()
            .access_token(access_token)
            .user_code(code)
            .friendly_device_name(device_name)
            .send()
            .await;
        let output = self.settle("VerifySoftwareToken", Call::Code, output)?;
        match output.status {
            Some(VerifySoftwareTokenResponseType::Success) => Ok(()),
            _ => Err(AuthError::InvalidCode),
        }
    }

    /// Turns two-factor sign-in with the enrolled app on or off for the
    /// signed-in user of `access_token` (SetUserMFAPreference).
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, access_token: &str) -> Result<(), auth::AuthError> {
    /// cognito.set_totp_mfa(access_token, false).await?; // signs in with a password alone again
    /// # Ok(()) }
    /// ```
    pub async fn set_totp_mfa(&self, access_token: &str, enabled: bool) -> Result<(), AuthError> {
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled)
            .build();
        let output = self
            .client
            .set_user_mfa_preference()
            .access_token(access_token)
            .software_token_mfa_settings(settings)
            .send()
            .await;
        self.settle("SetUserMFAPreference", Call::WithToken, output)?;
        Ok(())
    }
}
