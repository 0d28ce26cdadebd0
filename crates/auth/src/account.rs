//! An account's life besides signing in: sign-up and its confirmation, a
//! forgotten password, a change of password.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, CodeDeliveryDetailsType};

use crate::error::Call;
use crate::{AuthError, Cognito};

/// Where Cognito sent a confirmation code, as Cognito masks it.
///
/// ```
/// fn tell(delivery: &auth::CodeDelivery) -> String {
///     format!("A code was sent by {} to {}.", delivery.medium.to_lowercase(), delivery.destination)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeDelivery {
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// The masked address or number, e.g. `a***@e***`.
    pub destination: String,
}

impl CodeDelivery {
    fn from_details(details: Option<&CodeDeliveryDetailsType>) -> Option<Self> {
        let details = details?;
        Some(Self {
            medium: details.delivery_medium()?.as_str().to_owned(),
            destination: details.destination()?.to_owned(),
        })
    }
}

/// What [`Cognito::sign_up`] did.
///
/// ```
/// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
/// let signed_up = cognito.sign_up("alice", "correct horse", &[("email".into(), "a@example.com".into())]).await?;
/// if !signed_up.confirmed {
///     // Ask for the code, then cognito.confirm_sign_up("alice", code).
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedUp {
    /// The account can sign in at once (the pool confirms new users itself).
    pub confirmed: bool,
    /// Where the confirmation code went, when Cognito says.
    pub code_sent_to: Option<CodeDelivery>,
}

impl Cognito {
    /// Creates an account (SignUp) with `password` and `attributes` (such as
    /// `email`), to be confirmed with the code Cognito sends unless the pool
    /// confirms new users itself.
    ///
    /// Errors for the user: [`AuthError::UsernameExists`],
    /// [`AuthError::InvalidPassword`] (the pool's policy, Cognito's words),
    /// [`AuthError::InvalidAttribute`] (a malformed e-mail address).
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) {
    /// let email = ("email".to_owned(), "alice@example.com".to_owned());
    /// match cognito.sign_up("alice", "correct horse", &[email]).await {
    ///     Ok(signed_up) => println!("{signed_up:?}"),
    ///     Err(e) => println!("{e}"), // shown on the form: "This user name is taken." ...
    /// }
    /// # }
    /// ```
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignedUp, AuthError> {
        let attributes = attributes
            .iter()
            .map(|(name, value)| {
                AttributeType::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| AuthError::other(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .sign_up()
            .client_id(&self.client_id)
            .set_secret_hash(self.secret_hash(username))
            .set_user_context_data(self.user_context_data())
            .username(username)
            .password(password)
            .set_user_attributes(Some(attributes))
            .send()
            .await;
        let output = self.settle("SignUp", Call::Account, output)?;
        Ok(SignedUp {
            confirmed: output.user_confirmed,
            code_sent_to: CodeDelivery::from_details(output.code_delivery_details()),
        })
    }

    /// Confirms a new account with the code Cognito sent (ConfirmSignUp).
    /// A wrong code is [`AuthError::InvalidCode`], an old one
    /// [`AuthError::ExpiredCode`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// cognito.confirm_sign_up("alice", "123456").await?;
    /// // alice can sign in now.
    /// # Ok(()) }
    /// ```
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), AuthError> {
        let output = self
            .client
            .confirm_sign_up()
            .client_id(&self.client_id)
            .set_secret_hash(self.secret_hash(username))
            .set_user_context_data(self.user_context_data())
            .username(username)
            .confirmation_code(code)
            .send()
            .await;
        self.settle("ConfirmSignUp", Call::Account, output)?;
        Ok(())
    }

    /// Sends a new confirmation code for an account not confirmed yet
    /// (ResendConfirmationCode).
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// if let Some(sent) = cognito.resend_confirmation_code("alice").await? {
    ///     println!("A new code was sent to {}.", sent.destination);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn resend_confirmation_code(
        &self,
        username: &str,
    ) -> Result<Option<CodeDelivery>, AuthError> {
        let output = self
            .client
            .resend_confirmation_code()
            .client_id(&self.client_id)
            .set_secret_hash(self.secret_hash(username))
            .set_user_context_data(self.user_context_data())
            .username(username)
            .send()
            .await;
        let output = self.settle("ResendConfirmationCode", Call::Account, output)?;
        Ok(CodeDelivery::from_details(output.code_delivery_details()))
    }

    /// Starts a password reset (ForgotPassword): Cognito sends the user a
    /// code for [`Cognito::confirm_forgot_password`].
    ///
    /// The answer is the same whether the account exists or not, and
    /// whether it can receive a code or not, so that no one learns which
    /// user names exist: those cases are logged, not returned. Only
    /// [`AuthError::TooManyAttempts`] and an unreachable Cognito fail.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// cognito.forgot_password("alice").await?;
    /// println!("If this account exists, a code is on its way.");
    /// # Ok(()) }
    /// ```
    pub async fn forgot_password(&self, username: &str) -> Result<(), AuthError> {
        let output = self
            .client
            .forgot_password()
            .client_id(&self.client_id)
            .set_secret_hash(self.secret_hash(username))
            .set_user_context_data(self.user_context_data())
            .username(username)
            .send()
            .await;
        match self.settle("ForgotPassword", Call::Account, output) {
            Ok(_) => Ok(()),
            Err(
                err @ (AuthError::TooManyAttempts
                | AuthError::ServiceUnavailable { .. }
                | AuthError::Misconfigured { .. }),
            ) => Err(err),
            Err(other) => {
                // No such user, no verified address to send a code to...
                tracing::info!(error = ?other, "password reset not started");
                Ok(())
            }
        }
    }

    /// Sets a new password with the code of [`Cognito::forgot_password`]
    /// (ConfirmForgotPassword). A wrong code is [`AuthError::InvalidCode`],
    /// an old or used one [`AuthError::ExpiredCode`]; a weak password
    /// [`AuthError::InvalidPassword`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito) -> Result<(), auth::AuthError> {
    /// cognito.confirm_forgot_password("alice", "123456", "a new password").await?;
    /// // alice signs in with the new password.
    /// # Ok(()) }
    /// ```
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), AuthError> {
        let output = self
            .client
            .confirm_forgot_password()
            .client_id(&self.client_id)
            .set_secret_hash(self.secret_hash(username))
            .set_user_context_data(self.user_context_data())
            .username(username)
            .confirmation_code(code)
            .password(new_password)
            .send()
            .await;
        match self.settle("ConfirmForgotPassword", Call::Account, output) {
            Ok(_) => Ok(()),
            // An unknown user: as a wrong code, so that no one learns more.
            Err(AuthError::InvalidCredentials) => Err(AuthError::InvalidCode),
            Err(err) => Err(err),
        }
    }

    /// Changes the password of the signed-in user of `access_token`
    /// (ChangePassword). A wrong current password is
    /// [`AuthError::InvalidCredentials`]; a revoked token
    /// [`AuthError::InvalidToken`].
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, tokens: auth::Tokens) -> Result<(), auth::AuthError> {
    /// cognito.change_password(&tokens.access_token, "old password", "new password").await?;
    /// # Ok(()) }
    /// ```
    pub async fn change_password(
        &self,
        access_token: &str,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AuthError> {
        let output = self
            .client
            .change_password()
            .access_token(access_token)
            .previous_password(current_password)
            .proposed_password(new_password)
            .send()
            .await;
        self.settle("ChangePassword", Call::ChangePassword, output)?;
        Ok(())
    }
}
