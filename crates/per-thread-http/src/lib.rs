#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

use std::fmt;
use std::sync::Arc;

use aws_smithy_runtime::client::defaults::default_http_client_plugin_v2;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::SdkConfig;
use thread_local::ThreadLocal;

/// `config` with an HTTP client that keeps one pool per thread: the SDK's
/// default client for `config`'s behavior version, one instance per thread.
///
/// A config that names its own HTTP client is returned unchanged (wrap that
/// client with [`PerThreadHttpClient::new`] if it pools connections), as is
/// one for an SDK built without a default client.
///
/// ```no_run
/// # async fn example() {
/// let config = per_thread_http::per_thread_pools(&aws_config::load_from_env().await);
/// # let _ = config;
/// # }
/// ```
pub fn per_thread_pools(config: &SdkConfig) -> SdkConfig {
    if config.http_client().is_some() {
        return config.clone();
    }
    let behavior_version = config
        .behavior_version()
        .unwrap_or_else(BehaviorVersion::latest);
    match PerThreadHttpClient::sdk_default(behavior_version) {
        Some(client) => config.to_builder().http_client(client).build(),
        None => config.clone(),
    }
}

/// An [`HttpClient`] that makes one inner client per thread, on first use on
/// that thread, and hands each call the connector of its thread's client.
///
/// Cheap to clone: clones share the per-thread clients. Each thread's client
/// lives as long as the `PerThreadHttpClient` does.
///
/// ```no_run
/// use per_thread_http::PerThreadHttpClient;
/// use aws_config::BehaviorVersion;
///
/// # async fn example() {
/// let client = PerThreadHttpClient::sdk_default(BehaviorVersion::latest())
///     .expect("the SDK's default HTTPS client is compiled in");
/// let config = aws_config::defaults(BehaviorVersion::latest())
///     .http_client(client)
///     .load()
///     .await;
/// # let _ = config;
/// # }
/// ```
#[derive(Clone)]
pub struct PerThreadHttpClient {
    make: Arc<dyn Fn() -> SharedHttpClient + Send + Sync>,
    clients: Arc<ThreadLocal<SharedHttpClient>>,
}

impl PerThreadHttpClient {
    /// A client per thread, each made by `make`.
    ///
    /// ```
    /// # use per_thread_http::PerThreadHttpClient;
    /// # fn make_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient { unimplemented!() }
    /// let client = PerThreadHttpClient::new(make_client);
    /// # let _ = client;
    /// ```
    pub fn new(make: impl Fn() -> SharedHttpClient + Send + Sync + 'static) -> Self {
        Self {
            make: Arc::new(make),
            clients: Arc::new(ThreadLocal::new()),
        }
    }

    /// The SDK's default HTTPS client for `behavior_version`, one per thread;
    /// `None` when the SDK is built without a default client.
    ///
    /// ```
    /// # use per_thread_http::PerThreadHttpClient;
    /// use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
    /// assert!(PerThreadHttpClient::sdk_default(BehaviorVersion::latest()).is_some());
    /// ```
    pub fn sdk_default(behavior_version: BehaviorVersion) -> Option<Self> {
        let sdk_default = move || {
            default_http_client_plugin_v2(behavior_version)?
                .runtime_components(&RuntimeComponentsBuilder::new("per-thread-http"))
                .http_client()
        };
        sdk_default()?;
        Some(Self::new(move || {
            sdk_default().expect("the default client was there at construction")
        }))
    }

    /// This thread's client.
    fn here(&self) -> &SharedHttpClient {
        self.clients.get_or(|| (self.make)())
    }
}

impl fmt::Debug for PerThreadHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerThreadHttpClient")
            .field("threads", &self.clients.iter().count())
            .finish_non_exhaustive()
    }
}

impl HttpClient for PerThreadHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.here().http_connector(settings, components)
    }

    fn validate_base_client_config(
        &self,
        components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.here().validate_base_client_config(components, cfg)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.here().validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.here().connector_metadata()
    }
}
