//! The stage 1 binary as its users run it: a separate process, measured by
//! the OS (CPU time, RSS), under load from browser-like clients.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use test_support::process::{Process, app_env, free_port};
use test_support::web::{Browser, metric_by_label};

/// A running `with-dynamodb-store`.
pub struct Instance {
    pub base: String,
    process: Process,
}

/// Where an instance keeps its sessions.
#[derive(Clone)]
pub struct Backend {
    pub endpoint: String,
    pub table: String,
    pub secret: String,
}

impl Backend {
    /// A fresh table on `endpoint` (created by the first instance).
    pub fn new(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            table: test_support::unique_name("stage1"),
            secret: format!("{:064x}", rand_u128()),
        }
    }
}

fn rand_u128() -> u128 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    nanos ^ ((std::process::id() as u128) << 64)
}

impl Instance {
    /// Starts the binary on a free port and waits until it serves.
    pub fn start(backend: &Backend) -> Self {
        Self::start_logging(backend, "warn")
    }

    /// As [`Instance::start`], with `RUST_LOG` set to `filter`.
    pub fn start_logging(backend: &Backend, filter: &str) -> Self {
        let port = free_port().unwrap();
        let mut env = app_env(&backend.endpoint, &backend.table, &backend.secret);
        let more = [
            ("SESSION_TTL", "600"),
            ("DYNAMODB_TIMEOUT", &DYNAMODB_TIMEOUT.as_secs().to_string()),
            ("PORT", &port.to_string()),
            ("RUST_LOG", filter),
            // As set to see where a panic happened: errors must not get traces.
            ("RUST_BACKTRACE", "1"),
        ];
        env.extend(more.map(|(k, v)| (k.to_owned(), v.to_owned())));
        // An empty settings file: everything comes from `env`.
        let args = ["--settings", "/dev/null"].map(String::from);
        let process = Process::start(
            env!("CARGO_BIN_EXE_with-dynamodb-store").as_ref(),
            &args,
            &env,
            "with-dynamodb-store",
            port,
            "/static/style.css",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Self {
            base: format!("http://127.0.0.1:{port}"),
            process,
        }
    }

    /// User + system CPU time the OS charged to the process.
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.pid())).unwrap();
        // Fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        Duration::from_secs_f64(ticks as f64 / hz as f64)
    }

    /// Resident set size in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.process.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// `dynamodb_operations_total` by operation, from `/metrics`.
    pub async fn dynamodb_operations(&self) -> BTreeMap<String, f64> {
        let page = Browser::new().get(&format!("{}/metrics", self.base)).await;
        metric_by_label(&page.body, "dynamodb_operations_total")
    }

    /// Everything the process wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.process.log()).unwrap()
    }

    /// Panics unless the process is up and never panicked.
    pub fn assert_healthy(&self) {
        assert!(
            self.process.is_running(),
            "the app exited:\n{}",
            self.process.log_tail()
        );
        let log = self.log();
        assert!(!log.contains("panicked"), "the app panicked:\n{log}");
    }
}

/// The app's DynamoDB operation timeout in these tests.
pub const DYNAMODB_TIMEOUT: Duration = Duration::from_secs(2);

/// One browser of the load, on one instance: test-support's, with the
/// instance's address, and a transport error as an `Err` (the load counts them).
pub struct Client {
    browser: Browser,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            browser: Browser::new(),
            base: base.to_owned(),
        }
    }

    /// A client of `base` holding this client's cookies: the same browser
    /// talking to another instance.
    pub fn same_browser_on(&self, base: &str) -> Self {
        Self {
            browser: self.browser.same_browser_on(&self.base, base),
            base: base.to_owned(),
        }
    }

    /// The value of cookie `name`, as the browser sends it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.browser.cookie(&self.base, name)
    }

    pub async fn get(&self, path: &str) -> Result<(u16, String), String> {
        let page = self
            .browser
            .try_get(&format!("{}{path}", self.base))
            .await?;
        Ok((page.status, page.body))
    }

    /// POSTs `path` with the CSRF token of the home page.
    pub async fn post(&self, path: &str) -> Result<(u16, String), String> {
        let (_, home) = self.get("/").await?;
        let csrf = test_support::csrf_of(&home).ok_or("no CSRF token on the home page")?;
        let url = format!("{}{path}", self.base);
        let page = self
            .browser
            .try_post_with(&url, &[("csrf", csrf)], &[])
            .await?;
        Ok((page.status, page.body))
    }
}

/// What a load run saw.
#[derive(Debug, Default)]
pub struct Tally {
    pub statuses: BTreeMap<u16, u64>,
    /// Transport errors (no HTTP answer), the first few.
    pub errors: Vec<String>,
    pub error_count: u64,
    pub slowest: Duration,
    /// Requests per base URL.
    pub per_base: BTreeMap<String, u64>,
    /// A 503 page, if any came.
    pub unavailable_page: Option<String>,
}

impl Tally {
    pub fn requests(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.error_count
    }

    pub fn count(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    fn merge(&mut self, other: Tally) {
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        for (base, n) in other.per_base {
            *self.per_base.entry(base).or_default() += n;
        }
        self.error_count += other.error_count;
        self.errors.extend(other.errors);
        self.errors.truncate(5);
        self.slowest = self.slowest.max(other.slowest);
        self.unavailable_page = self.unavailable_page.take().or(other.unavailable_page);
    }

    fn record(&mut self, base: &str, started: Instant, result: Result<(u16, String), String>) {
        self.slowest = self.slowest.max(started.elapsed());
        *self.per_base.entry(base.to_owned()).or_default() += 1;
        match result {
            Ok((status, body)) => {
                *self.statuses.entry(status).or_default() += 1;
                if status == 503 && self.unavailable_page.is_none() {
                    self.unavailable_page = Some(body);
                }
            }
            Err(e) => {
                self.error_count += 1;
                if self.errors.len() < 5 {
                    self.errors.push(e);
                }
            }
        }
    }
}

/// What each simulated user does in a loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mix {
    /// Page views (a session write each) and reads of `/session.json`.
    Browse,
    /// `Browse`, plus a login and a logout every tenth round.
    BrowseAndLogIn,
}

/// `users` browsers, spread round-robin over `bases`, each looping over
/// `mix` until `duration` has passed. Stops by itself.
pub async fn load(bases: &[String], users: usize, duration: Duration, mix: Mix) -> Tally {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..users)
        .map(|i| {
            let base = Arc::new(bases[i % bases.len()].clone());
            tokio::spawn(async move {
                let client = Client::new(&base);
                let mut tally = Tally::default();
                let mut round = 0u64;
                while Instant::now() < deadline {
                    round += 1;
                    let started = Instant::now();
                    tally.record(&base, started, client.get("/").await);
                    let started = Instant::now();
                    tally.record(&base, started, client.get("/session.json").await);
                    if mix == Mix::BrowseAndLogIn && round.is_multiple_of(10) {
                        let started = Instant::now();
                        tally.record(&base, started, client.post("/quicklogin/a").await);
                        let started = Instant::now();
                        tally.record(&base, started, client.post("/logout").await);
                    }
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        total.merge(task.await.unwrap());
    }
    total
}

/// The load tests measure the app's CPU and memory, and one of them kills
/// its emulator: in one test binary they would run at once and measure each
/// other. Each holds this while it runs.
pub async fn one_load_test_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static LOAD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOAD.lock().await
}
