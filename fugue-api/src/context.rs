//! Which engine runs a call when none is named: the engine context, the
//! global engine and the default engine (ENG-CTX-1..7, ENG-STOP-2).
//!
//! Resolution order for an API call ([`resolve_engine`]):
//! 1. the engine the call names ([`EngineLike`]: a name, an [`EngineRef`],
//!    a `(name, conf)` pair);
//! 2. the innermost [`engine_context`] of the current thread;
//! 3. the global engine ([`set_global_engine`]);
//! 4. a new default engine: `native` when it is linked, else the first
//!    registered engine by name (ENG-CTX-6).
//!
//! Contexts are per thread (ENG-CTX-2): a thread spawned inside a context
//! does not see it (use the global engine to share one engine across
//! threads). Contexts nest; leaving one restores the outer one, also when
//! the scope unwinds.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use fugue_core::conf::global_conf;
use fugue_core::engine::EngineRef;
use fugue_core::registry::make_engine;
use fugue_core::{Conf, Error, Result};

use crate::like::ConfLike;

/// Something that names an execution engine: a registered name (`"native"`,
/// `"polars"`, `"datafusion"`; `""` is the default engine), an [`EngineRef`],
/// a `(name, conf)` pair, or [`Option::None`] (the context engine, ENG-CTX-1).
///
/// ```
/// use fugue_api::context::EngineLike;
/// # use fugue_native as _;
/// let engine = "native".into_engine()?.expect("a name gives an engine");
/// assert_eq!(engine.name(), "native");
/// assert!(None::<&str>.into_engine()?.is_none());
/// # Ok::<(), fugue_core::Error>(())
/// ```
pub trait EngineLike {
    /// The engine, built from the registry when this is a name (with `conf`
    /// over the global defaults), or `None` for "not named". An engine
    /// instance ignores `conf`: its conf was fixed when it was built.
    ///
    /// # Errors
    /// `ERR-PLUGIN` for a name that is not registered (the message lists the
    /// registered engines and the Cargo feature that links the name).
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>>;

    /// [`into_engine_with`](Self::into_engine_with) without a conf.
    ///
    /// # Errors
    /// As [`into_engine_with`](Self::into_engine_with).
    fn into_engine(self) -> Result<Option<EngineRef>>
    where
        Self: Sized,
    {
        self.into_engine_with(None)
    }
}

impl EngineLike for EngineRef {
    fn into_engine_with(self, _conf: Option<Conf>) -> Result<Option<EngineRef>> {
        Ok(Some(self))
    }
}

impl EngineLike for &EngineRef {
    fn into_engine_with(self, _conf: Option<Conf>) -> Result<Option<EngineRef>> {
        Ok(Some(self.clone()))
    }
}

impl EngineLike for &str {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        make_engine(self, conf.unwrap_or_else(Conf::empty)).map(Some)
    }
}

impl EngineLike for String {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        self.as_str().into_engine_with(conf)
    }
}

impl EngineLike for &String {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        self.as_str().into_engine_with(conf)
    }
}

impl<C: ConfLike> EngineLike for (&str, C) {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        let mut full = self.1.into_conf()?;
        if let Some(extra) = conf {
            full.merge(&extra);
        }
        make_engine(self.0, full).map(Some)
    }
}

impl<C: ConfLike> EngineLike for (String, C) {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        (self.0.as_str(), self.1).into_engine_with(conf)
    }
}

impl<E: EngineLike> EngineLike for Option<E> {
    fn into_engine_with(self, conf: Option<Conf>) -> Result<Option<EngineRef>> {
        match self {
            Some(e) => e.into_engine_with(conf),
            None => Ok(None),
        }
    }
}

/// "No engine named": the context engine, else the global one, else the
/// default (ENG-CTX-1). `NoEngine` is what API calls use until
/// `.engine(..)` is called.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEngine;

impl EngineLike for NoEngine {
    fn into_engine_with(self, _conf: Option<Conf>) -> Result<Option<EngineRef>> {
        Ok(None)
    }
}

thread_local! {
    static CONTEXT: RefCell<Vec<EngineRef>> = const { RefCell::new(Vec::new()) };
}

#[derive(Default)]
struct Registry {
    global: Option<EngineRef>,
    /// Context counts per engine (by `Arc` address): ENG-CTX-4, ENG-STOP-2.
    counts: HashMap<usize, usize>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REG: OnceLock<Mutex<Registry>> = OnceLock::new();
    // A poisoned lock only means a panic happened while it was held; the
    // map itself is always consistent (single-statement updates).
    REG.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner())
}

fn key(engine: &EngineRef) -> usize {
    Arc::as_ptr(engine) as *const () as usize
}

fn enter(engine: &EngineRef) {
    *registry().counts.entry(key(engine)).or_default() += 1;
    engine.on_enter_context();
}

