//! Callbacks from transformers to the driver (WF-RPC-1..9).
//!
//! A transform call may carry a [`RpcHandler`] (any
//! `Fn(A) -> Result<R> + Send + Sync` through [`handler`], with `A`, `R`
//! serde types). For the run, the call starts an [`RpcServer`] (chosen by
//! conf `fugue.rpc.server`, default `native`: in-process), registers the
//! handler under a unique key and gives each partition an [`RpcClient`];
//! `ctx.callback(args)` on a worker forwards to the handler and returns its
//! result. Handlers are called concurrently from partitions (WF-RPC-7).
//! The server stops when the call ends, also after a failure (WF-RPC-4),
//! and the call's result is materialised first (WF-RPC-9).
//!
//! Arguments and results travel as JSON values, so the same extension works
//! with the in-process server and with a network server (WF-RPC-8).
//! Network servers register under another name with
//! [`register_rpc_server!`](crate::register_rpc_server).

#[cfg(feature = "rpc-http")]
pub mod http;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use fugue_core::{Conf, Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// Conf key choosing the RPC server (`native` by default).
pub const CONF_RPC_SERVER: &str = "fugue.rpc.server";

/// A driver-side callback handler (WF-RPC-1..7). Must be thread-safe: it is
/// called concurrently from many partitions.
pub trait RpcHandler: Send + Sync + 'static {
    /// Handles one call.
    ///
    /// # Errors
    /// Any error; it reaches the calling partition (as `ERR-USER`).
    fn call(&self, args: Json) -> Result<Json>;

    /// Runs when the handler starts (first `start`, WF-RPC-6).
    fn start_handler(&self) {}

    /// Runs when the handler stops (count back to 0, WF-RPC-6).
    fn stop_handler(&self) {}
}

/// Wraps a typed function as a handler: arguments are deserialised from the
/// caller's JSON into `A`, the result serialised back.
///
/// ```
/// use fugue_api::rpc::{handler, RpcHandler};
/// let add = handler(|(a, b): (i64, i64)| Ok(a + b));
/// assert_eq!(add.call(serde_json::json!([2, 3]))?, serde_json::json!(5));
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub fn handler<A, R, F>(f: F) -> Arc<dyn RpcHandler>
where
    A: DeserializeOwned + 'static,
    R: Serialize + 'static,
    F: Fn(A) -> Result<R> + Send + Sync + 'static,
{
    struct Typed<F, A, R>(F, std::marker::PhantomData<fn(A) -> R>);
    impl<A, R, F> RpcHandler for Typed<F, A, R>
    where
        A: DeserializeOwned + 'static,
        R: Serialize + 'static,
        F: Fn(A) -> Result<R> + Send + Sync + 'static,
    {
        fn call(&self, args: Json) -> Result<Json> {
            let a: A = serde_json::from_value(args).map_err(|e| {
                Error::arg(
                    "callback arguments",
                    format!("cannot be read as `{}`: {e}", std::any::type_name::<A>()),
                )
            })?;
            let r = (self.0)(a)?;
            serde_json::to_value(r)
                .map_err(|e| Error::arg("callback result", format!("cannot be serialised: {e}")))
        }
    }
    Arc::new(Typed(f, std::marker::PhantomData))
}

/// Reference-counted start/stop around a handler (WF-RPC-6).
pub struct CountedHandler {
    inner: Arc<dyn RpcHandler>,
    count: Mutex<usize>,
}

impl fmt::Debug for CountedHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountedHandler").field("count", &self.running()).finish()
    }
}

impl CountedHandler {
    /// Wraps `inner`, not started.
    pub fn new(inner: Arc<dyn RpcHandler>) -> Self {
        CountedHandler { inner, count: Mutex::new(0) }
    }

    /// Starts: `start_handler` runs on the first start only.
    pub fn start(&self) {
        let mut c = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        if *c == 0 {
            self.inner.start_handler();
        }
        *c += 1;
    }

    /// Stops: `stop_handler` runs when the count goes from 1 to 0; extra
    /// stops never make it negative.
    pub fn stop(&self) {
        let mut c = self.count.lock().unwrap_or_else(PoisonError::into_inner);
        if *c == 1 {
            self.inner.stop_handler();
        }
        *c = c.saturating_sub(1);
    }

    /// How many starts are not yet stopped.
    pub fn running(&self) -> usize {
        *self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls the handler; it must be started (WF-RPC-6 scoped use).
    ///
    /// # Errors
    /// `ERR-INVALID-OP` when not started; the handler's errors.
    pub fn call(&self, args: Json) -> Result<Json> {
        if self.running() == 0 {
            return Err(Error::invalid_op(
                "the callback handler is not running: callbacks work only while the call runs (WF-RPC-6, WF-RPC-9)",
            ));
        }
        self.inner.call(args)
    }
}

/// How a client reaches its handler (in-process or over a network).
pub trait RpcTransport: Send + Sync + fmt::Debug + 'static {
    /// Sends one call.
    ///
    /// # Errors
    /// The handler's error; `ERR-WF-RUNTIME` when the server is unreachable
    /// or refused the call.
    fn call(&self, args: Json) -> Result<Json>;
}

/// The worker side of a callback (WF-RPC-2): cheap to clone, `Send + Sync`.
#[derive(Clone, Debug)]
pub struct RpcClient(Arc<dyn RpcTransport>);

