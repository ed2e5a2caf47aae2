//! A raw HTTP/1.1 loopback server for the runtime's tests: it records every
//! request exactly as it arrived (request target undecoded) and answers with
//! whatever a test scripts, including answers no HTTP library would send.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use c1::{Client, c1_endpoint};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The self-signed test certificate for `localhost`, PEM.
pub const CERT: &[u8] = include_bytes!("../fixtures/tls/cert.pem");
/// The test certificate's private key, PEM.
pub const KEY: &[u8] = include_bytes!("../fixtures/tls/key.pem");

/// Endpoints of a made-up service, declared like a user would.
pub trait Widgets: c1::Api {
    /// Get one part of a widget.
    #[c1_endpoint(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<view>")]
    async fn get_part(
        &self,
        widget_id: &str,
        part_id: &str,
        view: Option<&str>,
    ) -> c1::Result<Value>;

    /// Get one widget.
    #[c1_endpoint(GET "/api/v1/widgets/<widget_id>")]
    async fn get_widget(&self, widget_id: &str) -> c1::Result<Value>;

    /// Create a widget.
    #[c1_endpoint(POST "/api/v1/widgets/<widget_id>", body = widget)]
    async fn create_widget(&self, widget_id: &str, widget: &Value) -> c1::Result<Value>;

    /// Replace a widget.
    #[c1_endpoint(PUT "/api/v1/widgets/<widget_id>", body = widget)]
    async fn put_widget(&self, widget_id: &str, widget: &Value) -> c1::Result<Value>;

    /// Update a widget.
    #[c1_endpoint(PATCH "/api/v1/widgets/<widget_id>", body = widget)]
    async fn patch_widget(&self, widget_id: &str, widget: &Value) -> c1::Result<Value>;

    /// Delete a widget.
    #[c1_endpoint(DELETE "/api/v1/widgets/<widget_id>")]
    async fn delete_widget(&self, widget_id: &str) -> c1::Result<()>;
}

