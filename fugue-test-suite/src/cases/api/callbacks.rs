//! Callbacks from transformers to the driver, in-process (WF-RPC-1..9,
//! WF-CTX-8; CHECKLIST B43).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fugue_api::api;
use fugue_api::extension::{TransformContext, cotransformer, output_transformer, transformer};
use fugue_api::rpc::{self, CountedHandler, RpcHandler};
use fugue_core::DataFrames;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "callbacks/sum_per_key",
            [
                "WF-RPC-1",
                "WF-RPC-2",
                "WF-RPC-4",
                "WF-RPC-5",
                "WF-RPC-7",
                "WF-RPC-9",
                "WF-CTX-8",
                "WF-SIG-1g"
            ],
            sum_per_key
        ),
        case!("callbacks/has_callback", ["WF-RPC-2", "WF-RPC-3", "WF-CTX-8"], has_callback),
        case!("callbacks/required_missing", ["WF-RPC-3", "WF-TR-2"], required_missing),
        case!("callbacks/unused_handler", ["WF-RPC-1", "WF-RPC-3"], unused_handler),
        case!(
            "callbacks/cotransformer",
            ["WF-COTR-7", "WF-RPC-2", "WF-CTX-8"],
            cotransformer_callback
        ),
        case!("callbacks/handler_lifecycle", ["WF-RPC-6"], handler_lifecycle),
    ]
}

/// A handler adding `(key, n)` into a shared map; returns the new total.
fn summing(sums: Arc<Mutex<BTreeMap<String, i64>>>) -> Arc<dyn RpcHandler> {
    rpc::handler(move |(k, n): (String, i64)| -> Result<i64> {
        let mut m = sums.lock().map_err(poisoned)?;
        let t = m.entry(k).or_default();
        *t += n;
        Ok(*t)
    })
}

fn sums_of(sums: &Arc<Mutex<BTreeMap<String, i64>>>) -> Result<BTreeMap<String, i64>, String> {
    sums.lock().map(|m| m.clone()).map_err(|_| "poisoned".to_string())
}

fn sum_per_key(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let sums = Arc::new(Mutex::new(BTreeMap::new()));
    // one call per row, from every partition, possibly concurrently (WF-RPC-7)
    let t = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let mut last = 0;
        for r in &rows {
            last = c.callback::<_, i64>((as_str(&r[0])?, as_i64(&r[1])?))?;
        }
        Ok(vec![vec![rows[0][0].clone(), l(last)]])
    })
    .optional_callback();
    let out = ok(
        api::transform(kv()?, t)
            .schema("k:str,total:long")
            .partition("k")
            .callback(summing(sums.clone()))
            .engine(e.clone())
            .run(),
        "transform with callback",
    )?;
    let expected: BTreeMap<String, i64> = [("a".to_string(), 4), ("b".to_string(), 2)].into();
    check(sums_of(&sums)? == expected, || format!("driver-side sums {:?}", sums_of(&sums)))?;
    // the result was computed while the server ran (WF-RPC-9): reading it
    // again calls nothing
    eq(
        &out,
        vec![vec![s("a"), l(4)], vec![s("b"), l(2)]],
        "k:str,total:long",
        "totals returned by the handler",
    )?;
    let again = ok(out.rows(), "rows again")?;
    check(again.len() == 2 && sums_of(&sums)? == expected, || {
        "reading the result called back again".into()
    })?;
    // a DataFrameRef result too: materialised before the server stops
    let sums2 = Arc::new(Mutex::new(BTreeMap::new()));
    let t2 = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let total: i64 = c.callback((as_str(&rows[0][0])?, rows.len() as i64))?;
        Ok(vec![vec![rows[0][0].clone(), l(total)]])
    })
    .optional_callback();
    let df: fugue_core::DataFrameRef =
        ok(e.to_df(&(Arc::new(kv()?) as fugue_core::DataFrameRef)), "to_df")?;
    let out = ok(
        api::transform(df, t2)
            .schema("k:str,n:long")
            .partition("k")
            .callback(summing(sums2.clone()))
            .engine(e.clone())
            .run(),
        "lazy-capable input",
    )?;
    eq(
        out.as_ref(),
        vec![vec![s("a"), l(2)], vec![s("b"), l(1)]],
        "k:str,n:long",
        "engine frame result after the run",
    )?;
    // out_transform with a callback
    let sums3 = Arc::new(Mutex::new(BTreeMap::new()));
    let o = output_transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<()> {
        for r in &rows {
            c.callback::<_, i64>((as_str(&r[0])?, as_i64(&r[1])?))?;
        }
        Ok(())
    })
    .optional_callback();
    ok(
        api::out_transform(kv()?, o)
            .partition("k")
            .callback(summing(sums3.clone()))
            .engine(e.clone())
            .run(),
        "out_transform",
    )?;
    check(sums_of(&sums3)? == expected, || format!("out_transform sums {:?}", sums_of(&sums3)))
}

