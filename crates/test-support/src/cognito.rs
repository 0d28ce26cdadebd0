//! A Cognito user pool set up as the seed's 2-cognito.sh does.

use aws_sdk_cognitoidentityprovider as idp;
use idp::types::{
    AliasAttributeType, AttributeType, ExplicitAuthFlowsType, MessageActionType,
    PasswordPolicyType, UserPoolPolicyType, VerifiedAttributeType,
};

use crate::LocalAws;

/// A fresh user pool on the emulator (email alias, password minimum 6 with
/// lowercase, the seed's auth flows) with an app client without a secret.
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
    /// The admin client used to set the pool up.
    pub admin: idp::Client,
    /// The pool id.
    pub pool_id: String,
    /// The app client id.
    pub client_id: String,
}

impl DemoPool {
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
        let pool = admin
            .create_user_pool()
            .pool_name(crate::unique_name("pool"))
            .alias_attributes(AliasAttributeType::Email)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        // The emulator treats a missing Require* flag as true.
                        PasswordPolicyType::builder()
                            .minimum_length(6)
                            .require_lowercase(true)
                            .require_uppercase(false)
                            .require_numbers(false)
                            .require_symbols(false)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("CreateUserPool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("pool id")
            .to_owned();
        let client = admin
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("web")
            .generate_secret(false)
            .set_explicit_auth_flows(Some(vec![
                ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
                ExplicitAuthFlowsType::AllowCustomAuth,
                ExplicitAuthFlowsType::AllowUserPasswordAuth,
                ExplicitAuthFlowsType::AllowUserSrpAuth,
                ExplicitAuthFlowsType::AllowRefreshTokenAuth,
            ]))
            .send()
            .await
            .expect("CreateUserPoolClient");
        let client_id = client
            .user_pool_client()
            .and_then(|c| c.client_id())
            .expect("client id")
            .to_owned();
        Self {
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
