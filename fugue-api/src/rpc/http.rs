//! The network RPC server `http` (WF-RPC-8), behind the Cargo feature
//! `rpc-http`: callbacks from executors that may run in other processes.
//!
//! Select it with conf `fugue.rpc.server=http`; the engine's conf (the one
//! the factory gets) sets where it listens and how long a call may take:
//!
//! | key | default | meaning |
//! |---|---|---|
//! | [`fugue.rpc.http.host`](CONF_HTTP_HOST) | `127.0.0.1` | the address to bind (loopback: only this machine can call) |
//! | [`fugue.rpc.http.port`](CONF_HTTP_PORT) | `0` | the TCP port; `0` takes a free ephemeral port |
//! | [`fugue.rpc.http.timeout_ms`](CONF_HTTP_TIMEOUT_MS) | `30000` | milliseconds a client waits for one call (connect, handler, reply) |
//!
//! The protocol is plain HTTP/1.1 (hyper, server and client): a call is
//! `POST /rpc/<key>` with the JSON arguments as body and the run's token in
//! the header [`x-fugue-rpc-token`](TOKEN_HEADER). The token is 256 random
//! bits from the OS (hex), new for every server, so only clients handed out
//! by this run can call; a call without it is refused with HTTP 401, with a
//! wrong one with HTTP 403, and both are counted
//! ([`HttpRpcServer::refused_calls`]). The reply is the handler's JSON result
//! (HTTP 200) or, for a failed handler, HTTP 500 with
//! `{"kind": "ERR-USER", "message": ..}`, which the client turns back into
//! an error of that kind with the handler's message.
//!
//! A client ([`HttpRpcClientInfo`]) is only a URL, a handler key, the token
//! and a timeout, and is serde-serialisable: an executor in another process
//! rebuilds a working [`RpcClient`] from it with
//! [`HttpRpcClientInfo::client`]. (Handing the info to remote executors is
//! the distributed engine's job; here clients stay in the driver process.)
//!
//! `stop()` closes the port, drops open connections and stops every
//! registered handler (WF-RPC-4, WF-RPC-6); a call afterwards fails at once
//! with `ERR-WF-RUNTIME` (connection refused, or an HTTP 404/503 answer),
//! and any call is bounded by the timeout, so a client never hangs.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};
use std::time::Duration;

use fugue_core::{Conf, Error, Result};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1 as client_http1;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1 as server_http1;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use tokio::runtime::Runtime;
use tokio::sync::watch;

use super::{CountedHandler, RpcClient, RpcHandler, RpcServer, RpcTransport};

/// Conf key: the address the server binds (default `127.0.0.1`, loopback
/// only). A host name is resolved; the first address that binds is used.
pub const CONF_HTTP_HOST: &str = "fugue.rpc.http.host";
/// Conf key: the TCP port (integer 0..=65535; default `0`, a free
/// ephemeral port chosen by the OS).
pub const CONF_HTTP_PORT: &str = "fugue.rpc.http.port";
/// Conf key: how long a client waits for one call, in milliseconds
/// (integer > 0; default 30000). It bounds connecting, the handler's run
/// and reading the reply; the server also drops a connection that does not
/// send its request headers within it.
pub const CONF_HTTP_TIMEOUT_MS: &str = "fugue.rpc.http.timeout_ms";
/// The HTTP header that carries the run's token on every call.
pub const TOKEN_HEADER: &str = "x-fugue-rpc-token";
/// The default of [`CONF_HTTP_HOST`].
pub const DEFAULT_HOST: &str = "127.0.0.1";
/// The default of [`CONF_HTTP_TIMEOUT_MS`], in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The largest request or reply body accepted, in bytes (64 MiB); a larger
/// request is refused with HTTP 413.
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// Where and how an [`HttpRpcServer`] listens, read from conf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRpcConf {
    /// The address to bind ([`CONF_HTTP_HOST`]).
    pub host: String,
    /// The TCP port, `0` for an ephemeral one ([`CONF_HTTP_PORT`]).
    pub port: u16,
    /// Milliseconds a call may take ([`CONF_HTTP_TIMEOUT_MS`]), > 0.
    pub timeout_ms: u64,
}

impl Default for HttpRpcConf {
    fn default() -> Self {
        HttpRpcConf { host: DEFAULT_HOST.to_string(), port: 0, timeout_ms: DEFAULT_TIMEOUT_MS }
    }
}

