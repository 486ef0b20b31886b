//! The engine context and the global engine (ENG-CTX-1..7).
//!
//! Contexts are per thread, so the context cases run in parallel with the
//! others. Every check of the process-wide global engine is in ONE case,
//! `context/global_engine`, which clears it again when it ends.

use std::sync::{Arc, Mutex};

use fugue_api::api;
use fugue_api::context::{
    EngineContextGuard, context_engine, global_engine, is_global, is_in_context,
};
use fugue_api::extension::ExtensionContext;
use fugue_api::{clear_global_engine, current_conf, engine_context, set_global_engine};
use fugue_core::registry::make_engine;
use fugue_core::{Conf, DataFrameRef};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("context/nested", ["ENG-CTX-1", "ENG-CTX-2", "ENG-CTX-4", "ENG-CTX-7"], nested),
        case!("context/threads", ["ENG-CTX-2"], threads),
        case!("context/by_name", ["ENG-CTX-6", "ENG-API-1"], by_name),
        case!(
            "context/global_engine",
            ["ENG-CTX-1", "ENG-CTX-3", "ENG-CTX-4", "ENG-CTX-5", "ENG-CTX-7"],
            global
        ),
    ]
}

/// Another engine of the same kind (a different instance).
fn another(e: &EngineRef) -> Result<EngineRef, String> {
    ok(make_engine(e.name(), Conf::empty().with_entry(fugue_core::conf::TEST, true)), "make_engine")
}

fn same(a: &EngineRef, b: &EngineRef) -> bool {
    Arc::ptr_eq(a, b)
}

/// The engine a driver-side extension sees when the call names none.
fn engine_of_create() -> Result<EngineRef> {
    let seen: Arc<Mutex<Option<EngineRef>>> = Arc::new(Mutex::new(None));
    let s2 = seen.clone();
    api::create(move |c: &ExtensionContext| -> Result<DataFrameRef> {
        *s2.lock().map_err(poisoned)? = Some(c.engine()?.clone());
        Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![l(1)]], "x:long")?) as DataFrameRef)
    })
    .run()?;
    let e = seen.lock().map_err(poisoned)?.clone();
    e.ok_or_else(|| Error::user("the creator did not run"))
}

fn nested(ctx: &Ctx) -> CaseResult {
    let outer = eng(ctx)?;
    let inner = another(&outer)?;
    let r = ok(
        engine_context(outer.clone(), || -> CaseResult {
            let cur = ok(context_engine(), "context_engine")?;
            check(same(&cur, &outer), || "the context engine is not the outer engine".into())?;
            check(is_in_context(&outer), || "in_context false inside its context".into())?;
            check(current_conf() == *outer.conf(), || {
                "current_conf is not the context engine's conf".into()
            })?;
            // calls without an engine run on the context engine
            let used = ok(engine_of_create(), "create")?;
            check(same(&used, &outer), || "api::create did not run on the context engine".into())?;
            let out =
                ok(api::transform(kv()?, |rows: Vec<Row>| rows).schema("*").run(), "transform")?;
            check(out.num_rows() == 3, || "transform in context".into())?;
            // nested: the inner wins, the outer comes back
            let inner_seen = ok(engine_context(inner.clone(), context_engine), "inner context")?;
            check(inner_seen.is_ok_and(|e| same(&e, &inner)), || {
                "the inner context is not the inner engine".into()
            })?;
            let back = ok(context_engine(), "context_engine after inner")?;
            check(same(&back, &outer), || {
                "leaving the inner context did not restore the outer".into()
            })?;
            // also when the inner scope panics
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = engine_context(inner.clone(), || panic!("unwinding out of a context"));
            }));
            check(caught.is_err(), || "the panic was not propagated".into())?;
            let back = ok(context_engine(), "context_engine after panic")?;
            check(same(&back, &outer), || {
                "a panicking inner context did not restore the outer".into()
            })?;
            // guards nest too
            {
                let g = ok(EngineContextGuard::enter(inner.clone()), "guard")?;
                check(same(g.engine(), &inner), || "guard engine".into())?;
                let cur = ok(context_engine(), "context_engine in guard")?;
                check(same(&cur, &inner), || {
                    "the guard's engine is not the context engine".into()
                })?;
            }
            let back = ok(context_engine(), "context_engine after guard")?;
            check(same(&back, &outer), || "dropping the guard did not restore the outer".into())
        }),
        "engine_context",
    )?;
    r?;
    // after the scope: the outer engine is no longer in a context (unless global, which no case here sets)
    check(!is_in_context(&inner), || "the inner engine is still in context".into())
}