fn has_callback(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let t = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Vec<Row> {
        vec![vec![rows[0][0].clone(), Value::Bool(c.has_callback())]]
    })
    .schema("k:str,has:bool")
    .optional_callback();
    let without =
        ok(api::transform(kv()?, t.clone()).partition("k").engine(e.clone()).run(), "without")?;
    eq(
        &without,
        vec![vec![s("a"), Value::Bool(false)], vec![s("b"), Value::Bool(false)]],
        "k:str,has:bool",
        "no handler",
    )?;
    let h = rpc::handler(|x: i64| -> Result<i64> { Ok(x) });
    let with =
        ok(api::transform(kv()?, t).partition("k").callback(h).engine(e.clone()).run(), "with")?;
    eq(
        &with,
        vec![vec![s("a"), Value::Bool(true)], vec![s("b"), Value::Bool(true)]],
        "k:str,has:bool",
        "a handler",
    )?;
    // calling back without a handler is an error of the call, not a hang
    let calls = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let _: i64 = c.callback(1)?;
        Ok(rows)
    })
    .schema("*")
    .optional_callback();
    expect_kind_or_source(
        api::transform(kv()?, calls).engine(e.clone()).run(),
        ErrorKind::InvalidOperation,
        "callback without a handler",
    )
}

fn required_missing(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let ran = Arc::new(AtomicUsize::new(0));
    let r2 = ran.clone();
    let t = transformer(move |c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        r2.fetch_add(1, Ordering::SeqCst);
        let _: i64 = c.callback(1)?;
        Ok(rows)
    })
    .schema("*")
    .requires_callback();
    expect_kind(
        api::transform(kv()?, t.clone()).engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        "required, no handler",
    )?;
    check(ran.load(Ordering::SeqCst) == 0, || {
        "the function ran although its callback was missing".into()
    })?;
    let h = rpc::handler(|x: i64| -> Result<i64> { Ok(x) });
    let out = ok(api::transform(kv()?, t).callback(h).engine(e.clone()).run(), "required, given")?;
    check(out.num_rows() == 3, || format!("{} rows", out.num_rows()))
}

fn unused_handler(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let called = Arc::new(AtomicUsize::new(0));
    let c2 = called.clone();
    let h = rpc::handler(move |x: i64| -> Result<i64> {
        c2.fetch_add(1, Ordering::SeqCst);
        Ok(x)
    });
    // a function that declares no callback use: the handler is accepted and never called
    let out = ok(
        api::transform(kv()?, |rows: Vec<Row>| rows)
            .schema("*")
            .partition("k")
            .callback(h)
            .engine(e.clone())
            .run(),
        "transform with an unused handler",
    )?;
    check(out.num_rows() == 3, || format!("{} rows", out.num_rows()))?;
    check(called.load(Ordering::SeqCst) == 0, || {
        "the handler was called by a function that never calls back".into()
    })
}