impl HttpRpcConf {
    /// Reads `fugue.rpc.http.host`, `.port` and `.timeout_ms` from `conf`
    /// (defaults for missing keys).
    ///
    /// # Errors
    /// `ERR-ARG` for a value of the wrong type, an empty host, a port
    /// outside 0..=65535 or a timeout of 0.
    pub fn from_conf(conf: &Conf) -> Result<Self> {
        let host: String = conf.get(CONF_HTTP_HOST, DEFAULT_HOST.to_string())?;
        let host = host.trim().to_string();
        if host.is_empty() {
            return Err(Error::arg(CONF_HTTP_HOST, "is empty: give an address such as 127.0.0.1"));
        }
        let port: i64 = conf.get(CONF_HTTP_PORT, 0i64)?;
        let port = u16::try_from(port).map_err(|_| {
            Error::arg(
                CONF_HTTP_PORT,
                format!("is {port}; a TCP port is 0..=65535 (0: any free port)"),
            )
        })?;
        let timeout_ms: i64 = conf.get(CONF_HTTP_TIMEOUT_MS, DEFAULT_TIMEOUT_MS as i64)?;
        let timeout_ms = u64::try_from(timeout_ms).ok().filter(|t| *t > 0).ok_or_else(|| {
            Error::arg(
                CONF_HTTP_TIMEOUT_MS,
                format!("is {timeout_ms}; it must be > 0 (milliseconds)"),
            )
        })?;
        Ok(HttpRpcConf { host, port, timeout_ms })
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// What the server's connection tasks share with it.
struct Shared {
    token: String,
    handlers: Mutex<HashMap<String, Arc<CountedHandler>>>,
    refused: AtomicU64,
    stopped: AtomicBool,
}

/// A running server: its runtime (accept loop, connections, handler calls),
/// the bound address and the way to stop the accept loop.
struct Running {
    runtime: Runtime,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    done: mpsc::Receiver<()>,
}

/// The network RPC server `http` (WF-RPC-8): handlers of one run served over
/// HTTP/1.1 on `127.0.0.1` (by default) behind a per-run random token. See
/// the [module docs](self) for the protocol and the conf keys.
///
/// ```
/// use fugue_api::rpc::{handler, RpcServer};
/// use fugue_api::rpc::http::{HttpRpcClientInfo, HttpRpcConf, HttpRpcServer};
///
/// let server = HttpRpcServer::new(HttpRpcConf::default())?;
/// server.start()?;
/// let info = server.register_info(handler(|(a, b): (i64, i64)| Ok(a + b)))?;
/// // what an executor in another process receives, and rebuilds
/// let text = serde_json::to_string(&info).expect("serialisable");
/// let client = serde_json::from_str::<HttpRpcClientInfo>(&text).expect("readable").client()?;
/// assert_eq!(client.call::<_, i64>((2, 3))?, 5);
/// server.stop();
/// assert!(client.call::<_, i64>((2, 3)).is_err());
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub struct HttpRpcServer {
    conf: HttpRpcConf,
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
    next: AtomicUsize,
}

impl fmt::Debug for HttpRpcServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRpcServer")
            .field("conf", &self.conf)
            .field("addr", &self.local_addr())
            .field("token", &"<redacted>")
            .field("refused_calls", &self.refused_calls())
            .finish()
    }
}

impl HttpRpcServer {
    /// A server (not started) with a fresh random token.
    ///
    /// # Errors
    /// `ERR-WF-RUNTIME` when the OS random source fails.
    pub fn new(conf: HttpRpcConf) -> Result<Self> {
        let mut rng = StdRng::try_from_os_rng().map_err(|e| {
            Error::wf_runtime(format!(
                "cannot make the rpc token: the OS random source failed: {e}"
            ))
        })?;
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(HttpRpcServer {
            conf,
            shared: Arc::new(Shared {
                token,
                handlers: Mutex::new(HashMap::new()),
                refused: AtomicU64::new(0),
                stopped: AtomicBool::new(false),
            }),
            running: Mutex::new(None),
            next: AtomicUsize::new(0),
        })
    }

    /// A server configured from `conf` (see [`HttpRpcConf::from_conf`]).
    ///
    /// # Errors
    /// As [`HttpRpcConf::from_conf`] and [`new`](Self::new).
    pub fn from_conf(conf: &Conf) -> Result<Self> {
        Self::new(HttpRpcConf::from_conf(conf)?)
    }

