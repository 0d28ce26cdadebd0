//! Dev-only helpers for integration tests against a local AWS emulator.
//!
//! [`local_aws`] gives a test an emulator speaking the real DynamoDB, Cognito,
//! IAM and STS wire protocols on 127.0.0.1 (the moto server) and an
//! [`SdkConfig`] pointed at it:
//!
//! - when `AWS_ENDPOINT_URL` is set (as `scripts/test` does), that endpoint is used;
//! - otherwise one moto server is started per test binary on a free port, and
//!   killed by the kernel when the test binary exits (`PR_SET_PDEATHSIG`), even
//!   after a failure or a panic;
//! - when moto is not installed yet it is installed into the project's `.venv`
//!   by `scripts/install-moto` (under a file lock, so parallel test binaries
//!   do not race). A failure there fails the test with the command to run by
//!   hand; a test is never skipped.
//!
//! Names from [`unique_name`] keep tests that run in parallel apart.
//!
//! ```no_run
//! # async fn example() {
//! let aws = test_support::local_aws().await;
//! let dynamodb = aws_sdk_dynamodb::Client::new(&aws.config);
//! let table = test_support::unique_name("sessions");
//! # let _ = (dynamodb, table);
//! # }
//! ```

pub mod browser;
pub mod cognito;
pub mod emulator;
pub mod hosted_page;
pub mod ministack;
pub mod outage;
pub mod pricing;
pub mod process;
pub mod proxy;
pub mod threads;
pub mod tls;
pub mod totp;
pub mod web;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_config::{BehaviorVersion, Region, SdkConfig};

use emulator::{Emulator, Gap};

/// The region of every local resource. Local Cognito pools must live in
/// us-east-1: the emulator routes unsigned Cognito calls there.
///
/// ```
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// assert_eq!(aws.config.region().unwrap().as_ref(), test_support::REGION);
/// # }
/// ```
pub const REGION: &str = "us-east-1";

/// A reachable emulator and an SDK configuration for it.
///
/// ```
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// let cognito = aws_sdk_cognitoidentityprovider::Client::new(&aws.config);
/// // The endpoint, for what is not an SDK client (e.g. an app's settings).
/// let settings = format!("AWS_ENDPOINT_URL={}", aws.endpoint);
/// # let _ = (cognito, settings);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct LocalAws {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Region [`REGION`], static dummy credentials, endpoint override.
    pub config: SdkConfig,
    /// Which emulator answers at `endpoint`.
    pub emulator: Emulator,
}

impl LocalAws {
    /// An emulator at `endpoint`, asked which one it is.
    ///
    /// ```no_run
    /// # async fn example() {
    /// let aws = test_support::LocalAws::at("http://127.0.0.1:4566").await;
    /// # let _ = aws;
    /// # }
    /// ```
    pub async fn at(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            config: sdk_config(endpoint).await,
            emulator: Emulator::behind(endpoint),
        }
    }

    /// Whether this emulator lacks `gap`. When it does, the test says so
    /// by name and the gap is counted (`scripts/test` prints the count);
    /// the test then checks what the emulator can do.
    ///
    /// ```
    /// # async fn example() {
    /// use test_support::emulator::Gap;
    /// let aws = test_support::local_aws().await;
    /// if aws.lacks(Gap::MfaSetup) {
    ///     return; // checked on the other emulator
    /// }
    /// # }
    /// ```
    pub fn lacks(&self, gap: Gap) -> bool {
        let lacks = gap.lacking() == self.emulator;
        if lacks {
            emulator::report(self.emulator, gap);
        }
        lacks
    }
}

/// Returns the shared emulator of this test binary, starting it on first use.
///
/// Panics (failing the test) with an explanation when the emulator cannot be
/// installed or started.
///
/// ```
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// let dynamodb = aws_sdk_dynamodb::Client::new(&aws.config);
/// assert!(dynamodb.list_tables().send().await.is_ok());
/// # }
/// ```
pub async fn local_aws() -> LocalAws {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    let endpoint = endpoint();
    LocalAws {
        endpoint: endpoint.to_owned(),
        config: sdk_config(endpoint).await,
        emulator: *EMULATOR.get_or_init(|| Emulator::behind(endpoint)),
    }
}

/// An [`SdkConfig`] for a local emulator at `endpoint`: the static
/// credentials `test` / `test` (moto routes requests by their SigV4 scope and
/// checks nothing more; ministack with `AUTH=true` checks the signature
/// against these) and region [`REGION`].
///
/// ```
/// # async fn example() {
/// // Through a proxy of the test's own in front of the emulator.
/// let config = test_support::sdk_config("http://127.0.0.1:4566").await;
/// assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:4566"));
/// # }
/// ```
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "test-support",
        ))
        .load()
        .await
}

/// A name unique to this test process and call, e.g. `sessions-1a2b3c-7`, for
/// tables and user pools, so tests sharing an emulator never see each other.
///
/// ```
/// let a = test_support::unique_name("sessions");
/// let b = test_support::unique_name("sessions");
/// assert!(a.starts_with("sessions-") && a != b);
/// ```
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    static RUN: OnceLock<String> = OnceLock::new();
    let run = RUN.get_or_init(|| format!("{:08x}", rand::random::<u32>()));
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{run}-{n}")
}

/// `len` characters of random base64url text: as incompressible as the
/// tokens a session holds, so that a size test is not undone by the store's
/// compression.
///
/// ```
/// let text = test_support::random_text(100);
/// assert_eq!(text.len(), 100);
/// assert_ne!(text, test_support::random_text(100));
/// ```
pub fn random_text(len: usize) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..len).map(|_| rand::random()).collect();
    let mut text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    text.truncate(len);
    text
}

