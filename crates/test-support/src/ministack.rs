//! The second emulator, ministack: DynamoDB and Cognito written
//! independently of moto, which checks what moto lets through: the SRP
//! proof of a sign-in (a wrong password is refused), a signing key per user
//! pool, revoked tokens after a global sign-out, write capacity sized by
//! item. [`ministack`] gives a test one, as [`crate::local_aws`] gives moto:
//!
//! - when `MINISTACK_ENDPOINT_URL` is set (as `scripts/test` does), that one;
//! - otherwise one is started for the test binary on a free port, its state
//!   in a temporary directory, and killed with the test binary; installed
//!   first when missing (`scripts/install-ministack`).
//!
//! ```no_run
//! # async fn example() {
//! let aws = test_support::ministack::ministack().await;
//! let cognito = aws_sdk_cognitoidentityprovider::Client::new(&aws.config);
//! # let _ = cognito;
//! # }
//! ```

use std::process::Command;
use std::sync::OnceLock;

use crate::emulator::Emulator;
use crate::{LocalAws, process, sdk_config, workspace_root};

/// The ministack of this test binary: `MINISTACK_ENDPOINT_URL` when set,
/// else one started on first use.
///
/// Panics (failing the test) with the cause when it cannot be installed or
/// started; a test is never skipped.
pub async fn ministack() -> LocalAws {
    // Never dropped: the kernel kills it with the test binary.
    static ENDPOINT: OnceLock<(String, Option<Running>)> = OnceLock::new();
    let (endpoint, _) = ENDPOINT.get_or_init(|| match std::env::var("MINISTACK_ENDPOINT_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let running = Running::start().unwrap_or_else(|e| panic!("{e}"));
            (running.endpoint.clone(), Some(running))
        }
    });
    LocalAws {
        endpoint: endpoint.clone(),
        config: sdk_config(endpoint).await,
        emulator: Emulator::Ministack,
    }
}

/// A ministack process and the directory of its state.
struct Running {
    endpoint: String,
    _process: process::Process,
    _state: tempfile::TempDir,
}

impl Running {
    fn start() -> Result<Self, String> {
        let root = workspace_root();
        let install = root.join("scripts/install-ministack");
        let status = Command::new(&install)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", install.display()))?;
        if !status.success() {
            return Err(format!(
                "ministack is not installed and installing it failed ({status}); \
                 install it by hand with `{}` and run the tests again",
                install.display()
            ));
        }
        let port = process::free_port()?;
        let state = tempfile::tempdir().map_err(|e| format!("a state directory: {e}"))?;
        // The scripts' launcher, which gives it a longer listen queue.
        let launcher = root.join("scripts/lib/ministack-server.py");
        let process = process::Process::start(
            &root.join(".venv-ministack/bin/python"),
            &[launcher.to_string_lossy().into_owned()],
            &environment(port, &state.path().to_string_lossy()),
            "ministack-test",
            port,
            "/_ministack/health",
        )?;
        Ok(Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            _process: process,
            _state: state,
        })
    }
}

/// How ministack is started, here and by `scripts/lib/emulator.sh`: loopback
/// only; Cognito's checks on (sign-out revocation, confirmation codes); no
/// MQTT listener on 0.0.0.0:8883, which it opens whatever `SERVICES` says
/// and on which two instances collide; its files under `state`.
///
/// ```
/// let env = test_support::ministack::environment(4566, "/tmp/state");
/// assert!(env.contains(&("AUTH".to_owned(), "true".to_owned())));
/// ```
pub fn environment(port: u16, state: &str) -> Vec<(String, String)> {
    [
        ("AUTH", "true"),
        ("BIND_HOST", "127.0.0.1"),
        ("GATEWAY_PORT", &port.to_string()),
        ("SERVICES", "cognito-idp,dynamodb,iam,sts"),
        ("IOT_MTLS_ENABLED", "0"),
        ("TMPDIR", state),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec()
}

/// The code in the latest e-mail that ministack's Cognito sent to `address`
/// (a sign-up or password-reset code), read from its record of sent mail
/// (`/_ministack/ses/messages`): what the user would read in their inbox.
///
/// ```no_run
/// # async fn example() {
/// let aws = test_support::ministack::ministack().await;
/// let code = test_support::ministack::code_sent_to(&aws.endpoint, "a@a.com").await;
/// assert_eq!(code.map(|c| c.len()), Some(6));
/// # }
/// ```
pub async fn code_sent_to(endpoint: &str, address: &str) -> Option<String> {
    let sent: serde_json::Value = reqwest::get(format!("{endpoint}/_ministack/ses/messages"))
        .await
        .and_then(|answer| answer.error_for_status())
        .expect("ministack's record of sent mail")
        .json()
        .await
        .expect("its JSON");
    let messages = sent["messages"].as_object()?.values();
    let latest = messages
        .filter_map(|account| account.as_array())
        .flatten()
        // Recorded in the order sent.
        .rfind(|message| {
            message["To"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == address))
        })?;
    let body = latest["BodyText"]
        .as_str()
        .filter(|text| !text.is_empty())
        .or(latest["BodyHtml"].as_str())?;
    body.split(|c: char| !c.is_ascii_digit())
        .rfind(|run| run.len() >= 6)
        .map(str::to_owned)
}
