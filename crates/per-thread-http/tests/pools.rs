//! Against DynamoDB on the local emulator, behind a proxy that keeps
//! connections alive as AWS endpoints do.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use per_thread_http::per_thread_pools;
use test_support::threads::{runtime, while_the_other_waits};

/// Both threads' `ListTables` answers, the first made with `config`'s client
/// after a call on this thread.
fn list_tables_on_two_threads(config: &aws_types::SdkConfig) -> (bool, bool) {
    let here = runtime();
    let dynamodb = aws_sdk_dynamodb::Client::new(config);
    here.block_on(dynamodb.list_tables().send()).unwrap();
    while_the_other_waits(&here, move || {
        let dynamodb = dynamodb.clone();
        async move { dynamodb.list_tables().send().await.is_ok() }
    })
}

fn kept_alive() -> (test_support::proxy::DynamoDbProxy, aws_types::SdkConfig) {
    let aws = runtime().block_on(test_support::local_aws());
    let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
    let config = aws.config.to_builder().endpoint_url(proxy.url()).build();
    (proxy, config)
}

#[test]
fn with_per_thread_pools_no_call_waits_on_another_threads_runtime() {
    let (_proxy, config) = kept_alive();
    assert_eq!(
        list_tables_on_two_threads(&per_thread_pools(&config)),
        (true, true)
    );
}

/// What the crate is for: with the SDK's default client, one shared pool, a
/// call takes the connection another thread opened and waits for that
/// thread's runtime, which does not run: it times out.
#[test]
fn with_the_sdk_default_a_call_waits_on_the_thread_that_opened_its_connection() {
    let (_proxy, config) = kept_alive();
    let config = config
        .to_builder()
        .timeout_config(
            aws_smithy_types::timeout::TimeoutConfig::builder()
                .operation_timeout(std::time::Duration::from_millis(500))
                .build(),
        )
        .build();
    assert_eq!(list_tables_on_two_threads(&config), (false, true));
}

/// A client of the caller's own, told apart by its name.
#[derive(Debug)]
struct OwnClient;

impl HttpClient for OwnClient {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        unreachable!("never called")
    }
}

#[test]
fn a_config_with_its_own_http_client_is_left_alone() {
    let (_proxy, config) = kept_alive();
    let default = per_thread_pools(&config).http_client().unwrap();
    assert!(
        format!("{default:?}").contains("PerThreadHttpClient"),
        "{default:?}"
    );
    let own = config.to_builder().http_client(OwnClient).build();
    let kept: SharedHttpClient = per_thread_pools(&own).http_client().unwrap();
    assert!(format!("{kept:?}").contains("OwnClient"), "{kept:?}");
}