    /// Its configuration.
    pub fn conf(&self) -> &HttpRpcConf {
        &self.conf
    }

    /// The bound address while running (the real port when `port` is 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(|r| r.addr)
    }

    /// The base URL clients call (`http://127.0.0.1:PORT`) while running.
    pub fn url(&self) -> Option<String> {
        self.local_addr().map(|a| format!("http://{a}"))
    }

    /// How many calls were refused for a missing or wrong token since the
    /// server was made.
    pub fn refused_calls(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    /// Registers (and starts, WF-RPC-6) `handler` under a new key and
    /// returns the serialisable description of its client (WF-RPC-5, 8).
    ///
    /// # Errors
    /// `ERR-WF-RUNTIME` when the server is not running.
    pub fn register_info(&self, handler: Arc<dyn RpcHandler>) -> Result<HttpRpcClientInfo> {
        let url = self.url().ok_or_else(|| {
            Error::wf_runtime(
                "the http rpc server is not running: start it before registering handlers (WF-RPC-4)",
            )
        })?;
        let key = format!("h{}", self.next.fetch_add(1, Ordering::Relaxed));
        let counted = Arc::new(CountedHandler::new(handler));
        counted.start();
        self.shared
            .handlers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), counted);
        Ok(HttpRpcClientInfo {
            url,
            key,
            token: self.shared.token.clone(),
            timeout_ms: self.conf.timeout_ms,
        })
    }
}

impl Drop for HttpRpcServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl RpcServer for HttpRpcServer {
    fn start(&self) -> Result<()> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if running.is_some() {
            return Ok(());
        }
        let (host, port) = (self.conf.host.as_str(), self.conf.port);
        let listener = std::net::TcpListener::bind((host, port)).map_err(|e| {
            Error::wf_runtime(format!(
                "the http rpc server cannot listen on {host}:{port} (conf {CONF_HTTP_HOST}, {CONF_HTTP_PORT}): {e}"
            ))
        })?;
        let cannot = |e: std::io::Error| {
            Error::wf_runtime(format!("the http rpc server cannot start on {host}:{port}: {e}"))
        };
        listener.set_nonblocking(true).map_err(cannot)?;
        let addr = listener.local_addr().map_err(cannot)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(64)
            .thread_name("fugue-rpc-http")
            .enable_all()
            .build()
            .map_err(cannot)?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(cannot)?
        };
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (done_tx, done) = mpsc::channel();
        self.shared.stopped.store(false, Ordering::SeqCst);
        runtime.spawn(serve(
            listener,
            Arc::clone(&self.shared),
            shutdown_rx,
            done_tx,
            self.conf.timeout(),
        ));
        tracing::debug!(%addr, "http rpc server started");
        *running = Some(Running { runtime, addr, shutdown, done });
        Ok(())
    }

    fn stop(&self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(r) = running {
            // close the port first, so later calls are refused at once
            let _ = r.shutdown.send(true);
            let _ = r.done.recv_timeout(Duration::from_secs(5));
            // drops open connections; never blocks (stop may run in async code)
            r.runtime.shutdown_background();
            tracing::debug!(addr = %r.addr, "http rpc server stopped");
        }
        let handlers: Vec<_> = self
            .shared
            .handlers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, h)| h)
            .collect();
        for h in handlers {
            while h.running() > 0 {
                h.stop();
            }
        }
    }

    fn register(&self, handler: Arc<dyn RpcHandler>) -> Result<RpcClient> {
        self.register_info(handler)?.client()
    }
}

fn build_http(conf: &Conf) -> Result<Arc<dyn RpcServer>> {
    Ok(Arc::new(HttpRpcServer::from_conf(conf)?))
}

crate::register_rpc_server!("http", build_http);

