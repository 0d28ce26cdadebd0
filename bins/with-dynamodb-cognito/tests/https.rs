//! Stage 2 against an HTTPS endpoint, as on AWS: its DynamoDB and Cognito
//! calls and its fetch of the pool's signing keys all go through TLS, and
//! all of them verify the endpoint's certificate.

use std::time::Duration;

use test_support::cognito::DemoPool;
use test_support::process::{Process, app_env, free_port};
use test_support::tls::TlsProxy;

/// Starts the stage 2 binary on `https`, trusting its authority or not.
fn start(https: &TlsProxy, pool: &DemoPool, trust: bool) -> Result<(String, Process), String> {
    let port = free_port()?;
    let table = test_support::unique_name("https");
    let mut env = app_env(https.url(), &table, "a test secret, stretched by the KDF");
    let more = [
        ("POOL_ID", pool.pool_id.clone()),
        ("CLIENT_ID", pool.client_id.clone()),
        // Room for the SDK's three attempts (it retries a refused handshake
        // as an I/O error, with up to 3 s of backoff): the error then names
        // the certificate, not the timeout.
        ("DYNAMODB_TIMEOUT", "10".to_owned()),
        ("PORT", port.to_string()),
    ];
    env.extend(more.map(|(k, v)| (k.to_owned(), v)));
    if trust {
        env.push((
            "SSL_CERT_FILE".to_owned(),
            https.ca_file().display().to_string(),
        ));
    }
    // An empty settings file: everything comes from `env`.
    let args = ["--settings", "/dev/null"].map(String::from);
    let process = Process::start(
        env!("CARGO_BIN_EXE_with-dynamodb-cognito").as_ref(),
        &args,
        &env,
        "with-dynamodb-cognito",
        port,
        "/static/style.css",
    )?;
    Ok((format!("http://127.0.0.1:{port}"), process))
}

#[tokio::test]
async fn every_aws_call_goes_through_tls_and_checks_the_certificate() {
    let aws = test_support::local_aws().await;
    let pool = DemoPool::create(&aws).await;
    pool.confirmed_user("a", "aaaaaa").await;
    let https = TlsProxy::start(&aws.endpoint);

    // The system's authorities do not know the endpoint's: no connection is
    // made, and start-up fails with one line naming the table check and why.
    let Err(refused) = start(&https, &pool, false) else {
        panic!("an untrusted certificate must fail start-up");
    };
    assert!(refused.contains("exited before it answered"), "{refused}");
    assert!(
        refused.contains("error: session table: DynamoDB dynamodb:DescribeTable")
            && refused.contains("invalid peer certificate: UnknownIssuer"),
        "{refused}"
    );
    assert_eq!(
        https.handshakes(),
        0,
        "no handshake accepted the certificate"
    );

    let (base, _app) = start(&https, &pool, true).unwrap_or_else(|e| panic!("{e}"));
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let home = browser.get(format!("{base}/")).send().await.unwrap();
    let home = home.text().await.unwrap();
    assert!(home.contains("Not Logged"), "{home}");
    // Cognito signs in, the keys that verify its tokens are fetched, the
    // session is written: each over TLS.
    let answer = browser
        .post(format!("{base}/quicklogin/a"))
        .form(&[("csrf", test_support::csrf_of(&home).expect("a CSRF field"))])
        .send()
        .await
        .unwrap();
    let page = answer.text().await.unwrap();
    assert!(page.contains("Hello <strong>a</strong>"), "{page}");
    let restricted = browser
        .get(format!("{base}/restricted"))
        .send()
        .await
        .unwrap();
    let restricted = restricted.text().await.unwrap();
    assert!(
        restricted.contains("You see some secret things"),
        "{restricted}"
    );
    assert!(https.handshakes() > 0);
}
