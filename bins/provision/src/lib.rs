//! `provision`: the original's setup scripts as one idempotent command, for the
//! local emulator or real AWS. Every subcommand finds what exists by name
//! and creates only what is missing, then records ids in `settings.sh`.

pub mod cli;
mod cognito;
mod iam;
pub mod pool;
mod table;

pub use iam::{POLICY_NAME, policy_document};

use anyhow::Context;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use settings_file::SettingsFile;

/// The demo's users, as the original's 2-cognito.sh creates them.
pub(crate) const DEMO_USERS: [(&str, &str, &str); 2] =
    [("a", "aaaaaa", "a@a.com"), ("b", "bbbbbb", "b@b.com")];

/// What every subcommand works with.
pub(crate) struct Provisioner {
    /// The settings file being read and updated.
    pub(crate) settings: SettingsFile,
    /// AWS configuration in AWS_REGION (DynamoDB, IAM, STS).
    pub(crate) aws: SdkConfig,
    /// AWS configuration in COGNITO_REGION.
    pub(crate) cognito_aws: SdkConfig,
}

impl Provisioner {
    /// Reads `settings`; the AWS credentials are the standard chain's (an
    /// administrator's, not the demo user's), the endpoint AWS_ENDPOINT_URL's.
    pub(crate) async fn new(settings: SettingsFile) -> anyhow::Result<Self> {
        let region = settings.required("AWS_REGION")?.to_owned();
        let cognito_region = settings
            .get("COGNITO_REGION")
            .map_or_else(|| region.clone(), str::to_owned);
        let endpoint = settings.get("AWS_ENDPOINT_URL").map(str::to_owned);
        let load = |region: String| {
            let mut loader =
                aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region));
            if let Some(endpoint) = &endpoint {
                loader = loader.endpoint_url(endpoint);
            }
            loader.load()
        };
        let aws = load(region).await;
        ensure_credentials(&aws).await?;
        Ok(Self {
            aws,
            cognito_aws: load(cognito_region).await,
            settings,
        })
    }

    /// A required setting.
    pub(crate) fn required(&self, key: &'static str) -> anyhow::Result<String> {
        Ok(self.settings.required(key)?.to_owned())
    }

    /// The region of the table.
    pub(crate) fn region(&self) -> String {
        self.aws.region().map(|r| r.to_string()).unwrap_or_default()
    }
}

/// Fails, saying where credentials come from, when the standard chain finds
/// none: otherwise the first call would fail with the chain's error inside a
/// "dispatch failure".
async fn ensure_credentials(aws: &SdkConfig) -> anyhow::Result<()> {
    use aws_sdk_iam::config::ProvideCredentials;
    let provider = aws
        .credentials_provider()
        .context("no AWS credentials provider")?;
    provider.provide_credentials().await.context(
        "no AWS credentials: provision runs as an administrator of the account \
         (AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
    )?;
    Ok(())
}

/// Names the failed call and the service's answer in one line.
pub(crate) fn failed<E>(action: &str, err: aws_sdk_iam::error::SdkError<E>) -> anyhow::Error
where
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    anyhow::anyhow!(
        "{action} failed: {}",
        session_store::describe_sdk_error(&err)
    )
}

/// Whether an SDK error is the service saying "no such thing".
pub(crate) fn is_not_found<E>(err: &aws_sdk_iam::error::SdkError<E>) -> bool
where
    E: aws_sdk_iam::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| {
            matches!(
                code,
                "NoSuchEntity" | "ResourceNotFoundException" | "UserNotFoundException"
            )
        })
}
