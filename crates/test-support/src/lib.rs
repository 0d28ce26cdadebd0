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

pub mod cognito;

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};

/// The region of every local resource. Local Cognito pools must live in
/// us-east-1: the emulator routes unsigned Cognito calls there.
pub const REGION: &str = "us-east-1";

/// A reachable emulator and an SDK configuration for it.
#[derive(Clone, Debug)]
pub struct LocalAws {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Region [`REGION`], static dummy credentials, endpoint override.
    pub config: SdkConfig,
}

/// Returns the shared emulator of this test binary, starting it on first use.
///
/// Panics (failing the test) with an explanation when the emulator cannot be
/// installed or started.
pub async fn local_aws() -> LocalAws {
    let endpoint = endpoint().to_owned();
    let config = sdk_config(&endpoint).await;
    LocalAws { endpoint, config }
}

/// An [`SdkConfig`] for a local emulator at `endpoint`: static dummy
/// credentials (the emulator routes requests by their SigV4 scope, so they
/// must be signed) and region [`REGION`].
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "local",
            "local",
            None,
            None,
            "test-support",
        ))
        .load()
        .await
}

/// A name unique to this test process and call, e.g. `sessions-1a2b3c-7`, for
/// tables and user pools, so tests sharing an emulator never see each other.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    static RUN: OnceLock<String> = OnceLock::new();
    let run = RUN.get_or_init(|| format!("{:08x}", rand::random::<u32>()));
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{run}-{n}")
}

/// The emulator's endpoint: `AWS_ENDPOINT_URL` when set, else one started
/// for this process.
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("AWS_ENDPOINT_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => start_emulator().unwrap_or_else(|e| panic!("{e}")),
    })
}

/// The workspace root (where `scripts/` and `.venv/` are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/test-support is two levels below the root")
        .to_path_buf()
}

fn start_emulator() -> Result<String, String> {
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
    let port = free_port().map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    let moto = root.join(".venv/bin/moto_server");
    let log_path = root.join(format!("target/moto-test-{}.log", std::process::id()));
    std::fs::create_dir_all(root.join("target")).map_err(|e| e.to_string())?;
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut command = Command::new(&moto);
    command
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log);
    kill_with_parent(&mut command);
    // The child is spawned from a thread that lives exactly as long as the
    // child, so PR_SET_PDEATHSIG (tied to the spawning thread) fires only when
    // the whole test process goes away.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("moto-server".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                let _ = tx.send(Ok(()));
                let _ = child.wait();
            }
            Err(e) => {
                let _ = tx.send(Err(format!("cannot start {}: {e}", moto.display())));
            }
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())??;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    wait_until_ready(addr, Duration::from_secs(30))
        .map_err(|e| format!("{e} (its log: {})", log_path.display()))?;
    Ok(format!("http://{addr}"))
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Polls until the emulator answers an HTTP request (no fixed sleep).
fn wait_until_ready(addr: SocketAddr, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let request =
                "GET /moto-api/data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            let mut head = [0u8; 12];
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_exact(&mut head).is_ok()
                && head.starts_with(b"HTTP/1.")
            {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the moto server did not answer on {addr} within {limit:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(target_os = "linux")]
fn kill_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn kill_with_parent(_command: &mut Command) {}
