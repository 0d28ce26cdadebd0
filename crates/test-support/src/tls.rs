//! An HTTPS endpoint in front of the emulator, with a certificate authority
//! of the test's own. AWS endpoints are HTTPS and the emulator speaks plain
//! HTTP: this is how a test sees the app's TLS clients (the SDK's, the JWKS
//! fetch) verify a certificate chain, as they must against AWS.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A TLS-terminating forwarder on a free port of 127.0.0.1, with a
/// certificate for `127.0.0.1` signed by a new certificate authority; it
/// serves until the test binary exits. Dropping it removes the authority's
/// file; the listener stays.
///
/// A process under test trusts that authority through `SSL_CERT_FILE`, which
/// the SDK's and reqwest's native-roots TLS read instead of the system's
/// certificates.
///
/// ```no_run
/// # async fn example() {
/// let aws = test_support::local_aws().await;
/// let https = test_support::tls::TlsProxy::start(&aws.endpoint);
/// let env = [
///     ("AWS_ENDPOINT_URL", https.url().to_owned()),
///     ("SSL_CERT_FILE", https.ca_file().display().to_string()),
/// ];
/// # let _ = env;
/// # }
/// ```
pub struct TlsProxy {
    url: String,
    ca_file: tempfile::NamedTempFile,
    handshakes: Arc<AtomicUsize>,
}

impl TlsProxy {
    /// Starts the proxy to `upstream` (`http://HOST:PORT`) and writes its
    /// authority's certificate to a new PEM file.
    ///
    /// ```no_run
    /// # async fn example() {
    /// let aws = test_support::local_aws().await;
    /// let https = test_support::tls::TlsProxy::start(&aws.endpoint);
    /// assert!(https.url().starts_with("https://127.0.0.1:"));
    /// # }
    /// ```
    pub fn start(upstream: &str) -> Self {
        let upstream: std::net::SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("upstream is http://IP:PORT");
        let (ca_pem, chain, key) = certificates();
        let ca_file = tempfile::Builder::new()
            .prefix("test-ca")
            .suffix(".pem")
            .tempfile()
            .expect("a CA file");
        std::fs::write(ca_file.path(), ca_pem).expect("writing the CA file");
        let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("a valid certificate and key");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("https://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counted = handshakes.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(serve(listener, acceptor, upstream, counted));
        });
        Self {
            url,
            ca_file,
            handshakes,
        }
    }

    /// `https://127.0.0.1:PORT`, to use as the endpoint URL.
    ///
    /// ```
    /// # fn example(https: test_support::tls::TlsProxy) {
    /// let setting = format!("AWS_ENDPOINT_URL={}", https.url());
    /// # }
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The PEM file of the authority that signed the proxy's certificate.
    ///
    /// ```
    /// # fn example(https: test_support::tls::TlsProxy) {
    /// assert!(std::fs::read_to_string(https.ca_file()).unwrap().contains("BEGIN CERTIFICATE"));
    /// # }
    /// ```
    pub fn ca_file(&self) -> &Path {
        self.ca_file.path()
    }

    /// How many TLS handshakes have succeeded so far.
    ///
    /// ```
    /// # fn example(https: test_support::tls::TlsProxy) {
    /// assert!(https.handshakes() > 0, "the app came through TLS");
    /// # }
    /// ```
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

/// The authority's PEM, and the server's chain and key.
fn certificates() -> (String, Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "test-support CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (ca.pem(), vec![server.der().clone()], key)
}

async fn serve(
    listener: std::net::TcpListener,
    acceptor: TlsAcceptor,
    upstream: std::net::SocketAddr,
    handshakes: Arc<AtomicUsize>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    while let Ok((inbound, _)) = listener.accept().await {
        let (acceptor, handshakes) = (acceptor.clone(), handshakes.clone());
        tokio::spawn(async move {
            // A client that refuses the certificate ends here.
            let Ok(mut inbound) = acceptor.accept(inbound).await else {
                return;
            };
            handshakes.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}