/// The accept loop: one task per connection until `shutdown` fires; then
/// the listener is dropped (the port closes) and `done` is signalled.
async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    done: mpsc::Sender<()>,
    timeout: Duration,
) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req| {
                            handle(Arc::clone(&shared), req)
                        });
                        let served = server_http1::Builder::new()
                            .timer(TokioTimer::new())
                            .header_read_timeout(timeout)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                        if let Err(e) = served {
                            tracing::debug!(error = %e, "http rpc connection ended with an error");
                        }
                    });
                }
                Err(e) => {
                    // e.g. too many open files: wait a little, keep serving
                    tracing::warn!(error = %e, "http rpc server: accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = done.send(());
}

/// Token comparison in time independent of where the first difference is.
fn same_token(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn reply(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn reply_error(
    status: StatusCode,
    kind: &str,
    message: impl Into<String>,
) -> Response<Full<Bytes>> {
    let body = json!({ "kind": kind, "message": message.into() });
    reply(status, body.to_string().into_bytes())
}

/// The wire form of a handler's error: its kind and message, and for
/// `ERR-ARG` the argument, so the client can rebuild the same kind.
fn error_json(e: &Error) -> Json {
    match e {
        Error::User { source, .. } => json!({ "kind": "ERR-USER", "message": source.to_string() }),
        Error::InvalidArgument { argument, reason } => {
            json!({ "kind": "ERR-ARG", "argument": argument, "message": reason })
        }
        Error::InvalidOperation(m) => json!({ "kind": "ERR-INVALID-OP", "message": m }),
        Error::WorkflowRuntime(m) => json!({ "kind": "ERR-WF-RUNTIME", "message": m }),
        other => json!({ "kind": other.kind().to_string(), "message": other.to_string() }),
    }
}

/// One call: token, method, handler key, body, then the handler on the
/// blocking pool (handlers are synchronous and may take long).
async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    if shared.stopped.load(Ordering::SeqCst) {
        return Ok(reply_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ERR-WF-RUNTIME",
            "the callback server has stopped: callbacks work only while the call runs (WF-RPC-4, WF-RPC-9)",
        ));
    }
    match req.headers().get(TOKEN_HEADER) {
        None => {
            shared.refused.fetch_add(1, Ordering::Relaxed);
            return Ok(reply_error(
                StatusCode::UNAUTHORIZED,
                "ERR-WF-RUNTIME",
                format!("refused: the call has no `{TOKEN_HEADER}` header"),
            ));
        }
        Some(t) if !same_token(t.as_bytes(), shared.token.as_bytes()) => {
            shared.refused.fetch_add(1, Ordering::Relaxed);
            return Ok(reply_error(
                StatusCode::FORBIDDEN,
                "ERR-WF-RUNTIME",
                format!("refused: the `{TOKEN_HEADER}` header does not hold this run's token"),
            ));
        }
        Some(_) => {}
    }
    if req.method() != Method::POST {
        return Ok(reply_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "ERR-WF-RUNTIME",
            format!("`{}`: calls are POST /rpc/<key>", req.method()),
        ));
    }
    let key = req.uri().path().strip_prefix("/rpc/").unwrap_or_default().to_string();
    let handler = shared.handlers.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
    let Some(handler) = handler else {
        return Ok(reply_error(
            StatusCode::NOT_FOUND,
            "ERR-WF-RUNTIME",
            format!(
                "no callback handler `{key}` on this server: it was never registered or its run ended (WF-RPC-5, WF-RPC-9)"
            ),
        ));
    };
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            return Ok(reply_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "ERR-WF-RUNTIME",
                format!("cannot read the call's body (at most {MAX_BODY_BYTES} bytes): {e}"),
            ));
        }
    };
    let args: Json = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => {
            let body = json!({
                "kind": "ERR-ARG",
                "argument": "callback arguments",
                "message": format!("are not JSON: {e}"),
            });
            return Ok(reply(StatusCode::BAD_REQUEST, body.to_string().into_bytes()));
        }
    };
    let outcome = tokio::task::spawn_blocking(move || handler.call(args)).await;
    Ok(match outcome {
        Ok(Ok(value)) => match serde_json::to_vec(&value) {
            Ok(bytes) => reply(StatusCode::OK, bytes),
            Err(e) => reply_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ERR-ARG",
                format!("the callback result cannot be serialised: {e}"),
            ),
        },
        Ok(Err(e)) => {
            reply(StatusCode::INTERNAL_SERVER_ERROR, error_json(&e).to_string().into_bytes())
        }
        Err(join) => {
            let message = match join.try_into_panic() {
                Ok(p) => p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into()),
                Err(e) => e.to_string(),
            };
            reply_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ERR-USER",
                format!("the callback handler panicked: {message}"),
            )
        }
    })
}

