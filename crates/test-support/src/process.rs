//! Helper processes (the emulator, chromedriver, an app under test) that
//! live at most as long as the test binary: the kernel kills them when it
//! exits, even after a panic or a SIGKILL.
//!
//! ```no_run
//! use test_support::process::{Process, free_port};
//! let port = free_port().unwrap();
//! let server = Process::start(
//!     std::path::Path::new("/usr/bin/python3"),
//!     &["-m".into(), "http.server".into(), port.to_string()],
//!     &[],
//!     "http-server",
//!     port,
//!     "/",
//! )
//! .unwrap();
//! assert!(server.is_running());
//! server.kill();
//! ```

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1.
///
/// ```
/// let port = test_support::process::free_port().unwrap();
/// assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
/// ```
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// A running helper process. Dropping it kills it.
///
/// ```
/// # fn example(app: test_support::process::Process) {
/// assert!(app.is_running(), "the app died: {}", app.log_tail());
/// app.kill();
/// # }
/// ```
#[derive(Debug)]
pub struct Process {
    pid: u32,
    log: PathBuf,
    exited: Arc<AtomicBool>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Process {
    /// Starts `program` with `args` and extra environment `env`, its output
    /// in `target/test-logs/<name>-<pid>-<port>.log` (kept for reading after
    /// a failure), and waits until it answers `GET path` on
    /// 127.0.0.1:`port`.
    ///
    /// ```no_run
    /// use std::path::Path;
    /// use test_support::process::{Process, free_port};
    /// let port = free_port().unwrap();
    /// let app = Process::start(
    ///     Path::new("target/release/with-dynamodb-store"),
    ///     &["--port".into(), port.to_string()],
    ///     &[("RUST_LOG".into(), "info".into())],
    ///     "stage1",
    ///     port,
    ///     "/static/style.css",
    /// )
    /// .unwrap_or_else(|e| panic!("{e}"));
    /// # let _ = app;
    /// ```
    pub fn start(
        program: &Path,
        args: &[String],
        env: &[(String, String)],
        name: &str,
        port: u16,
        path: &str,
    ) -> Result<Self, String> {
        let logs = crate::workspace_root().join("target/test-logs");
        std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
        let log_path = logs.join(format!("{name}-{}-{port}.log", std::process::id()));
        let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        kill_with_parent(&mut command);
        // PR_SET_PDEATHSIG is tied to the spawning thread: spawn from a thread
        // that lives exactly as long as the child (and reaps it).
        let (tx, rx) = std::sync::mpsc::channel();
        let shown = program.display().to_string();
        let exited = Arc::new(AtomicBool::new(false));
        let flag = exited.clone();
        let waiter = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || match command.spawn() {
                Ok(mut child) => {
                    let _ = tx.send(Ok(child.id()));
                    let _ = child.wait();
                    flag.store(true, Ordering::SeqCst);
                }
                Err(e) => {
                    let _ = tx.send(Err(format!("cannot start {shown}: {e}")));
                }
            })
            .map_err(|e| e.to_string())?;
        let pid = rx.recv().map_err(|e| e.to_string())??;
        let process = Self {
            pid,
            log: log_path,
            exited,
            waiter: Some(waiter),
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        wait_until_http(addr, path, Duration::from_secs(30), &process.exited).map_err(|e| {
            format!(
                "{name}: {e} (its log: {})\n{}",
                process.log.display(),
                process.log_tail()
            )
        })?;
        Ok(process)
    }

    /// The operating system's process id.
    ///
    /// ```
    /// # fn example(app: test_support::process::Process) {
    /// // E.g. its CPU time, from /proc.
    /// let stat = std::fs::read_to_string(format!("/proc/{}/stat", app.pid())).unwrap();
    /// # let _ = stat;
    /// # }
    /// ```
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Where its standard output and error go.
    ///
    /// ```
    /// # fn example(app: test_support::process::Process) {
    /// let log = std::fs::read_to_string(app.log()).unwrap();
    /// assert!(!log.contains("panicked"), "{log}");
    /// # }
    /// ```
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// The last lines of its log, for failure messages.
    ///
    /// ```
    /// # fn example(app: test_support::process::Process) {
    /// assert!(app.is_running(), "the app died; its log ends with:\n{}", app.log_tail());
    /// # }
    /// ```
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// False once the process has exited, whatever the cause.
    ///
    /// ```
    /// # fn example(app: test_support::process::Process) {
    /// assert!(app.is_running(), "the app stays up under bad input");
    /// # }
    /// ```
    pub fn is_running(&self) -> bool {
        !self.exited.load(Ordering::SeqCst)
    }

    /// SIGKILLs the process and returns once it is gone.
    ///
    /// ```
    /// # fn example(app: test_support::process::Process) {
    /// app.kill(); // returns once it is gone: its port is free again
    /// # }
    /// ```
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.is_running() {
            // SAFETY: kill(2) on a child we have not reaped yet (the waiter
            // thread reaps it), so the pid cannot have been reused.
            unsafe {
                libc::kill(self.pid as libc::pid_t, libc::SIGKILL);
            }
        }
        if let Some(waiter) = self.waiter.take() {
            let _ = waiter.join();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls until `GET path` gets an HTTP answer (no fixed sleep).
fn wait_until_http(
    addr: SocketAddr,
    path: &str,
    limit: Duration,
    exited: &AtomicBool,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if exited.load(Ordering::SeqCst) {
            return Err("exited before it answered".into());
        }
        if let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let request =
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut head = [0u8; 12];
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_exact(&mut head).is_ok()
                && head.starts_with(b"HTTP/1.")
            {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("no answer on {addr} within {limit:?}"));
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

/// The settings, as environment variables, that a stage binary needs to run
/// on the emulator at `endpoint` with sessions in `table`, its cookie key
/// from `secret`, over plain http. Callers add the rest (`PORT`, the pool).
/// Every other setting is blank, which the binary reads as unset: one
/// exported in the shell that runs the tests does not reach the app.
///
/// ```
/// let env = test_support::process::app_env("http://127.0.0.1:5000", "sessions", "k");
/// assert!(env.contains(&("TABLE_NAME".to_owned(), "sessions".to_owned())));
/// assert!(env.contains(&("POOL_ID".to_owned(), String::new())));
/// ```
pub fn app_env(endpoint: &str, table: &str, secret: &str) -> Vec<(String, String)> {
    let blank = settings_file::KEYS.iter().map(|&key| (key, ""));
    let set = [
        ("AWS_REGION", crate::REGION),
        ("AWS_ENDPOINT_URL", endpoint),
        ("ACCESS_KEY_ID", "test"),
        ("SECRET_ACCESS_KEY", "test"),
        ("TABLE_NAME", table),
        ("SESSION_SECRET", secret),
        ("COOKIE_SECURE", "false"),
    ];
    // Later pairs win, in a HashMap as in a Command's environment.
    let env: std::collections::HashMap<_, _> = blank.chain(set).collect();
    env.into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