/// Leaves one context of `engine`; stops it when no context and no global
/// role is left (ENG-STOP-2). Stopping keeps the engine usable (ENG-STOP-3).
fn leave(engine: &EngineRef) {
    engine.on_exit_context();
    let stop = {
        let mut reg = registry();
        let k = key(engine);
        let left = match reg.counts.get_mut(&k) {
            Some(n) => {
                *n = n.saturating_sub(1);
                *n
            }
            None => 0,
        };
        if left == 0 {
            reg.counts.remove(&k);
        }
        left == 0 && reg.global.as_ref().is_none_or(|g| key(g) != k)
    };
    if stop {
        engine.stop();
    }
}

/// Makes `engine` the context engine of the current thread while `f` runs,
/// then restores the previous one (also when `f` panics) and returns `f`'s
/// result (ENG-CTX-2). `None` (or `""`) makes a default engine.
///
/// ```
/// # use fugue_native as _;
/// let name = fugue_api::engine_context("native", || {
///     fugue_api::context::context_engine().map(|e| e.name().to_string())
/// })??;
/// assert_eq!(name, "native");
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-PLUGIN` when `engine` names an engine that is not registered.
pub fn engine_context<E: EngineLike, T>(engine: E, f: impl FnOnce() -> T) -> Result<T> {
    let guard = EngineContextGuard::enter(engine)?;
    let out = f();
    drop(guard);
    Ok(out)
}

/// A scope guard form of [`engine_context`]: the engine is the thread's
/// context engine until the guard is dropped. Guards must be dropped in
/// reverse order of creation (the usual scope order).
#[must_use = "the context ends when the guard is dropped"]
#[derive(Debug)]
pub struct EngineContextGuard {
    engine: EngineRef,
    depth: usize,
}

impl EngineContextGuard {
    /// Enters a context of `engine` (a default engine for `None`).
    ///
    /// # Errors
    /// `ERR-PLUGIN` for an unregistered name.
    pub fn enter<E: EngineLike>(engine: E) -> Result<Self> {
        let engine = match engine.into_engine()? {
            Some(e) => e,
            None => make_engine("", Conf::empty())?,
        };
        enter(&engine);
        let depth = CONTEXT.with(|c| {
            let mut c = c.borrow_mut();
            c.push(engine.clone());
            c.len()
        });
        Ok(EngineContextGuard { engine, depth })
    }

    /// The engine of this context.
    pub fn engine(&self) -> &EngineRef {
        &self.engine
    }
}

impl Drop for EngineContextGuard {
    fn drop(&mut self) {
        CONTEXT.with(|c| {
            let mut c = c.borrow_mut();
            // Out-of-order drops truncate to this guard's depth, so the
            // stack never keeps an engine whose guard is gone.
            c.truncate(self.depth.saturating_sub(1));
        });
        leave(&self.engine);
    }
}

/// Makes `engine` the global engine (ENG-CTX-3): used by every thread when
/// no context engine is set; it counts as "in context" and is not stopped
/// while global. A previous global engine leaves its global role first.
/// Returns the engine.
///
/// # Errors
/// `ERR-ARG` for `None` (the engine is required); `ERR-PLUGIN` for an
/// unregistered name.
pub fn set_global_engine<E: EngineLike>(engine: E) -> Result<EngineRef> {
    let engine = engine
        .into_engine()?
        .ok_or_else(|| Error::arg("engine", "set_global_engine needs an engine (ENG-CTX-3)"))?;
    let previous = {
        let mut reg = registry();
        reg.global.replace(engine.clone())
    };
    engine.on_enter_context();
    if let Some(prev) = previous {
        prev.on_exit_context();
        stop_if_unused(&prev);
    }
    Ok(engine)
}

/// Removes the global engine (ENG-CTX-3); it is stopped unless a context
/// still uses it. Does nothing when there is none.
pub fn clear_global_engine() {
    let previous = registry().global.take();
    if let Some(prev) = previous {
        prev.on_exit_context();
        stop_if_unused(&prev);
    }
}

fn stop_if_unused(engine: &EngineRef) {
    let unused = {
        let reg = registry();
        !reg.counts.contains_key(&key(engine))
            && reg.global.as_ref().is_none_or(|g| key(g) != key(engine))
    };
    if unused {
        engine.stop();
    }
}

/// The global engine, if one is set.
pub fn global_engine() -> Option<EngineRef> {
    registry().global.clone()
}

/// True while `engine` is used by at least one context or is global (ENG-CTX-4).
pub fn is_in_context(engine: &EngineRef) -> bool {
    let reg = registry();
    reg.counts.contains_key(&key(engine))
        || reg.global.as_ref().is_some_and(|g| key(g) == key(engine))
}

/// True while `engine` is the global engine (ENG-CTX-4).
pub fn is_global(engine: &EngineRef) -> bool {
    registry().global.as_ref().is_some_and(|g| key(g) == key(engine))
}

/// The current thread's innermost context engine, else the global engine
/// (ENG-CTX-5).
///
/// # Errors
/// `ERR-INVALID-OP` when there is neither.
pub fn context_engine() -> Result<EngineRef> {
    try_context_engine().ok_or_else(|| {
        Error::invalid_op(
            "no context engine and no global engine: wrap the call in `engine_context(..)` or call `set_global_engine(..)` (ENG-CTX-5)",
        )
    })
}

fn try_context_engine() -> Option<EngineRef> {
    CONTEXT.with(|c| c.borrow().last().cloned()).or_else(global_engine)
}

/// The engine for a call (ENG-CTX-1): the named one, else the context
/// engine, else the global engine, else a new default engine built with
/// `conf` (or the global defaults).
///
/// # Errors
/// `ERR-PLUGIN` for an unregistered name or when no engine is linked at all.
pub fn resolve_engine<E: EngineLike>(engine: E, conf: Option<Conf>) -> Result<EngineRef> {
    if let Some(e) = engine.into_engine_with(conf.clone())? {
        return Ok(e);
    }
    if let Some(e) = try_context_engine() {
        return Ok(e);
    }
    make_engine("", conf.unwrap_or_else(Conf::empty))
}

/// [`resolve_engine`] for an unnamed engine with an inference step
/// (ENG-CTX-1): the context engine, else the global engine, else the
/// engine `hint` names (from the input frames, e.g. `polars` for a Polars
/// `DataFrame`) when it is registered, else the default engine.
///
/// # Errors
/// `ERR-PLUGIN` when no engine is linked at all.
pub fn resolve_engine_with_hint(hint: Option<&str>, conf: Option<Conf>) -> Result<EngineRef> {
    if let Some(e) = try_context_engine() {
        return Ok(e);
    }
    let conf = conf.unwrap_or_else(Conf::empty);
    if let Some(h) = hint
        && fugue_core::registry::registered_engines().iter().any(|e| e.name == h)
    {
        return make_engine(h, conf);
    }
    make_engine("", conf)
}

/// The conf of the context (or global) engine, else the global defaults
/// (ENG-CTX-7).
pub fn current_conf() -> Conf {
    match try_context_engine() {
        Some(e) => e.conf().clone(),
        None => global_conf(),
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use fugue_core::engine::{ExecutionEngine, MapEngine, MapFn, OnInitFn};
    use fugue_core::{DataFrameRef, PartitionSpec, Schema};

    use super::*;

    /// An engine that counts its context hooks and stops (ENG-CTX-4, ENG-STOP-2).
    #[derive(Debug, Default)]
    struct Counting {
        conf: Conf,
        enters: AtomicUsize,
        exits: AtomicUsize,
        stops: AtomicUsize,
    }

    impl fmt::Display for Counting {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Counting")
        }
    }

    impl MapEngine for Counting {
        fn map_dataframe(
            &self,
            _df: &DataFrameRef,
            _map_fn: MapFn,
            _output_schema: &Schema,
            _spec: &PartitionSpec,
            _on_init: Option<OnInitFn>,
        ) -> Result<DataFrameRef> {
            Err(Error::not_supported("map on the counting test engine"))
        }
    }

    impl ExecutionEngine for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn conf(&self) -> &Conf {
            &self.conf
        }
        fn to_df(&self, df: &DataFrameRef) -> Result<DataFrameRef> {
            Ok(df.clone())
        }
        fn on_enter_context(&self) {
            self.enters.fetch_add(1, Ordering::SeqCst);
        }
        fn on_exit_context(&self) {
            self.exits.fetch_add(1, Ordering::SeqCst);
        }
        fn stop(&self) {
            self.stops.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counts(e: &Arc<Counting>) -> (usize, usize, usize) {
        (
            e.enters.load(Ordering::SeqCst),
            e.exits.load(Ordering::SeqCst),
            e.stops.load(Ordering::SeqCst),
        )
    }

    /// ENG-CTX-2/4, ENG-STOP-2: nested contexts of one engine run the hooks
    /// on each enter and exit, restore the outer engine, and stop the engine
    /// once, when the last context exits. (Thread-local only: no global.)
    #[test]
    fn eng_ctx_4_hooks_and_stop_on_last_exit() -> Result<()> {
        let e = Arc::new(Counting::default());
        let r: EngineRef = e.clone();
        engine_context(r.clone(), || -> Result<()> {
            assert!(is_in_context(&r));
            engine_context(r.clone(), || assert_eq!(counts(&e), (2, 0, 0)))?;
            assert_eq!(counts(&e), (2, 1, 0), "the inner exit does not stop it");
            assert!(Arc::ptr_eq(&context_engine()?, &r), "the outer context is restored");
            Ok(())
        })??;
        assert_eq!(counts(&e), (2, 2, 1), "stopped once, at the last exit");
        assert!(!is_in_context(&r));
        Ok(())
    }
}