/// The serialisable description of an HTTP callback client (WF-RPC-8):
/// everything a process needs to call one handler of a running
/// [`HttpRpcServer`]. Serialise it with serde (JSON, bincode, ...) to hand
/// it to an executor in another process, which rebuilds the client with
/// [`client`](Self::client). It holds the run's token: treat it as a
/// secret (its `Debug` form hides the token).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRpcClientInfo {
    /// The server's base URL, `http://HOST:PORT`.
    pub url: String,
    /// The handler's key on the server (the call goes to `POST /rpc/<key>`).
    pub key: String,
    /// The run's token, hex (sent in [`TOKEN_HEADER`]).
    pub token: String,
    /// Milliseconds a call may take before it fails with `ERR-WF-RUNTIME`.
    pub timeout_ms: u64,
}

impl fmt::Debug for HttpRpcClientInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRpcClientInfo")
            .field("url", &self.url)
            .field("key", &self.key)
            .field("token", &"<redacted>")
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl HttpRpcClientInfo {
    /// A client calling the handler this info describes.
    ///
    /// # Errors
    /// `ERR-ARG` when `url` is not an `http://host:port` URL, the token is
    /// not a valid header value or the timeout is 0.
    pub fn client(&self) -> Result<RpcClient> {
        Ok(RpcClient::new(Arc::new(HttpRpcTransport::new(self.clone())?)))
    }
}

/// The client side of the `http` server: an [`RpcTransport`] that POSTs
/// each call, reusing idle connections. Made from an [`HttpRpcClientInfo`].
pub struct HttpRpcTransport {
    info: HttpRpcClientInfo,
    authority: String,
    uri: Uri,
    token: HeaderValue,
    idle: Arc<Mutex<Vec<client_http1::SendRequest<Full<Bytes>>>>>,
}

impl fmt::Debug for HttpRpcTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRpcTransport").field("info", &self.info).finish()
    }
}

/// At most this many idle connections are kept per client.
const MAX_IDLE: usize = 16;

impl HttpRpcTransport {
    /// A transport for `info`.
    ///
    /// # Errors
    /// As [`HttpRpcClientInfo::client`].
    pub fn new(info: HttpRpcClientInfo) -> Result<Self> {
        let bad = |reason: String| Error::arg("HttpRpcClientInfo", reason);
        let base: Uri =
            info.url.parse().map_err(|e| bad(format!("url `{}` is not a URL: {e}", info.url)))?;
        if base.scheme_str() != Some("http") {
            return Err(bad(format!("url `{}` is not an http:// URL", info.url)));
        }
        let authority = base
            .authority()
            .filter(|a| a.port_u16().is_some())
            .ok_or_else(|| bad(format!("url `{}` has no host:port", info.url)))?
            .to_string();
        let uri: Uri = format!("http://{authority}/rpc/{}", info.key)
            .parse()
            .map_err(|e| bad(format!("key `{}` cannot be part of a URL: {e}", info.key)))?;
        let token = HeaderValue::from_str(&info.token)
            .map_err(|_| bad("the token is not a valid header value".to_string()))?;
        if info.timeout_ms == 0 {
            return Err(bad("timeout_ms is 0; it must be > 0".to_string()));
        }
        Ok(HttpRpcTransport { info, authority, uri, token, idle: Arc::default() })
    }

    /// The description this transport was made from.
    pub fn info(&self) -> &HttpRpcClientInfo {
        &self.info
    }

    fn unreachable(&self, what: impl fmt::Display) -> Error {
        Error::wf_runtime(format!(
            "the callback server at {} cannot be reached: {what} (it stops when the call that started it ends, WF-RPC-4, WF-RPC-9)",
            self.info.url
        ))
    }