impl Widgets for Client {}

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, undecoded (`/api/v1/widgets/a%2Fb`).
    pub target: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` (lowercase), if sent once or more.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path's segments, percent-decoded (the query cut off).
    pub fn segments(&self) -> Vec<String> {
        let path = self.target.split('?').next().unwrap_or_default();
        path.split('/').skip(1).map(percent_decode).collect()
    }

    /// The raw query, if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// Decodes `%XX` escapes (only: `+` stays `+`, as in a path).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("bad escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("decoded path is not UTF-8")
}

/// The connection a handler answers on: plain TCP, or TLS over TCP for
/// [`Server::start_tls`].
pub enum Stream {
    /// A plain connection.
    Tcp(TcpStream),
    /// A TLS connection, after the handshake.
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Stream {
    /// The TCP connection underneath.
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Tcp(s) => s,
            Stream::Tls(s) => s.get_ref().0,
        }
    }

    /// Makes closing the connection send a TCP RST (SO_LINGER 0).
    pub fn set_zero_linger(&self) -> std::io::Result<()> {
        self.tcp().set_zero_linger()
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// What the server does with a connection after reading request number `n` (from 0).
pub type Handler =
    Arc<dyn Fn(usize, Recorded, Stream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A loopback server running on the test's runtime.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Whether it speaks TLS (then its URL names `localhost`, the certificate's name).
    tls: bool,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<Mutex<usize>>,
}

impl Server {
    /// Starts a server on `127.0.0.1` that hands each request to `handler`.
    pub async fn start<F, Fut>(handler: F) -> Server
    where
        F: Fn(usize, Recorded, Stream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Server::start_on("127.0.0.1:0", handler).await.unwrap()
    }

    /// Like [`Server::start`] but listening on `addr` (say `[::1]:0`); the
    /// error where this machine cannot bind it.
    pub async fn start_on<A, F, Fut>(addr: A, handler: F) -> std::io::Result<Server>
    where
        A: ToSocketAddrs,
        F: Fn(usize, Recorded, Stream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind(addr).await?;
        Ok(Server::serve(listener, None, handler))
    }

    /// Like [`Server::start`] but over TLS with the test certificate
    /// ([`CERT`], for `localhost`); [`Server::url`] is `https://localhost:<port>`.
    /// A connection whose handshake fails is counted but never reaches `handler`.
    pub async fn start_tls<F, Fut>(handler: F) -> Server
    where
        F: Fn(usize, Recorded, Stream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let cert = CertificateDer::from_pem_slice(CERT).unwrap();
        let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
        // tokio-rustls brings aws-lc-rs whichever provider c1 is built with.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Server::serve(listener, Some(acceptor), handler)
    }

    fn serve<F, Fut>(listener: TcpListener, tls: Option<TlsAcceptor>, handler: F) -> Server
    where
        F: Fn(usize, Recorded, Stream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |n, r, s| Box::pin(handler(n, r, s)));
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let (reqs, conns) = (requests.clone(), connections.clone());
        let is_tls = tls.is_some();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                *conns.lock().unwrap() += 1;
                let (reqs, handler, tls) = (reqs.clone(), handler.clone(), tls.clone());
                tokio::spawn(async move {
                    let mut stream = match tls {
                        None => Stream::Tcp(tcp),
                        Some(acceptor) => match acceptor.accept(tcp).await {
                            Ok(tls) => Stream::Tls(Box::new(tls)),
                            Err(_) => return,
                        },
                    };
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    let n = {
                        let mut reqs = reqs.lock().unwrap();
                        reqs.push(request.clone());
                        reqs.len() - 1
                    };
                    handler(n, request, stream).await;
                });
            }
        });
        Server {
            addr,
            tls: is_tls,
            requests,
            connections,
        }
    }

    /// A server answering every request with `status` and `body` (JSON).
    pub async fn always(status: u16, body: &'static str) -> Server {
        Server::start(move |_, _, mut s| async move {
            respond(&mut s, status, &[], body.as_bytes()).await;
        })
        .await
    }

    /// The base URL: `http://<addr>`, or `https://localhost:<port>` over TLS.
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    /// A client for this server with token `tok` and the default settings.
    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    /// A builder for this server with token `tok`.
    pub fn builder(&self) -> c1::ClientBuilder {
        Client::builder().base_url(self.url()).bearer_token("tok")
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

/// Reads one request (headers and a `Content-Length` body); `None` if the
/// client went away or sent something else.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// Writes a complete answer with `Content-Length` and closes the connection.
pub async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut out = format!(
        "HTTP/1.1 {status} Whatever\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        out.push_str("content-type: application/json\r\n");
    }
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

/// Keeps the connection open without answering, for `d`.
pub async fn stall<S>(stream: S, d: Duration) {
    tokio::time::sleep(d).await;
    drop(stream);
}

/// Serves one HTTP/2 connection: resets each stream with `REFUSED_STREAM`
/// while fewer than `refusals` streams were `seen` before it, answers 200
/// `{"ok":true}` after.
pub async fn serve_h2(socket: TcpStream, refusals: usize, seen: Arc<AtomicUsize>) {
    let Ok(mut connection) = h2::server::handshake(socket).await else {
        return;
    };
    while let Some(Ok((_request, mut respond))) = connection.accept().await {
        if seen.fetch_add(1, Ordering::SeqCst) < refusals {
            respond.send_reset(h2::Reason::REFUSED_STREAM);
            continue;
        }
        let mut body = respond
            .send_response(http::Response::new(()), false)
            .unwrap();
        body.send_data(bytes::Bytes::from_static(br#"{"ok":true}"#), true)
            .unwrap();
    }
}

/// An HTTP/2 server (cleartext, prior knowledge) refusing the first
/// `refusals` streams ([`serve_h2`]); returns its base URL and the streams
/// it saw.
pub async fn refusing_h2_server(refusals: usize) -> (String, Arc<AtomicUsize>) {
    h2_server(refusals, None).await
}

/// An HTTP/2 server whose first connection is written by hand: it reads the
/// client's first request and answers with a graceful `GOAWAY` (`NO_ERROR`,
/// with `debug_data`) whose last stream is 0, "I processed none of yours".
/// Later connections are served by [`serve_h2`]; returns the base URL and
/// the streams they saw.
pub async fn going_away_h2_server(debug_data: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    h2_server(0, Some(debug_data)).await
}

async fn h2_server(refusals: usize, goaway: Option<Vec<u8>>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let streams = Arc::new(AtomicUsize::new(0));
    let seen = streams.clone();
    tokio::spawn(async move {
        if let Some(debug_data) = goaway {
            let (first, _) = listener.accept().await.unwrap();
            tokio::spawn(go_away(first, debug_data));
        }
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_h2(socket, refusals, seen.clone()));
        }
    });
    (format!("http://{addr}"), streams)
}

/// Reads the client's preface and frames up to its first request, then
/// sends `GOAWAY` (last stream 0, `NO_ERROR`, `debug_data`).
async fn go_away(mut stream: TcpStream, debug_data: Vec<u8>) {
    let mut preface = [0u8; 24];
    stream.read_exact(&mut preface).await.unwrap();
    // An empty SETTINGS frame, then frames are read until HEADERS.
    stream
        .write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0])
        .await
        .unwrap();
    loop {
        let mut head = [0u8; 9];
        stream.read_exact(&mut head).await.unwrap();
        let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload).await.unwrap();
        if head[3] == 1 {
            break;
        }
    }
    let len = u32::try_from(8 + debug_data.len()).unwrap().to_be_bytes();
    let mut goaway = vec![len[1], len[2], len[3], 7, 0, 0, 0, 0, 0];
    goaway.extend_from_slice(&[0; 8]);
    goaway.extend_from_slice(&debug_data);
    stream.write_all(&goaway).await.unwrap();
    // Held open until the client goes.
    let _ = stream.read_to_end(&mut Vec::new()).await;
}

