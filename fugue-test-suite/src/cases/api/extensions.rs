//! Processors, outputters and creators, as closures and as trait values
//! (WF-PROC-1..2, WF-OUT-1, WF-CREATE-1..2, WF-CTX-1..4, WF-EXT-1..3).

use std::sync::{Arc, Mutex};

use fugue_api::api;
use fugue_api::extension::{Creator, ExtensionContext, Processor};
use fugue_core::{DataFrameRef, DataFrames};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "extensions/processor",
            [
                "WF-PROC-1",
                "WF-PROC-2",
                "WF-EXT-2",
                "WF-CTX-1",
                "WF-CTX-3",
                "WF-CTX-4",
                "WF-CTX-6",
                "WF-CREATE-2",
                "WF-SIG-2e"
            ],
            processor
        ),
        case!(
            "extensions/outputter",
            ["WF-OUT-1", "WF-EXT-3", "WF-CTX-1", "WF-CTX-3", "WF-SIG-2f"],
            outputter
        ),
        case!(
            "extensions/creator",
            ["WF-CREATE-1", "WF-EXT-1", "WF-CTX-1", "WF-CTX-3", "WF-SIG-2g"],
            creator
        ),
    ]
}

/// A trait processor: unions its inputs on the engine it is given.
struct UnionAll;

impl Processor for UnionAll {
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        let e = ctx.engine()?;
        let mut it = dfs.values();
        let first = it.next().ok_or_else(|| Error::user("no inputs"))?.clone();
        it.try_fold(first, |acc, d| e.union(&acc, d, false))
    }
}

fn processor(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let a = kv()?;
    let b = local(vec![vec![s("c"), l(5)]], "k:str,v:long")?;
    // a trait processor running engine operations (WF-PROC-2)
    let out = ok(
        api::process([a.clone(), b.clone()], UnionAll).engine(e.clone()).run(),
        "trait processor",
    )?;
    eq(
        out.as_ref(),
        vec![vec![s("a"), l(1)], vec![s("a"), l(3)], vec![s("b"), l(2)], vec![s("c"), l(5)]],
        "k:str,v:long",
        "union processor",
    )?;
    // a closure reading params, the given schema, the partition spec and the engine
    let seen: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let s2 = seen.clone();
    let p = move |c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
        let n: i64 = c.params().get("n", 0)?;
        let schema = c.output_schema()?.clone();
        *s2.lock().map_err(poisoned)? = Some(format!(
            "{}|{}|{}",
            c.engine()?.name(),
            c.partition_spec().partition_by().join(","),
            dfs.len()
        ));
        Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![l(n)]], schema)?) as DataFrameRef)
    };
    let out = ok(
        api::process([a.clone(), b], p)
            .params([("n", 42)])
            .schema("n:long")
            .partition("k")
            .engine(e.clone())
            .run(),
        "closure processor",
    )?;
    eq(out.as_ref(), vec![vec![l(42)]], "n:long", "closure processor output")?;
    let seen = seen.lock().map_err(|_| "poisoned".to_string())?.clone();
    let expected = format!("{}|k|2", e.name());
    check(seen.as_deref() == Some(expected.as_str()), || {
        format!("the processor saw {seen:?}, expected {expected}")
    })?;
    // the output is a frame of the call's engine
    check(*out.schema() == "n:long", || format!("schema {}", out.schema()))?;
    // an error of the processor reaches the caller
    let failing = |_c: &ExtensionContext, _d: DataFrames| -> Result<DataFrameRef> {
        Err(Error::user("cannot process"))
    };
    expect_kind_with(
        api::process([a], failing).engine(e.clone()).run(),
        ErrorKind::User,
        &["cannot process"],
        "failing processor",
    )
}

fn outputter(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let collected: Arc<Mutex<Vec<(String, usize)>>> = Arc::new(Mutex::new(Vec::new()));
    let c2 = collected.clone();
    let o = move |c: &ExtensionContext, dfs: DataFrames| -> Result<()> {
        let tag: String = c.params().get("tag", String::new())?;
        let mut total = 0;
        for d in dfs.values() {
            total += d.count()?;
        }
        c2.lock().map_err(poisoned)?.push((format!("{tag}@{}", c.engine()?.name()), total));
        Ok(())
    };
    let b = local(vec![vec![s("c"), l(5)]], "k:str,v:long")?;
    // api::output runs on the context engine
    let r = ok(
        fugue_api::engine_context(e.clone(), || {
            api::output([kv()?, b], o).params([("tag", "t")]).run().map_err(|e| e.to_string())
        }),
        "engine_context",
    )?;
    r?;
    let got = collected.lock().map_err(|_| "poisoned".to_string())?.clone();
    check(got == vec![(format!("t@{}", e.name()), 4)], || format!("the outputter recorded {got:?}"))
}

/// A trait creator making `n` rows from its params.
struct Range;

impl Creator for Range {
    fn create(&self, ctx: &ExtensionContext) -> Result<DataFrameRef> {
        let n: i64 = ctx.params().get("n", 0)?;
        let rows = (0..n).map(|x| vec![l(x)]).collect();
        ctx.engine()?.to_df(&(Arc::new(LocalDataFrame::from_rows(rows, "x:long")?) as DataFrameRef))
    }
}

fn creator(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let r = ok(
        fugue_api::engine_context(e.clone(), || {
            let t = api::create(Range).params([("n", 3)]).run();
            let c = api::create(|c: &ExtensionContext| -> Result<DataFrameRef> {
                let name = c.engine()?.name().to_string();
                let df = LocalDataFrame::from_rows(vec![vec![s(&name)]], "engine:str")?;
                Ok(Arc::new(df) as DataFrameRef)
            })
            .run();
            let f = api::create(|_c: &ExtensionContext| -> Result<DataFrameRef> {
                Err(Error::user("cannot create"))
            })
            .run();
            (t, c, f)
        }),
        "engine_context",
    )?;
    let t = ok(r.0, "trait creator")?;
    eq(t.as_ref(), vec![vec![l(0)], vec![l(1)], vec![l(2)]], "x:long", "trait creator")?;
    let c = ok(r.1, "closure creator")?;
    eq(c.as_ref(), vec![vec![s(e.name())]], "engine:str", "closure creator on the context engine")?;
    expect_kind_with(r.2, ErrorKind::User, &["cannot create"], "failing creator")
}
