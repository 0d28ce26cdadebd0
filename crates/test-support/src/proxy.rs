//! A proxy in front of the emulator that behaves as DynamoDB's endpoints do
//! where the emulator does not:
//!
//! - it keeps connections alive, so the SDK reuses them as it does on AWS
//!   (the emulator closes every connection after one answer);
//! - it can play a table over its capacity: while throttling is on, every
//!   call gets DynamoDB's `ThrottlingException` (HTTP 400, as the service
//!   sends it). The emulator never throttles.
//!
//! Otherwise calls pass through to the emulator unchanged.
//!
//! ```no_run
//! # async fn example() {
//! let aws = test_support::local_aws().await;
//! let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
//! let config = aws.config.to_builder().endpoint_url(proxy.url()).build();
//! proxy.set_throttling(true);
//! // ... calls made with `config` are throttled, and counted:
//! let _ = proxy.throttled_calls();
//! # }
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const THROTTLED: &str = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#;

/// An HTTP answer to send back.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// The proxy; it serves until the test binary exits.
///
/// ```
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
/// let config = aws.config.to_builder().endpoint_url(proxy.url()).build();
/// // A client that reuses its connections, as on AWS.
/// let dynamodb = aws_sdk_dynamodb::Client::new(&config);
/// # let _ = dynamodb;
/// # }
/// ```
#[derive(Debug)]
pub struct DynamoDbProxy {
    url: String,
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    throttling: AtomicBool,
    throttled: AtomicUsize,
}

impl DynamoDbProxy {
    /// Starts a proxy to `upstream` (`http://HOST:PORT`) on a free port of 127.0.0.1.
    ///
    /// ```
    /// # async fn example() {
    /// let aws = test_support::local_aws().await;
    /// let proxy = test_support::proxy::DynamoDbProxy::start(&aws.endpoint);
    /// # let _ = proxy;
    /// # }
    /// ```
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the DynamoDB proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let state = Arc::new(State::default());
        let upstream = upstream.trim_end_matches('/').to_owned();
        let serving = state.clone();
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            for stream in listener.incoming().flatten() {
                let (client, upstream, state) = (client.clone(), upstream.clone(), serving.clone());
                std::thread::spawn(move || {
                    // A broken connection is the client's business; it retries.
                    let _ = serve_connection(stream, &client, &upstream, &state);
                });
            }
        });
        Self { url, state }
    }

    /// `http://127.0.0.1:PORT`, to use as the endpoint URL.
    ///
    /// ```
    /// # fn example(proxy: test_support::proxy::DynamoDbProxy) {
    /// assert!(proxy.url().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Turns throttling on or off for the calls that follow.
    ///
    /// ```
    /// # fn example(proxy: test_support::proxy::DynamoDbProxy) {
    /// proxy.set_throttling(true);
    /// // ... every call now gets ThrottlingException ...
    /// proxy.set_throttling(false);
    /// # }
    /// ```
    pub fn set_throttling(&self, on: bool) {
        self.state.throttling.store(on, Ordering::SeqCst);
    }

    /// How many calls have been throttled so far.
    ///
    /// ```
    /// # fn example(proxy: test_support::proxy::DynamoDbProxy) {
    /// assert_eq!(proxy.throttled_calls(), 3, "the SDK tried three times");
    /// # }
    /// ```
    pub fn throttled_calls(&self) -> usize {
        self.state.throttled.load(Ordering::SeqCst)
    }
}

/// Answers requests on `stream` until the client closes it or asks to.
fn serve_connection(
    mut stream: TcpStream,
    client: &reqwest::blocking::Client,
    upstream: &str,
    state: &State,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    while serve(&mut reader, &mut stream, client, upstream, state)? {}
    Ok(())
}

/// Answers one request; whether the connection stays open.
fn serve(
    reader: &mut BufReader<TcpStream>,
    stream: &mut TcpStream,
    client: &reqwest::blocking::Client,
    upstream: &str,
    state: &State,
) -> std::io::Result<bool> {
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(false);
    };
    let mut headers = Vec::new();
    let mut length = 0;
    let mut keep_alive = true;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            }
            if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                keep_alive = false;
            }
            headers.push((name, value));
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;

    let answer = if state.throttling.load(Ordering::SeqCst) {
        state.throttled.fetch_add(1, Ordering::SeqCst);
        Answer {
            status: 400,
            headers: vec![(
                "content-type".to_owned(),
                "application/x-amz-json-1.0".to_owned(),
            )],
            body: THROTTLED.as_bytes().to_vec(),
        }
    } else {
        forward(client, upstream, method, target, &headers, body)?
    };
    let reason = if answer.status == 200 { "OK" } else { "Error" };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", answer.status);
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n", answer.body.len()));
    if !keep_alive {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut message = head.into_bytes();
    message.extend_from_slice(&answer.body);
    stream.write_all(&message)?;
    stream.flush()?;
    Ok(keep_alive)
}

/// Headers that belong to one connection, not to the message.
fn is_hop_by_hop(name: &str) -> bool {
    [
        "host",
        "connection",
        "content-length",
        "transfer-encoding",
        "keep-alive",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

fn forward(
    client: &reqwest::blocking::Client,
    upstream: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> std::io::Result<Answer> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(std::io::Error::other)?;
    let mut request = client.request(method, format!("{upstream}{target}"));
    for (name, value) in headers.iter().filter(|(name, _)| !is_hop_by_hop(name)) {
        request = request.header(name, value);
    }
    let response = request.body(body).send().map_err(std::io::Error::other)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(name, _)| !is_hop_by_hop(name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
        .collect();
    let body = response.bytes().map_err(std::io::Error::other)?.to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}