/// `http://127.0.0.1:PORT` on a port nothing listens on (one just freed):
/// an endpoint that refuses every connection.
///
/// ```no_run
/// # async fn example() {
/// let down = test_support::sdk_config(&test_support::unreachable_endpoint()).await;
/// let tables = aws_sdk_dynamodb::Client::new(&down).list_tables().send().await;
/// assert!(tables.is_err());
/// # }
/// ```
pub fn unreachable_endpoint() -> String {
    let freed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    format!("http://{freed}")
}

/// The CSRF token in the demo's page `page` (its forms' hidden `csrf` field).
///
/// ```
/// let page = r#"<form><input type="hidden" name="csrf" value="t0k3n"></form>"#;
/// assert_eq!(test_support::csrf_of(page), Some("t0k3n"));
/// assert_eq!(test_support::csrf_of("<p>no form</p>"), None);
/// ```
pub fn csrf_of(page: &str) -> Option<&str> {
    const FIELD: &str = "name=\"csrf\" value=\"";
    let start = page.find(FIELD)? + FIELD.len();
    page[start..].split('"').next()
}

/// The emulator's endpoint: `AWS_ENDPOINT_URL` when set, else one started
/// for this process.
///
/// ```no_run
/// // What a process started by the test (an app under test) is pointed at.
/// let env = [("AWS_ENDPOINT_URL".to_owned(), test_support::endpoint().to_owned())];
/// # let _ = env;
/// ```
pub fn endpoint() -> &'static str {
    // The emulator is never dropped: the kernel kills it with the test binary.
    static ENDPOINT: OnceLock<(String, Option<PrivateEmulator>)> = OnceLock::new();
    &ENDPOINT
        .get_or_init(|| match std::env::var("AWS_ENDPOINT_URL") {
            Ok(url) if !url.is_empty() => (url, None),
            _ => {
                let emulator = PrivateEmulator::start().unwrap_or_else(|e| panic!("{e}"));
                (emulator.endpoint(), Some(emulator))
            }
        })
        .0
}

/// An emulator owned by one test, which may kill it and start it again on
/// the same port to play an outage (everything stored is lost, as with a
/// real outage of local state). Most tests want the shared [`local_aws`].
///
/// ```no_run
/// # async fn example() {
/// let mut emulator = test_support::PrivateEmulator::start().unwrap();
/// let config = emulator.sdk_config().await;
/// emulator.kill();
/// emulator.restart().unwrap();
/// # let _ = config;
/// # }
/// ```
#[derive(Debug)]
pub struct PrivateEmulator {
    port: u16,
    process: Option<process::Process>,
}

impl PrivateEmulator {
    /// Installs moto when missing and starts it on a free port.
    ///
    /// ```no_run
    /// let emulator = test_support::PrivateEmulator::start().expect("moto installed and started");
    /// println!("emulator on {}", emulator.endpoint());
    /// ```
    pub fn start() -> Result<Self, String> {
        install_emulator()?;
        let port = process::free_port()?;
        let mut emulator = Self {
            port,
            process: None,
        };
        emulator.restart()?;
        Ok(emulator)
    }

    /// `http://127.0.0.1:PORT`, the same across restarts.
    ///
    /// ```
    /// # fn example(emulator: test_support::PrivateEmulator) {
    /// assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// An [`SdkConfig`] for this emulator.
    ///
    /// ```
    /// # async fn example(emulator: test_support::PrivateEmulator) {
    /// let dynamodb = aws_sdk_dynamodb::Client::new(&emulator.sdk_config().await);
    /// # let _ = dynamodb;
    /// # }
    /// ```
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config(&self.endpoint()).await
    }

    /// SIGKILLs the emulator; returns once it is gone.
    ///
    /// ```
    /// # fn example(mut emulator: test_support::PrivateEmulator) {
    /// emulator.kill(); // calls now fail as on an unreachable endpoint
    /// # }
    /// ```
    pub fn kill(&mut self) {
        if let Some(process) = self.process.take() {
            process.kill();
        }
    }

    /// Starts it (again) on its port, empty, and waits until it answers.
    ///
    /// ```
    /// # async fn example(mut emulator: test_support::PrivateEmulator) {
    /// emulator.kill();
    /// emulator.restart().unwrap(); // same endpoint, nothing stored: provision again
    /// # }
    /// ```
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill();
        // The scripts' launcher: moto's settings (scripts/lib/moto_env.py)
        // and a longer listen queue, as wherever this project runs moto.
        let launcher = workspace_root().join("scripts/lib/moto-server.py");
        let args = [
            launcher.to_string_lossy().as_ref(),
            "-H",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
        ]
        .map(String::from);
        let program = workspace_root().join(".venv/bin/python");
        let process = process::Process::start(
            &program,
            &args,
            &[],
            "moto-test",
            self.port,
            "/moto-api/data.json",
        )?;
        self.process = Some(process);
        Ok(())
    }
}

/// The workspace root (where `scripts/` and `.venv/` are).
///
/// ```
/// assert!(test_support::workspace_root().join("scripts/install-moto").exists());
/// ```
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/test-support is two levels below the root")
        .to_path_buf()
}

fn install_emulator() -> Result<(), String> {
    let root = workspace_root();
    let install = root.join("scripts/install-moto");
    let status = Command::new(&install)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", install.display()))?;
    if !status.success() {
        return Err(format!(
            "the local AWS emulator is not installed and installing it failed ({status}); \
             install it by hand with `{}` and run the tests again",
            install.display()
        ));
    }
    Ok(())
}