fn threads(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let r = ok(
        engine_context(e.clone(), || {
            let e2 = e.clone();
            std::thread::spawn(move || {
                // the thread sees no context of its parent (it may see a
                // global engine, which is never this case's engine)
                match context_engine() {
                    Ok(seen) => !Arc::ptr_eq(&seen, &e2),
                    Err(err) => err.kind() == ErrorKind::InvalidOperation,
                }
            })
            .join()
        }),
        "engine_context",
    )?;
    let isolated = r.map_err(|_| "the thread panicked".to_string())?;
    check(isolated, || "a spawned thread saw its parent's context engine".into())?;
    // a thread can open its own context
    let e2 = e.clone();
    let own = std::thread::spawn(move || {
        engine_context(e2.clone(), || context_engine().map(|c| Arc::ptr_eq(&c, &e2)))
    })
    .join()
    .map_err(|_| "the thread panicked".to_string())?;
    check(matches!(own, Ok(Ok(true))), || format!("a thread's own context: {own:?}"))
}

fn by_name(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let name = e.name().to_string();
    // a name, and (name, conf), as the engine of one call
    let out = ok(
        api::transform(kv()?, |rows: Vec<Row>| rows).schema("*").engine(name.clone()).run(),
        "by name",
    )?;
    check(out.num_rows() == 3, || "transform on an engine named by string".into())?;
    // (name, conf): the conf reaches the engine made for the scope
    let conf = Conf::empty().with_entry("api.suite.marker", 7);
    let marker = ok(
        engine_context((name.as_str(), conf), || {
            context_engine().and_then(|c| c.conf().get("api.suite.marker", 0i64))
        }),
        "engine_context((name, conf))",
    )?;
    check(matches!(marker, Ok(7)), || format!("(name, conf) context: marker {marker:?}"))?;
    let r = ok(
        engine_context(name.as_str(), || context_engine().map(|c| c.name().to_string())),
        "engine_context by name",
    )?;
    check(r.as_deref().ok() == Some(name.as_str()), || format!("context by name gave {r:?}"))?;
    expect_kind(
        engine_context("no_such_engine_api_suite", || ()),
        ErrorKind::Plugin,
        "an unregistered engine name",
    )
}

/// Clears the global engine when dropped (also on an early return).
struct ClearGlobal;

impl Drop for ClearGlobal {
    fn drop(&mut self) {
        clear_global_engine();
    }
}

// the only case that sets the global engine
fn global(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    check(global_engine().is_none(), || "a global engine is set before the global case".into())?;
    // neither context nor global engine (ENG-CTX-5); valid only while no global is set
    expect_kind(context_engine(), ErrorKind::InvalidOperation, "context_engine with neither")?;
    expect_kind(
        set_global_engine(None::<&str>),
        ErrorKind::InvalidArgument,
        "set_global_engine(None)",
    )?;
    let _restore = ClearGlobal;
    let g = ok(set_global_engine(e.clone()), "set_global_engine")?;
    check(same(&g, &e) && is_global(&e) && is_in_context(&e), || {
        "is_global / in_context after set".into()
    })?;
    let cur = ok(context_engine(), "context_engine with a global")?;
    check(same(&cur, &e), || "context_engine is not the global engine".into())?;
    check(current_conf() == *e.conf(), || "current_conf is not the global engine's conf".into())?;
    // API calls without an engine use it (ENG-CTX-1)
    let used = ok(engine_of_create(), "create on the global engine")?;
    check(same(&used, &e), || "api::create did not run on the global engine".into())?;
    let out = ok(api::transform(kv()?, |rows: Vec<Row>| rows).schema("*").run(), "transform")?;
    check(out.num_rows() == 3, || "transform on the global engine".into())?;
    // other threads see it
    let e2 = e.clone();
    let seen = std::thread::spawn(move || context_engine().map(|c| Arc::ptr_eq(&c, &e2)))
        .join()
        .map_err(|_| "the thread panicked".to_string())?;
    check(matches!(seen, Ok(true)), || format!("another thread sees {seen:?}"))?;
    // a context wins over the global engine and gives it back
    let inner = another(&e)?;
    let r = ok(engine_context(inner.clone(), context_engine), "context over global")?;
    check(r.is_ok_and(|c| same(&c, &inner)), || {
        "the context did not win over the global engine".into()
    })?;
    let cur = ok(context_engine(), "back to global")?;
    check(same(&cur, &e), || "leaving the context did not restore the global engine".into())?;
    // a new global replaces the previous one
    let next = another(&e)?;
    ok(set_global_engine(next.clone()), "replace global")?;
    check(!is_global(&e) && is_global(&next), || "replacing the global engine".into())?;
    clear_global_engine();
    check(global_engine().is_none() && !is_global(&next), || "clear_global_engine".into())?;
    expect_kind(context_engine(), ErrorKind::InvalidOperation, "context_engine after clear")
}
