//! Helper processes (the emulator, chromedriver) that live exactly as long
//! as the test binary: the kernel kills them when it exits, even after a
//! panic or a SIGKILL.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on 127.0.0.1.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// Starts `program` with `args`, its output in `target/<name>-<pid>.log`,
/// and waits until it answers `GET path` on 127.0.0.1:`port`. Returns the log path.
pub(crate) fn start(
    program: &Path,
    args: &[String],
    name: &str,
    port: u16,
    path: &str,
) -> Result<PathBuf, String> {
    let target = crate::workspace_root().join("target");
    std::fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    let log_path = target.join(format!("{name}-{}.log", std::process::id()));
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log);
    kill_with_parent(&mut command);
    // PR_SET_PDEATHSIG is tied to the spawning thread: spawn from a thread
    // that lives exactly as long as the child.
    let (tx, rx) = std::sync::mpsc::channel();
    let shown = program.display().to_string();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                let _ = tx.send(Ok(()));
                let _ = child.wait();
            }
            Err(e) => {
                let _ = tx.send(Err(format!("cannot start {shown}: {e}")));
            }
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())??;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    wait_until_http(addr, path, Duration::from_secs(30))
        .map_err(|e| format!("{name}: {e} (its log: {})", log_path.display()))?;
    Ok(log_path)
}

/// Polls until `GET path` gets an HTTP answer (no fixed sleep).
fn wait_until_http(addr: SocketAddr, path: &str, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
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
