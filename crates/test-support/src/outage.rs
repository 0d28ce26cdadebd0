//! A TCP forwarder to the emulator that a test can cut and restore, whole
//! or for one service (an outage of DynamoDB or of Cognito alone), or have
//! answer one kind of Cognito request with an error the emulator never
//! gives. The HTTP-level proxy for DynamoDB's own behaviour (kept-alive
//! connections, throttling) is [`crate::proxy`].
//!
//! Hand-written, on tokio: a test needs an outage at the wire (connections
//! refused or reset mid-answer, as a network gives them, not an error the
//! SDK is told to return) and Cognito's documented errors that no emulator
//! sends, on the real HTTP path; mocking crates answer at another level.
//!
//! ```no_run
//! # async fn example() {
//! use test_support::outage::{COGNITO, Outage};
//! let aws = test_support::local_aws().await;
//! let outage = Outage::forward_to(&aws.endpoint).await;
//! // Point the app at `outage.address`; then:
//! outage.refuse(COGNITO); // Cognito unreachable, DynamoDB served
//! outage.stop_refusing();
//! outage.cut(); // everything unreachable
//! outage.restore().await;
//! # }
//! ```

use std::sync::Arc;

/// A TCP forwarder to the emulator that a test can cut and restore, whole or
/// for one service, to make it unreachable for an app while the test keeps
/// using the emulator directly.
pub struct Outage {
    /// Where the app is pointed instead of the emulator.
    pub address: std::net::SocketAddr,
    target: std::net::SocketAddr,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    /// Requests whose head contains one of these texts are dropped or
    /// answered (the first match).
    refused: Arc<std::sync::Mutex<Vec<(&'static str, Refusal)>>>,
    /// The first bytes of the latest requests (headers and a small body).
    seen: Arc<std::sync::Mutex<std::collections::VecDeque<String>>>,
}

/// How many requests [`Outage::requests`] remembers.
const REMEMBERED: usize = 256;

/// What [`Outage`] does with the requests it singles out.
#[derive(Clone)]
enum Refusal {
    /// No answer: the connection is closed.
    Drop,
    /// An error answer of Cognito's, as the service sends it.
    Answer(Vec<u8>),
}

/// Cognito's answer `code: message` (HTTP 400), as the service sends it.
fn cognito_error(code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "__type": code, "message": message });
    cognito_answer("400 Bad Request", &body)
}

/// An answer of Cognito's with `status` and the JSON `body`.
fn cognito_answer(status: &str, body: &serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status}\r\n\
         content-type: application/x-amz-json-1.1\r\n\
         content-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `head` asking the emulator to close the connection after its answer:
/// moto does so anyway, ministack keeps connections alive, and a request
/// sent on a kept connection would pass the forwarder unseen.
fn one_request(head: Vec<u8>) -> Vec<u8> {
    match head.windows(2).position(|w| w == b"\r\n") {
        Some(end) if head.starts_with(b"POST ") || head.starts_with(b"GET ") => {
            let (line, rest) = head.split_at(end + 2);
            [line, b"connection: close\r\n", rest].concat()
        }
        _ => head,
    }
}

/// The marker of Cognito user-pool requests (their X-Amz-Target).
pub const COGNITO: &str = "AWSCognitoIdentityProviderService";
/// The marker of Cognito's InitiateAuth (sign-in and refresh) requests.
pub const INITIATE_AUTH: &str = "AWSCognitoIdentityProviderService.InitiateAuth";
/// The marker of Cognito's GetTokensFromRefreshToken requests (the refresh
/// of clients that rotate refresh tokens).
pub const GET_TOKENS_FROM_REFRESH_TOKEN: &str =
    "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken";
/// The marker of Cognito's RespondToAuthChallenge requests.
pub const RESPOND_TO_AUTH_CHALLENGE: &str =
    "AWSCognitoIdentityProviderService.RespondToAuthChallenge";

impl Outage {
    /// Starts forwarding to `target` (`http://host:port`, the emulator).
    pub async fn forward_to(target: &str) -> Self {
        let target = target
            .trim_start_matches("http://")
            .parse()
            .expect("host:port");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let outage = Self {
            address,
            target,
            tasks: Default::default(),
            refused: Default::default(),
            seen: Default::default(),
        };
        outage.serve(listener);
        outage
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (target, tasks, refused) = (self.target, self.tasks.clone(), self.refused.clone());
        let seen = self.seen.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let (refused, seen) = (refused.clone(), seen.clone());
                let task = tokio::spawn(async move {
                    // One request per connection (see `one_request`), so the
                    // first request's head names the service.
                    let mut head = vec![0u8; 8192];
                    let Ok(n) = inbound.read(&mut head).await else {
                        return;
                    };
                    head.truncate(n);
                    let head = one_request(head);
                    {
                        let mut seen = seen.lock().unwrap();
                        if seen.len() == REMEMBERED {
                            seen.pop_front();
                        }
                        seen.push_back(String::from_utf8_lossy(&head).into_owned());
                    }
                    let text = String::from_utf8_lossy(&head);
                    let refusal = refused
                        .lock()
                        .unwrap()
                        .iter()
                        .find(|(marker, _)| text.contains(marker))
                        .map(|(_, refusal)| refusal.clone());
                    if let Some(refusal) = refusal {
                        if let Refusal::Answer(answer) = refusal {
                            let _ = inbound.write_all(&answer).await;
                        }
                        return;
                    }
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await
                        && outbound.write_all(&head).await.is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(task);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Closes the port and every open connection.
    pub fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Opens the same port again.
    pub async fn restore(&self) {
        let listener = tokio::net::TcpListener::bind(self.address).await.unwrap();
        self.serve(listener);
    }

    /// Drops every request whose head contains `marker` (e.g. [`COGNITO`]).
    pub fn refuse(&self, marker: &'static str) {
        *self.refused.lock().unwrap() = vec![(marker, Refusal::Drop)];
    }

    /// Answers every request whose head contains `marker` (e.g.
    /// [`INITIATE_AUTH`]) with Cognito's error `code: message`: its answers
    /// that the emulator never gives.
    pub fn answer(&self, marker: &'static str, code: &str, message: &str) {
        *self.refused.lock().unwrap() =
            vec![(marker, Refusal::Answer(cognito_error(code, message)))];
    }

    /// Answers every request whose head contains `marker` with a success
    /// of Cognito's, the JSON `body`: for calls the emulator lacks, with the
    /// answer Cognito documents.
    pub fn succeed(&self, marker: &'static str, body: serde_json::Value) {
        *self.refused.lock().unwrap() =
            vec![(marker, Refusal::Answer(cognito_answer("200 OK", &body)))];
    }

    /// As [`Outage::succeed`], keeping what the forwarder already answers
    /// for other markers: one request of the app that makes two calls the
    /// emulator lacks.
    pub fn also_succeed(&self, marker: &'static str, body: serde_json::Value) {
        let answer = Refusal::Answer(cognito_answer("200 OK", &body));
        self.refused.lock().unwrap().push((marker, answer));
    }

    /// The latest requests whose first bytes contain `marker`, as sent: the
    /// headers, and the body of a small request (the SDK writes them at once).
    pub fn requests(&self, marker: &str) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|r| r.contains(marker))
            .cloned()
            .collect()
    }

    /// Forwards every request again, after [`Outage::refuse`] or [`Outage::answer`].
    pub fn stop_refusing(&self) {
        self.refused.lock().unwrap().clear();
    }
}