/// A client of `base` speaking HTTP/2 without TLS (prior knowledge).
pub fn h2_client(base: String) -> Client {
    Client::builder()
        .base_url(base)
        .bearer_token("tok")
        .configure_http(|b| b.http2_prior_knowledge())
        .build()
        .unwrap()
}

/// An address on `127.0.0.1` where nothing listens (a port just freed), so
/// connecting to it is refused.
pub async fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A listener whose accept queue is full, so new connections hang in the
/// handshake (Linux drops the SYN); `None` where the OS refuses them instead.
/// Keep the connections and the listener while the test runs.
pub fn full_backlog() -> Option<(SocketAddr, Vec<std::net::TcpStream>, TcpListener)> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(stream) => held.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return Some((addr, held, listener));
            }
            Err(_) => return None,
        }
    }
    None
}

/// Everything an error says: `Display`, `Debug`, and the same of each of
/// its sources.
pub fn everything_said(err: &(dyn std::error::Error + 'static)) -> String {
    let mut said = format!("{err}\n{err:?}");
    let mut source = err.source();
    while let Some(cause) = source {
        said.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    said
}

/// A tracing writer that keeps everything in memory: a test's log output,
/// to read back and search for what must (not) be there.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Everything written so far, line by line.
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_owned).collect()
    }

    /// Makes a subscriber writing to these logs (the default `fmt` format,
    /// without colours, with the span events `spans`), filtered by `filter`,
    /// this thread's default until the guard drops; other tests' threads are
    /// not seen.
    #[must_use]
    pub fn capture(
        &self,
        filter: tracing_subscriber::filter::Targets,
        spans: tracing_subscriber::fmt::format::FmtSpan,
    ) -> tracing::subscriber::DefaultGuard {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;

        // tracing caches per callsite, for the whole process, whether it is
        // enabled. A test thread without a subscriber that reaches a callsite
        // first would cache "never" while this thread's subscriber is the one
        // dispatcher, and its events would be lost here. A process-wide
        // default that wants nothing keeps two dispatchers alive, so every
        // callsite asks each of them.
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            let _ = tracing::subscriber::set_global_default(
                tracing::subscriber::NoSubscriber::default(),
            );
        });
        let guard = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_span_events(spans)
                    .with_writer(self.clone()),
            )
            .with(filter)
            .set_default();
        // Callsites cache whether they are enabled; the subscribers now in
        // force decide afresh.
        tracing::callsite::rebuild_interest_cache();
        guard
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}