fn cotransformer_callback(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let b = local(vec![vec![s("a"), i(7)], vec![s("b"), i(8)]], "k:str,w:int")?;
    let zipped = ok(api::zip([kv()?, b]).partition("k").engine(e.clone()).run(), "zip")?;
    let sums = Arc::new(Mutex::new(BTreeMap::new()));
    let f = cotransformer(|c: &TransformContext<'_>, dfs: DataFrames| -> Result<Vec<Row>> {
        let key = as_str(&c.cursor().key_value_array()?[0])?;
        let n =
            dfs.get_index(0).ok_or_else(|| Error::user("member 0"))?.as_local_bounded()?.num_rows()
                as i64;
        let total: i64 = c.callback((key.clone(), n))?;
        Ok(vec![vec![s(&key), l(total), Value::Bool(c.has_callback())]])
    })
    .optional_callback();
    let out = ok(
        api::cotransform(zipped, f)
            .schema("k:str,n:long,has:bool")
            .callback(summing(sums.clone()))
            .engine(e.clone())
            .run(),
        "cotransform with callback",
    )?;
    eq(
        out.as_ref(),
        vec![vec![s("a"), l(2), Value::Bool(true)], vec![s("b"), l(1), Value::Bool(true)]],
        "k:str,n:long,has:bool",
        "cotransformer callbacks",
    )
}

/// A handler counting its start/stop hooks.
struct Hooks {
    starts: AtomicUsize,
    stops: AtomicUsize,
}

impl RpcHandler for Hooks {
    fn call(&self, args: serde_json::Value) -> Result<serde_json::Value> {
        Ok(args)
    }
    fn start_handler(&self) {
        self.starts.fetch_add(1, Ordering::SeqCst);
    }
    fn stop_handler(&self) {
        self.stops.fetch_add(1, Ordering::SeqCst);
    }
}

fn handler_lifecycle(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    // reference counted start/stop (WF-RPC-6)
    let hooks = Arc::new(Hooks { starts: AtomicUsize::new(0), stops: AtomicUsize::new(0) });
    let counted = CountedHandler::new(hooks.clone());
    expect_kind(
        counted.call(serde_json::json!(1)),
        ErrorKind::InvalidOperation,
        "call before start",
    )?;
    counted.start();
    counted.start();
    counted.stop();
    check(
        hooks.starts.load(Ordering::SeqCst) == 1 && hooks.stops.load(Ordering::SeqCst) == 0,
        || "start_handler once on the first start, stop_handler not before the last stop".into(),
    )?;
    ok(counted.call(serde_json::json!(1)), "call while started")?;
    counted.stop();
    counted.stop();
    check(counted.running() == 0 && hooks.stops.load(Ordering::SeqCst) == 1, || {
        format!(
            "extra stops: running {}, stops {}",
            counted.running(),
            hooks.stops.load(Ordering::SeqCst)
        )
    })?;
    // a transform starts the handler for the run and stops it afterwards, also on failure (WF-RPC-4)
    let hooks = Arc::new(Hooks { starts: AtomicUsize::new(0), stops: AtomicUsize::new(0) });
    let t = transformer(|c: &TransformContext<'_>, rows: Vec<Row>| -> Result<Vec<Row>> {
        let _: i64 = c.callback(1)?;
        Ok(rows)
    })
    .schema("*")
    .optional_callback();
    ok(api::transform(kv()?, t).callback(hooks.clone()).engine(e.clone()).run(), "run")?;
    let fail = transformer(|_c: &TransformContext<'_>, _rows: Vec<Row>| -> Result<Vec<Row>> {
        Err(Error::user("x"))
    })
    .schema("*")
    .optional_callback();
    expect_kind(
        api::transform(kv()?, fail).callback(hooks.clone()).engine(e.clone()).run(),
        ErrorKind::User,
        "failing run",
    )?;
    let (starts, stops) = (hooks.starts.load(Ordering::SeqCst), hooks.stops.load(Ordering::SeqCst));
    check(starts == 2 && stops == 2, || format!("two runs: {starts} starts, {stops} stops"))
}
