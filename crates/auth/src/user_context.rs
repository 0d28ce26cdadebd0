//! Who is behind a call, for Cognito's threat protection: the end user's
//! IP address (and the browser's encoded data, when a page collects it),
//! sent as `UserContextData` on the calls made without a token, so that
//! adaptive authentication sees the user, not the server.

use std::net::IpAddr;

use aws_sdk_cognitoidentityprovider::types::UserContextDataType;

use crate::Cognito;

/// The end user behind a request.
///
/// ```
/// use std::net::IpAddr;
/// let context = auth::UserContext::from_ip("203.0.113.7".parse::<IpAddr>().unwrap());
/// assert_eq!(context.ip_address().to_string(), "203.0.113.7");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserContext {
    ip_address: IpAddr,
    encoded_data: Option<String>,
}

impl UserContext {
    /// The user at `ip_address` (the peer's address, or the client's as a
    /// trusted proxy reports it).
    pub fn from_ip(ip_address: IpAddr) -> Self {
        Self {
            ip_address,
            encoded_data: None,
        }
    }

    /// With the fingerprint that Cognito's JavaScript collects in the
    /// browser (`AmazonCognitoAdvancedSecurityData.getData`), when a page
    /// sends it.
    ///
    /// ```
    /// let context = auth::UserContext::from_ip([192, 0, 2, 1].into()).encoded_data("eyJ...");
    /// # let _ = context;
    /// ```
    #[must_use]
    pub fn encoded_data(mut self, data: impl Into<String>) -> Self {
        self.encoded_data = Some(data.into());
        self
    }

    /// The user's IP address.
    ///
    /// ```
    /// let context = auth::UserContext::from_ip([192, 0, 2, 1].into());
    /// assert!(context.ip_address().is_ipv4());
    /// ```
    pub fn ip_address(&self) -> IpAddr {
        self.ip_address
    }

    fn data(&self) -> UserContextDataType {
        UserContextDataType::builder()
            .ip_address(self.ip_address.to_string())
            .set_encoded_data(self.encoded_data.clone())
            .build()
    }
}

impl Cognito {
    /// This client, sending `context` with each call it makes without a
    /// token: InitiateAuth (sign-in, refresh), RespondToAuthChallenge,
    /// SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword and
    /// ConfirmForgotPassword. Cheap: one per request is the intended use.
    ///
    /// ```
    /// # async fn example(cognito: auth::Cognito, peer: std::net::IpAddr) -> Result<(), auth::AuthError> {
    /// let for_user = cognito.for_user(auth::UserContext::from_ip(peer));
    /// let outcome = for_user.sign_in("alice", "correct horse").await?;
    /// # let _ = outcome;
    /// # Ok(()) }
    /// ```
    pub fn for_user(&self, context: UserContext) -> Cognito {
        let mut cognito = self.clone();
        cognito.user_context = Some(context);
        cognito
    }

    /// The context this client sends, if any.
    pub(crate) fn user_context_data(&self) -> Option<UserContextDataType> {
        self.user_context.as_ref().map(UserContext::data)
    }
}
