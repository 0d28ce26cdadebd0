//! A Cognito user pool set up as the original's 2-cognito.sh does.

use aws_sdk_cognitoidentityprovider as idp;
use idp::types::{AttributeType, MessageActionType};

use crate::LocalAws;
use crate::emulator::Emulator;

/// A fresh user pool on the emulator, as `provision cognito` makes one
/// (`provision::pool`), with its app client.
///
/// ```
/// # async fn example() {
/// use test_support::cognito::DemoPool;
/// let aws = test_support::local_aws().await;
/// let pool = DemoPool::create(&aws).await;
/// pool.confirmed_user("a", "aaaaaa").await;
/// // Sign in as the app would, with the pool's app client.
/// let client = aws_sdk_cognitoidentityprovider::Client::new(&aws.config);
/// let signed_in = client
///     .initiate_auth()
///     .client_id(&pool.client_id)
///     .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
///     .auth_parameters("USERNAME", "a")
///     .auth_parameters("PASSWORD", "aaaaaa")
///     .send()
///     .await;
/// assert!(signed_in.is_ok());
/// # }
/// ```
pub struct DemoPool {
    /// The emulator it lives on.
    pub aws: LocalAws,
    /// The admin client used to set the pool up.
    pub admin: idp::Client,
    /// The pool id.
    pub pool_id: String,
    /// The app client id.
    pub client_id: String,
}

impl DemoPool {
    /// Makes two-factor sign-in by authenticator app required of every
    /// user of the pool (MFA ON): one without an app sets one up at sign-in.
    ///
    /// ```no_run
    /// # async fn example(pool: test_support::cognito::DemoPool) {
    /// pool.require_totp().await;
    /// # }
    /// ```
    pub async fn require_totp(&self) {
        self.admin
            .set_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .software_token_mfa_configuration(
                idp::types::SoftwareTokenMfaConfigType::builder()
                    .enabled(true)
                    .build(),
            )
            .mfa_configuration(idp::types::UserPoolMfaType::On)
            .send()
            .await
            .expect("SetUserPoolMfaConfig");
    }