    fn request(&self, body: Bytes) -> Result<Request<Full<Bytes>>> {
        Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(hyper::header::HOST, self.authority.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(TOKEN_HEADER, self.token.clone())
            .body(Full::new(body))
            .map_err(|e| Error::internal(format!("cannot build the rpc request: {e}")))
    }

    /// Sends on an idle connection when one takes the request, else on a
    /// new one; returns the sender for reuse with the response.
    async fn send(
        &self,
        mut req: Request<Full<Bytes>>,
    ) -> Result<(Response<Incoming>, client_http1::SendRequest<Full<Bytes>>)> {
        loop {
            let pooled = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let Some(mut sender) = pooled else { break };
            if sender.is_closed() || sender.ready().await.is_err() {
                continue;
            }
            match sender.try_send_request(req).await {
                Ok(resp) => return Ok((resp, sender)),
                Err(mut e) => match e.take_message() {
                    // not sent: the connection closed meanwhile; try another
                    Some(back) => req = back,
                    None => return Err(self.unreachable(e.into_error())),
                },
            }
        }
        let stream = tokio::net::TcpStream::connect(self.authority.as_str())
            .await
            .map_err(|e| self.unreachable(e))?;
        let _ = stream.set_nodelay(true);
        let (mut sender, conn) = client_http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
            .await
            .map_err(|e| self.unreachable(e))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let resp = sender.send_request(req).await.map_err(|e| self.unreachable(e))?;
        Ok((resp, sender))
    }

    async fn call_async(&self, body: Bytes) -> Result<Json> {
        let req = self.request(body)?;
        let (resp, sender) = self.send(req).await?;
        let status = resp.status();
        let bytes = Limited::new(resp.into_body(), MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(|e| self.unreachable(format!("the reply was cut: {e}")))?
            .to_bytes();
        {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push(sender);
            }
        }
        if status == StatusCode::OK {
            return serde_json::from_slice(&bytes).map_err(|e| {
                Error::wf_runtime(format!("the callback server sent a reply that is not JSON: {e}"))
            });
        }
        let err: Json = serde_json::from_slice(&bytes).unwrap_or(Json::Null);
        let message = err
            .get("message")
            .and_then(Json::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let kind = err.get("kind").and_then(Json::as_str).unwrap_or("");
        Err(match (status, kind) {
            (StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_REQUEST, "ERR-USER") => {
                Error::user(message)
            }
            (StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_REQUEST, "ERR-ARG") => {
                let argument = err.get("argument").and_then(Json::as_str).unwrap_or("callback");
                Error::arg(argument, message)
            }
            (StatusCode::INTERNAL_SERVER_ERROR, "ERR-INVALID-OP") => Error::invalid_op(message),
            (StatusCode::INTERNAL_SERVER_ERROR, "ERR-WF-RUNTIME") => Error::wf_runtime(message),
            (StatusCode::INTERNAL_SERVER_ERROR, k) if !k.is_empty() => {
                Error::user(format!("{message} ({k} in the callback handler)"))
            }
            (status, _) => Error::wf_runtime(format!(
                "the callback server at {} answered HTTP {status}: {message}",
                self.info.url
            )),
        })
    }
}

/// The runtime that drives every client's connections (one worker thread,
/// made on first use). Calls run on it and the caller waits on a channel,
/// so a call works from any thread, also one inside another tokio runtime.
fn client_runtime() -> Result<&'static Runtime> {
    static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("fugue-rpc-http-client")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::wf_runtime(format!("cannot start the rpc client runtime: {e}")))
}

impl RpcTransport for HttpRpcTransport {
    fn call(&self, args: Json) -> Result<Json> {
        let body = serde_json::to_vec(&args)
            .map_err(|e| Error::arg("callback arguments", format!("cannot be serialised: {e}")))?;
        let timeout = Duration::from_millis(self.info.timeout_ms);
        let this = HttpRpcTransport {
            info: self.info.clone(),
            authority: self.authority.clone(),
            uri: self.uri.clone(),
            token: self.token.clone(),
            idle: Arc::clone(&self.idle),
        };
        let (tx, rx) = mpsc::sync_channel(1);
        client_runtime()?.spawn(async move {
            let out = tokio::time::timeout(timeout, this.call_async(Bytes::from(body))).await;
            let _ = tx.send(out.unwrap_or_else(|_| {
                Err(Error::wf_runtime(format!(
                    "the callback to {} took longer than {} ms (conf {CONF_HTTP_TIMEOUT_MS})",
                    this.info.url, this.info.timeout_ms
                )))
            }));
        });
        // the task always answers within `timeout`; the margin only guards
        // against a runtime that cannot run it
        rx.recv_timeout(timeout + Duration::from_secs(5)).unwrap_or_else(|_| {
            Err(Error::wf_runtime(format!(
                "the callback to {} did not finish within {} ms",
                self.info.url, self.info.timeout_ms
            )))
        })
    }
}

#[cfg(test)]
mod tests;