impl RpcClient {
    /// A client over `transport`.
    pub fn new(transport: Arc<dyn RpcTransport>) -> Self {
        RpcClient(transport)
    }

    /// Calls the handler with `args` and reads its result as `R`.
    ///
    /// # Errors
    /// `ERR-ARG` when `args` cannot be serialised or the result cannot be
    /// read as `R`; the transport's errors.
    pub fn call<A: Serialize, R: DeserializeOwned>(&self, args: A) -> Result<R> {
        let json = serde_json::to_value(args)
            .map_err(|e| Error::arg("callback arguments", format!("cannot be serialised: {e}")))?;
        let out = self.0.call(json)?;
        serde_json::from_value(out).map_err(|e| {
            Error::arg(
                "callback result",
                format!("cannot be read as `{}`: {e}", std::any::type_name::<R>()),
            )
        })
    }

    /// Calls with JSON in and out.
    ///
    /// # Errors
    /// The transport's errors.
    pub fn call_json(&self, args: Json) -> Result<Json> {
        self.0.call(args)
    }
}

/// A driver-side server that hosts handlers for one run (WF-RPC-4, 5).
pub trait RpcServer: Send + Sync + fmt::Debug + 'static {
    /// Starts serving (before nodes execute).
    ///
    /// # Errors
    /// `ERR-WF-RUNTIME` when the server cannot start (e.g. a port in use).
    fn start(&self) -> Result<()>;

    /// Stops serving and stops every registered handler (WF-RPC-4).
    fn stop(&self);

    /// Registers (and starts) `handler`; returns a client bound to it (WF-RPC-5).
    ///
    /// # Errors
    /// `ERR-WF-RUNTIME` when the server is not running.
    fn register(&self, handler: Arc<dyn RpcHandler>) -> Result<RpcClient>;
}

/// The in-process server (`native`, the default): clients call the handler
/// directly; they only work inside this process (WF-RPC-8).
#[derive(Debug, Default)]
pub struct NativeRpcServer {
    handlers: Arc<Mutex<HashMap<String, Arc<CountedHandler>>>>,
    next: AtomicUsize,
}

#[derive(Debug)]
struct InProcess(Arc<CountedHandler>);

impl RpcTransport for InProcess {
    fn call(&self, args: Json) -> Result<Json> {
        self.0.call(args)
    }
}

impl NativeRpcServer {
    /// A server with no handlers.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RpcServer for NativeRpcServer {
    fn start(&self) -> Result<()> {
        Ok(())
    }

    fn stop(&self) {
        let handlers: Vec<_> = self
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
        let key = format!("h{}", self.next.fetch_add(1, Ordering::Relaxed));
        let counted = Arc::new(CountedHandler::new(handler));
        counted.start();
        self.handlers.lock().unwrap_or_else(PoisonError::into_inner).insert(key, counted.clone());
        Ok(RpcClient::new(Arc::new(InProcess(counted))))
    }
}

/// A registered RPC server kind, selected by conf `fugue.rpc.server`.
#[derive(Debug)]
pub struct RpcServerFactory {
    /// The conf value selecting it (`native`, `http`).
    pub name: &'static str,
    /// Builds a server from the run's conf.
    pub build: fn(&Conf) -> Result<Arc<dyn RpcServer>>,
}

inventory::collect!(RpcServerFactory);

/// Registers an RPC server kind: `register_rpc_server!("http", build_fn)`
/// with `build_fn: fn(&Conf) -> Result<Arc<dyn RpcServer>>`.
#[macro_export]
macro_rules! register_rpc_server {
    ($name:expr, $build:expr) => {
        $crate::inventory::submit! {
            $crate::rpc::RpcServerFactory { name: $name, build: $build }
        }
    };
}

fn build_native(_conf: &Conf) -> Result<Arc<dyn RpcServer>> {
    Ok(Arc::new(NativeRpcServer::new()))
}

register_rpc_server!("native", build_native);

/// The server named by conf `fugue.rpc.server` (default `native`).
///
/// # Errors
/// `ERR-PLUGIN`-like `ERR-NOT-FOUND` for an unknown server name (the
/// message lists the registered ones); the factory's errors.
pub fn make_rpc_server(conf: &Conf) -> Result<Arc<dyn RpcServer>> {
    let name: String = conf.get(CONF_RPC_SERVER, "native".to_string())?;
    let name = name.trim().to_ascii_lowercase();
    let name = if name.is_empty() { "native".to_string() } else { name };
    let mut known = Vec::new();
    for f in inventory::iter::<RpcServerFactory> {
        if f.name == name {
            return (f.build)(conf);
        }
        known.push(f.name);
    }
    known.sort_unstable();
    Err(Error::NotFound { what: "rpc server", name, available: known.join(", ") })
}

/// A handler and the server of one call: starts the server, registers the
/// handler; stops the server when dropped (also on failure, WF-RPC-4).
pub(crate) struct CallbackScope {
    server: Arc<dyn RpcServer>,
    pub client: RpcClient,
}

impl CallbackScope {
    pub(crate) fn start(conf: &Conf, handler: Arc<dyn RpcHandler>) -> Result<Self> {
        let server = make_rpc_server(conf)?;
        server.start()?;
        let client = match server.register(handler) {
            Ok(c) => c,
            Err(e) => {
                server.stop();
                return Err(e);
            }
        };
        Ok(CallbackScope { server, client })
    }
}

impl Drop for CallbackScope {
    fn drop(&mut self) {
        self.server.stop();
    }
}
