//! The demo's user pool and app client: one definition, used by
//! `provision cognito` on AWS and by the tests on the emulator.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientFluentBuilder;
use aws_sdk_cognitoidentityprovider::operation::set_user_pool_mfa_config::builders::SetUserPoolMfaConfigFluentBuilder;
use aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::builders::UpdateUserPoolClientFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AliasAttributeType, ExplicitAuthFlowsType, OAuthFlowType,
    PasswordPolicyType, PreventUserExistenceErrorTypes, SoftwareTokenMfaConfigType,
    UserPoolMfaType, UserPoolPolicyType, UsernameConfigurationType, VerifiedAttributeType,
};

/// CreateUserPool for the pool `name`: e-mail alias, auto-verified e-mail,
/// passwords of 6 or more with a lowercase letter, user names and e-mails
/// not case-sensitive, self sign-up allowed.
///
/// ```no_run
/// # async fn example(idp: aws_sdk_cognitoidentityprovider::Client) {
/// let created = provision::pool::new_pool(&idp, "demo").send().await;
/// # }
/// ```
pub fn new_pool(idp: &Client, name: &str) -> CreateUserPoolFluentBuilder {
    let case_insensitive = UsernameConfigurationType::builder()
        .case_sensitive(false)
        .build()
        .expect("case_sensitive, its only field, is set");
    idp.create_user_pool()
        .pool_name(name)
        .alias_attributes(AliasAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        // AWS's advice, not its default (which the original kept): `A` and
        // `A@a.com` sign in as `a`. It cannot be changed later.
        .username_configuration(case_insensitive)
        // Visitors create their own accounts (the sign-up page).
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(false)
                .build(),
        )
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    // Every flag explicitly: a missing one may default to
                    // required (the emulator takes it so).
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
}

/// SetUserPoolMfaConfig for `pool_id`: two-factor sign-in optional, with an
/// authenticator app (TOTP). CreateUserPool cannot say it.
///
/// ```no_run
/// # async fn example(idp: aws_sdk_cognitoidentityprovider::Client) {
/// let set = provision::pool::optional_totp(&idp, "eu-west-1_AbC").send().await;
/// # }
/// ```
pub fn optional_totp(idp: &Client, pool_id: &str) -> SetUserPoolMfaConfigFluentBuilder {
    idp.set_user_pool_mfa_config()
        .user_pool_id(pool_id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
}

/// CreateUserPoolClient for the app client `name` of `pool_id`: no secret,
/// the original's auth flows, and user existence errors prevented.
///
/// ```no_run
/// # async fn example(idp: aws_sdk_cognitoidentityprovider::Client) {
/// let created = provision::pool::new_app_client(&idp, "eu-west-1_AbC", "demo").send().await;
/// # }
/// ```
pub fn new_app_client(
    idp: &Client,
    pool_id: &str,
    name: &str,
) -> CreateUserPoolClientFluentBuilder {
    idp.create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name(name)
        .generate_secret(false)
        .set_explicit_auth_flows(Some(explicit_auth_flows()))
        // The API's default (LEGACY) answers an unknown user at once with
        // UserNotFoundException, a wrong password only after the SRP
        // exchange: the delay tells who has an account, even though the app
        // words both the same.
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
}

/// The original's auth flows, and refresh.
fn explicit_auth_flows() -> Vec<ExplicitAuthFlowsType> {
    vec![
        ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
        ExplicitAuthFlowsType::AllowCustomAuth,
        ExplicitAuthFlowsType::AllowUserPasswordAuth,
        ExplicitAuthFlowsType::AllowUserSrpAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ]
}

/// UpdateUserPoolClient giving the existing app client `client_id` what
/// [`new_app_client`] and [`with_managed_login`] give a new one (an update
/// resets every setting it does not name, so it names them all).
///
/// ```no_run
/// # async fn example(idp: aws_sdk_cognitoidentityprovider::Client) {
/// let updated = provision::pool::app_client_with_managed_login(
///     &idp, "eu-west-1_AbC", "client-id", "demo",
///     "https://app.example.com/auth/callback", "https://app.example.com/",
/// )
/// .send()
/// .await;
/// # }
/// ```
pub fn app_client_with_managed_login(
    idp: &Client,
    pool_id: &str,
    client_id: &str,
    name: &str,
    callback_url: &str,
    logout_url: &str,
) -> UpdateUserPoolClientFluentBuilder {
    idp.update_user_pool_client()
        .user_pool_id(pool_id)
        .client_id(client_id)
        .client_name(name)
        .set_explicit_auth_flows(Some(explicit_auth_flows()))
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .set_allowed_o_auth_scopes(Some(MANAGED_LOGIN_SCOPES.map(str::to_owned).to_vec()))
        .supported_identity_providers("COGNITO")
        .callback_urls(callback_url)
        .logout_urls(logout_url)
        .enable_token_revocation(true)
}

/// A prefix for the pool's managed-login domain
/// (`https://<prefix>.auth.<region>.amazoncognito.com`): the pool's name in
/// the characters a prefix may hold, and a random suffix, since a prefix is
/// unique across every AWS account of the region.
///
/// ```
/// let prefix = provision::pool::domain_prefix("aws-express-session_Demo");
/// assert!(prefix.starts_with("aws-express-session-demo-"), "{prefix}");
/// assert!(prefix.len() <= 63);
/// ```
pub fn domain_prefix(pool_name: &str) -> String {
    use rand::Rng;
    let name: String = pool_name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(50)
        .collect();
    let suffix: u32 = rand::rng().random();
    format!("{}-{suffix:08x}", name.trim_matches('-'))
}

/// The scopes a managed login of the demo's app client may ask for: an ID
/// token, the e-mail address, and the user's own Cognito calls.
///
/// ```
/// assert_eq!(provision::pool::MANAGED_LOGIN_SCOPES[0], "openid");
/// ```
pub const MANAGED_LOGIN_SCOPES: [&str; 3] = ["openid", "email", "aws.cognito.signin.user.admin"];

/// `client` (a CreateUserPoolClient) with managed login on: the
/// authorization code grant, [`MANAGED_LOGIN_SCOPES`], the pool's own users,
/// and the app's callback and sign-out URLs.
///
/// ```no_run
/// # async fn example(idp: aws_sdk_cognitoidentityprovider::Client) {
/// let client = provision::pool::new_app_client(&idp, "eu-west-1_AbC", "demo");
/// let created = provision::pool::with_managed_login(
///     client,
///     "https://app.example.com/auth/callback",
///     "https://app.example.com/",
/// )
/// .send()
/// .await;
/// # }
/// ```
pub fn with_managed_login(
    client: CreateUserPoolClientFluentBuilder,
    callback_url: &str,
    logout_url: &str,
) -> CreateUserPoolClientFluentBuilder {
    client
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .set_allowed_o_auth_scopes(Some(MANAGED_LOGIN_SCOPES.map(str::to_owned).to_vec()))
        .supported_identity_providers("COGNITO")
        .callback_urls(callback_url)
        .logout_urls(logout_url)
}
