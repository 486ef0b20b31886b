//! The engine's own tokio runtime, and how the synchronous fugue API waits
//! on DataFusion's futures from any thread.

use std::future::Future;

use fugue_core::{Error, Result};

use crate::error::ENGINE;

/// A multi-thread tokio runtime owned by one engine. Futures run with
/// [`EngineRuntime::block_on`], which works from plain threads and from
/// inside any other tokio runtime (current-thread or multi-thread): there,
/// the future is driven on a short-lived helper thread so tokio never sees a
/// nested `block_on`.
pub(crate) struct EngineRuntime {
    runtime: Option<tokio::runtime::Runtime>,
    threads: usize,
    /// The engine name backend errors of this runtime's work carry
    /// (`datafusion`, or the name of an engine built on this one).
    engine: &'static str,
}

impl std::fmt::Debug for EngineRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineRuntime").field("threads", &self.threads).finish()
    }
}

impl EngineRuntime {
    /// A runtime with `threads` worker threads (at least one).
    ///
    /// # Errors
    /// `ERR-EXECUTION` when the runtime cannot be built.
    pub(crate) fn new(threads: usize, engine: &'static str) -> Result<Self> {
        let threads = threads.max(1);
        // `enable_all`: the IO and time drivers compiled into tokio (none in
        // a plain DataFusion build; a Ballista session's network servers
        // and clients need both)
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .worker_threads(threads)
            .thread_name("fugue-datafusion")
            .thread_stack_size(WORKER_STACK_BYTES)
            .build()
            .map_err(|e| Error::backend(engine, "build tokio runtime", e))?;
        Ok(EngineRuntime { runtime: Some(runtime), threads, engine })
    }

    /// Number of worker threads.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `fut` to completion on this runtime and returns its output.
    ///
    /// # Errors
    /// The future's own error (a backend error of DataFusion named after
    /// this runtime's engine); `ERR-INTERNAL` when the helper thread
    /// panicked.
    pub(crate) fn block_on<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send,
        T: Send,
    {
        self.block_on_inner(fut).map_err(|e| match e {
            Error::Backend { engine, operation, source } if engine == ENGINE => {
                Error::Backend { engine: self.engine.to_string(), operation, source }
            }
            other => other,
        })
    }

    fn block_on_inner<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send,
        T: Send,
    {
        let runtime =
            self.runtime.as_ref().ok_or_else(|| Error::internal("the runtime was shut down"))?;
        // The future is driven from a scoped helper thread with a large
        // stack: DataFusion is built without its `recursive_protection`
        // feature, and SQL planning and physical planning recurse once per
        // expression level (a 200-term `a+a+...` overflowed a 2 MiB debug
        // thread). Inside some tokio runtime (a caller's, or one of ours,
        // e.g. a map function calling the engine) tokio forbids blocking
        // this thread on another runtime anyway. On a multi-thread worker,
        // `block_in_place` first hands the worker's other tasks to a new
        // thread, so waiting starves nobody.
        let run = || {
            std::thread::scope(|s| {
                match std::thread::Builder::new()
                    .name("fugue-datafusion-call".into())
                    .stack_size(CALL_STACK_BYTES)
                    .spawn_scoped(s, || runtime.block_on(fut))
                {
                    Ok(h) => h
                        .join()
                        .unwrap_or_else(|_| Err(Error::internal("a datafusion task panicked"))),
                    Err(e) => Err(Error::backend(self.engine, "start a thread to run a plan", e)),
                }
            })
        };
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(run),
            _ => run(),
        }
    }
}

/// Stack of the thread that drives a plan (planning recurses per
/// expression level; address space only).
const CALL_STACK_BYTES: usize = 64 << 20;

/// Stack of the runtime's worker threads (execution recurses per
/// expression level too).
const WORKER_STACK_BYTES: usize = 16 << 20;

impl Drop for EngineRuntime {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which panics inside another runtime's
        // async context; shutting down in the background never blocks.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
