//! The pool the tests against the emulator share: the original's, plus an app
//! client with a secret.

use auth::{AuthFlow, Cognito, SignIn, Tokens};
use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType;
use test_support::cognito::DemoPool;

/// The original's pool (test-support's [`DemoPool`]) plus a second client with a secret.
pub struct Pool {
    pub aws: test_support::LocalAws,
    demo: DemoPool,
    pub id: String,
    client_id: String,
    secret_client_id: String,
    secret: String,
}

impl Pool {
    pub async fn new() -> Self {
        Self::on(test_support::local_aws().await).await
    }

    /// The same pool on the emulator `aws`.
    pub async fn on(aws: test_support::LocalAws) -> Self {
        let demo = DemoPool::create(&aws).await;
        let with_secret = demo
            .admin
            .create_user_pool_client()
            .user_pool_id(&demo.pool_id)
            .client_name("with-secret")
            .generate_secret(true)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
        Self {
            aws,
            id: demo.pool_id.clone(),
            client_id: demo.client_id.clone(),
            secret_client_id: with_secret.client_id.unwrap(),
            secret: with_secret.client_secret.unwrap(),
            demo,
        }
    }

    pub fn cognito(&self, flow: AuthFlow) -> Cognito {
        Cognito::builder(&self.aws.config, &self.id, &self.client_id)
            .auth_flow(flow)
            .build()
    }

    pub fn cognito_with_secret(&self, flow: AuthFlow) -> Cognito {
        Cognito::builder(&self.aws.config, &self.id, &self.secret_client_id)
            .client_secret(Some(self.secret.clone()))
            .auth_flow(flow)
            .build()
    }

    pub async fn invited_user(&self, name: &str, temporary: &str) {
        self.demo.invite_user(name, temporary).await;
    }

    pub async fn confirmed_user(&self, name: &str, password: &str) {
        self.demo.confirmed_user(name, password).await;
    }

    /// A client of the app client through a forwarder that can answer for
    /// Cognito what the emulator cannot (calls it lacks, errors it never
    /// gives).
    pub async fn behind_forwarder(&self) -> (Cognito, test_support::outage::Outage) {
        let outage = test_support::outage::Outage::forward_to(&self.aws.endpoint).await;
        let config = self
            .aws
            .config
            .to_builder()
            .endpoint_url(format!("http://{}", outage.address))
            .build();
        let cognito = Cognito::builder(&config, &self.id, &self.client_id).build();
        (cognito, outage)
    }

    pub fn demo(&self) -> &DemoPool {
        &self.demo
    }
}

pub fn tokens(outcome: SignIn) -> Tokens {
    match outcome {
        SignIn::Tokens(tokens) => tokens,
        other => panic!("expected tokens, got {other:?}"),
    }
}