    /// The code that a password reset of `username` e-mails, from a
    /// ForgotPassword that this calls (a new call replaces the code of an
    /// earlier one): moto answers it in a response header; ministack sends
    /// it by e-mail, read back from its record of sent mail.
    ///
    /// ```no_run
    /// # async fn example(pool: test_support::cognito::DemoPool) {
    /// let code = pool.password_reset_code("a").await;
    /// assert!(!code.is_empty());
    /// # }
    /// ```
    pub async fn password_reset_code(&self, username: &str) -> String {
        let body = serde_json::json!({ "ClientId": self.client_id, "Username": username });
        let answer = reqwest::Client::new()
            .post(&self.aws.endpoint)
            .header(
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.ForgotPassword",
            )
            .header("Content-Type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .await
            .and_then(|answer| answer.error_for_status())
            .expect("ForgotPassword");
        match self.aws.emulator {
            Emulator::Moto => answer
                .headers()
                .get("x-moto-forgot-password-confirmation-code")
                .expect("the emulator's code header")
                .to_str()
                .unwrap()
                .to_owned(),
            Emulator::Ministack => {
                let address = self.email_of(username).await;
                crate::ministack::code_sent_to(&self.aws.endpoint, &address)
                    .await
                    .expect("the reset code e-mailed")
            }
        }
    }

    /// A second app client of the pool with managed login on (the code
    /// grant, back to `callback_url`, signing out to `logout_url`), with a
    /// secret or not; its id and secret.
    ///
    /// ```no_run
    /// # async fn example(pool: test_support::cognito::DemoPool) {
    /// let (client_id, secret) = pool
    ///     .managed_login_client("http://127.0.0.1:8080/auth/callback", "http://127.0.0.1:8080/", false)
    ///     .await;
    /// assert!(secret.is_none());
    /// # let _ = client_id; }
    /// ```
    pub async fn managed_login_client(
        &self,
        callback_url: &str,
        logout_url: &str,
        with_secret: bool,
    ) -> (String, Option<String>) {
        let client = provision::pool::new_app_client(&self.admin, &self.pool_id, "managed-login")
            .generate_secret(with_secret);
        let created = provision::pool::with_managed_login(client, callback_url, logout_url)
            .send()
            .await
            .expect("CreateUserPoolClient")
            .user_pool_client
            .expect("the client");
        (created.client_id.expect("its id"), created.client_secret)
    }

    /// The e-mail address of `username`.
    async fn email_of(&self, username: &str) -> String {
        let user = self
            .admin
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .expect("AdminGetUser");
        user.user_attributes()
            .iter()
            .find(|a| a.name() == "email")
            .and_then(|a| a.value())
            .expect("an e-mail address")
            .to_owned()
    }

    /// Creates the pool and its client.
    ///
    /// ```
    /// # async fn example() {
    /// let aws = test_support::local_aws().await;
    /// let pool = test_support::cognito::DemoPool::create(&aws).await;
    /// assert!(pool.pool_id.starts_with(test_support::REGION));
    /// # }
    /// ```
    pub async fn create(aws: &LocalAws) -> Self {
        let admin = idp::Client::new(&aws.config);
        let pool = provision::pool::new_pool(&admin, &crate::unique_name("pool"))
            .send()
            .await
            .expect("CreateUserPool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("pool id")
            .to_owned();
        provision::pool::optional_totp(&admin, &pool_id)
            .send()
            .await
            .expect("SetUserPoolMfaConfig");
        let client = provision::pool::new_app_client(&admin, &pool_id, "web")
            .send()
            .await
            .expect("CreateUserPoolClient");
        let client_id = client
            .user_pool_client()
            .and_then(|c| c.client_id())
            .expect("client id")
            .to_owned();
        Self {
            aws: aws.clone(),
            admin,
            pool_id,
            client_id,
        }
    }

    /// A user created by an admin with a temporary password (must choose a
    /// new one at first sign-in).
    ///
    /// ```
    /// # async fn example(pool: test_support::cognito::DemoPool) {
    /// // Their first sign-in answers NEW_PASSWORD_REQUIRED.
    /// pool.invite_user("c", "temporary").await;
    /// # }
    /// ```
    pub async fn invite_user(&self, name: &str, temporary_password: &str) {
        self.admin
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(name)
            .temporary_password(temporary_password)
            .message_action(MessageActionType::Suppress)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(format!("{name}@{name}.com"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("AdminCreateUser");
    }

    /// A confirmed user with a permanent password.
    ///
    /// ```
    /// # async fn example(pool: test_support::cognito::DemoPool) {
    /// pool.confirmed_user("a", "aaaaaa").await;
    /// # }
    /// ```
    pub async fn confirmed_user(&self, name: &str, password: &str) {
        self.invite_user(name, "temporary").await;
        self.admin
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(name)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }
}

/// The code that confirms a sign-up, e-mailed to `address`: ministack's
/// from its record of sent mail; moto checks none, so any code does there.
///
/// ```no_run
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// let code = test_support::cognito::sign_up_code(&aws, "n@example.com").await;
/// # let _ = code;
/// # }
/// ```
pub async fn sign_up_code(aws: &LocalAws, address: &str) -> String {
    match aws.emulator {
        Emulator::Moto => "123456".to_owned(),
        Emulator::Ministack => crate::ministack::code_sent_to(&aws.endpoint, address)
            .await
            .expect("the sign-up code e-mailed"),
    }
}

/// Cognito's answers (error code, message) to an app client used against
/// its settings: a wrong, missing or unexpected client secret, and an auth
/// flow the app client does not allow. The texts are Cognito's own, as its
/// users report them; the emulator words a wrong secret otherwise and never
/// checks auth flows, so tests put these on the wire themselves.
///
/// ```
/// let (code, message) = test_support::cognito::APP_CLIENT_MISMATCHES[0];
/// assert_eq!(code, "NotAuthorizedException");
/// assert!(message.starts_with("Unable to verify secret hash"));
/// ```
pub const APP_CLIENT_MISMATCHES: [(&str, &str); 5] = [
    (
        "NotAuthorizedException",
        "Unable to verify secret hash for client 6npouauc8jt1fioujvblmvpise",
    ),
    (
        "NotAuthorizedException",
        "Client 6g164jiups96hiec2e43tv0nt6 is configured with secret but SECRET_HASH was not received",
    ),
    (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    ),
    (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    ),
    (
        "InvalidParameterException",
        "App client 45f45bitpl1u3n2pku8fm0r3im is not configured for secret but secret hash was received",
    ),
];
