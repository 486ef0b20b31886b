//! The attribute macros of `fugue-macros` (WF-SIG-8, WF-REG-1, WF-ID-5):
//! a plain function stays callable and is registered by name; through the
//! facade (`#[fugue::transformer]`, expanding to `::fugue::__private_api`)
//! and directly (`#[fugue_macros::transformer]`, expanding to
//! `::fugue_api`). Compile errors are tested in `fugue-macros/tests/ui`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fugue::api;
use fugue::core::arrow::array::Int64Array;
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::extension::{ExtensionContext, ExtensionKind, Outputter, Processor, TransformContext};
use fugue::extensions::{self as registry, ExtensionInfo};
use fugue::{DataFrame, DataFrameRef, DataFrames, ErrorKind, LocalDataFrame, Result, Value};

/// Row number per partition, in presort order.
#[fugue::transformer(schema = "*,rn:long", partitionby_has = "k", name = "rank", version = "1")]
fn rank(df: LocalDataFrame) -> Result<LocalDataFrame> {
    let n = df.num_rows() as i64;
    df.with_column("rn", Arc::new(Int64Array::from_iter_values(1..=n)))
}

/// The context form; registered under its own name, no version.
#[fugue::transformer(schema = "*,p:long")]
fn macro_with_param(ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<LocalDataFrame> {
    let p = ctx.params().get("p", 0i64)?;
    df.with_column("p", Arc::new(Int64Array::from(vec![p; df.num_rows()])))
}

/// A batch in, a batch out; the direct crate path (`::fugue_api`).
#[fugue_macros::transformer(schema = "*", input_has = "v:long")]
fn macro_first_row(b: RecordBatch) -> RecordBatch {
    b.slice(0, 1.min(b.num_rows()))
}

/// The `crate = ".."` key, naming the facade's re-export explicitly.
#[fugue_macros::transformer(crate = "fugue::__private_api", schema = "*")]
fn macro_explicit_crate(df: LocalDataFrame) -> LocalDataFrame {
    df
}

static OUT_ROWS: AtomicUsize = AtomicUsize::new(0);

#[fugue::output_transformer(name = "macro_count_rows", partitionby_has = "k")]
fn count_rows(df: LocalDataFrame) {
    OUT_ROWS.fetch_add(df.num_rows(), Ordering::SeqCst);
}

/// Rows of the first member plus rows of the second, one row per key.
#[fugue::cotransformer(schema = "n:long", name = "macro_pair_count")]
fn pair_count(dfs: DataFrames) -> Result<LocalDataFrame> {
    let mut n = 0i64;
    for i in 0..dfs.len() {
        n += dfs.get_index(i).map(|d| d.count()).transpose()?.unwrap_or(0) as i64;
    }
    LocalDataFrame::from_rows(vec![vec![Value::from(n)]], "n:long")
}

static CO_OUT_CALLS: AtomicUsize = AtomicUsize::new(0);

#[fugue::output_cotransformer(callback = "optional")]
fn macro_co_sink(_ctx: &TransformContext<'_>, _dfs: DataFrames) -> Result<()> {
    CO_OUT_CALLS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[fugue::processor(name = "macro_concat", input_has = "k")]
fn concat(ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
    let engine = ctx.engine()?;
    let mut it = dfs.iter().map(|(_, d)| d.clone());
    let first = it.next().expect("at least one input");
    it.try_fold(first, |acc, d| engine.union(&acc, &d, false))
}

static OUTPUT_ROWS: AtomicUsize = AtomicUsize::new(0);

#[fugue::outputter(input_has = "v")]
fn macro_sink(_ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
    for (_, d) in dfs.iter() {
        OUTPUT_ROWS.fetch_add(d.count()?, Ordering::SeqCst);
    }
    Ok(())
}

#[fugue::creator(name = "macro_make", version = "2")]
fn make(_ctx: &ExtensionContext) -> Result<DataFrameRef> {
    Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![Value::from(7i64)]], "x:long")?))
}

fn input() -> LocalDataFrame {
    LocalDataFrame::from_rows(
        vec![
            vec![Value::from("a"), Value::from(3i64)],
            vec![Value::from("b"), Value::from(1i64)],
            vec![Value::from("a"), Value::from(5i64)],
        ],
        "k:str,v:long",
    )
    .expect("frame")
}

fn sorted_rows(df: &LocalDataFrame) -> Vec<Vec<Value>> {
    let mut rows = df.rows().expect("rows");
    rows.sort_by_key(|r| format!("{r:?}"));
    rows
}

fn info(kind: ExtensionKind, name: &str) -> Option<ExtensionInfo> {
    registry::registered_extensions().into_iter().find(|e| e.kind == kind && e.name == name)
}

#[test]
fn wf_sig_8_the_function_stays_a_plain_function() {
    let out = rank(input()).expect("direct call");
    assert_eq!(out.num_rows(), 3);
    assert_eq!(out.schema().to_string(), "k:str,v:long,rn:long");
}

#[test]
fn wf_reg_1_macro_transformer_is_found_by_name_with_its_version_and_origin() {
    let t = registry::transformer_by_name("rank").expect("found by name");
    let expected = format!("{}:rank@1", ExtensionKind::Transformer);
    assert_eq!(t.identity(), expected, "WF-ID-5: kind:name@version");
    let rank = info(ExtensionKind::Transformer, "rank").expect("registered");
    assert_eq!(rank.version, "1", "WF-ID-5: the version is part of the identity");
    assert_eq!(rank.origin, "fugue", "the crate that registered it");
    // default name: the function's; default version: empty
    let param = info(ExtensionKind::Transformer, "macro_with_param").expect("default name");
    assert_eq!(param.version, "");
    for (kind, name) in [
        (ExtensionKind::Transformer, "macro_first_row"),
        (ExtensionKind::Transformer, "macro_explicit_crate"),
        (ExtensionKind::OutputTransformer, "macro_count_rows"),
        (ExtensionKind::CoTransformer, "macro_pair_count"),
        (ExtensionKind::OutputCoTransformer, "macro_co_sink"),
        (ExtensionKind::Processor, "macro_concat"),
        (ExtensionKind::Outputter, "macro_sink"),
        (ExtensionKind::Creator, "macro_make"),
    ] {
        assert!(info(kind, name).is_some(), "{kind} `{name}` is not registered");
    }
    assert_eq!(info(ExtensionKind::Creator, "macro_make").map(|i| i.version).as_deref(), Some("2"));
    // the name is the registry key, not the function name
    assert!(info(ExtensionKind::OutputTransformer, "count_rows").is_none());
}

#[test]
fn wf_reg_1_macro_transformer_runs_by_name_with_its_hint_and_rules() {
    let out: LocalDataFrame = api::transform(input(), "rank")
        .partition(("k", "v desc"))
        .engine("native")
        .run()
        .expect("run");
    assert_eq!(
        sorted_rows(&out),
        vec![
            vec![Value::from("a"), Value::from(3i64), Value::from(2i64)],
            vec![Value::from("a"), Value::from(5i64), Value::from(1i64)],
            vec![Value::from("b"), Value::from(1i64), Value::from(1i64)],
        ]
    );
    // `partitionby_has = "k"` travels with the registration (WF-VAL-1)
    let err = api::transform(input(), "rank").engine("native").run().expect_err("no partition");
    assert_eq!(err.kind(), ErrorKind::CompileValidation, "{err}");
}

#[test]
fn wf_sig_8_context_form_batch_form_and_explicit_crate_path() {
    let out: LocalDataFrame = api::transform(input(), "macro_with_param")
        .params([("p", 4i64)])
        .engine("native")
        .run()
        .expect("context form");
    assert!(sorted_rows(&out).iter().all(|r| r[2] == Value::from(4i64)));

    let out: LocalDataFrame = api::transform(input(), "macro_first_row")
        .partition("k")
        .engine("native")
        .run()
        .expect("batch form");
    assert_eq!(out.num_rows(), 2, "one row per key");
    // `input_has = "v:long"` is checked against the input (WF-VAL-5)
    let no_v = LocalDataFrame::from_rows(vec![vec![Value::from("a")]], "k:str").expect("frame");
    let err = api::transform(no_v, "macro_first_row").engine("native").run().expect_err("no v");
    assert_eq!(err.kind(), ErrorKind::RuntimeValidation, "{err}");

    let out: LocalDataFrame =
        api::transform(input(), "macro_explicit_crate").engine("native").run().expect("crate key");
    assert_eq!(out.num_rows(), 3);
}

#[test]
fn wf_reg_1_macro_output_transformer_and_cotransformers_run_by_name() {
    let before = OUT_ROWS.load(Ordering::SeqCst);
    api::out_transform(input(), "macro_count_rows")
        .partition("k")
        .engine("native")
        .run()
        .expect("out_transform");
    assert_eq!(OUT_ROWS.load(Ordering::SeqCst) - before, 3);

    let other =
        LocalDataFrame::from_rows(vec![vec![Value::from("a"), Value::from(1i64)]], "k:str,w:long")
            .expect("frame");
    let zipped = api::zip([input(), other]).partition("k").engine("native").run().expect("zip");
    let out = api::cotransform(zipped.clone(), "macro_pair_count")
        .engine("native")
        .run()
        .expect("cotransform")
        .as_local_bounded()
        .expect("local");
    // inner zip: only `a` is in both; 2 rows + 1 row
    assert_eq!(out.rows().expect("rows"), vec![vec![Value::from(3i64)]]);

    let before = CO_OUT_CALLS.load(Ordering::SeqCst);
    api::out_cotransform(zipped, "macro_co_sink").engine("native").run().expect("out_cotransform");
    assert_eq!(CO_OUT_CALLS.load(Ordering::SeqCst) - before, 1, "one call for the one key");
}

/// `api::process` / `api::output` take trait values; a registry lookup
/// gives a box, which this adapter forwards (rules included).
struct Boxed<T: ?Sized>(Box<T>);

impl Processor for Boxed<dyn Processor> {
    fn validation_rules(&self) -> Result<Vec<fugue::core::partition::ValidationRule>> {
        self.0.validation_rules()
    }
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        self.0.process(ctx, dfs)
    }
}

impl Outputter for Boxed<dyn Outputter> {
    fn validation_rules(&self) -> Result<Vec<fugue::core::partition::ValidationRule>> {
        self.0.validation_rules()
    }
    fn output(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        self.0.output(ctx, dfs)
    }
}

#[test]
fn wf_reg_1_macro_processor_outputter_creator_run_by_name() {
    // the driver-side calls run on the thread's context engine (ENG-CTX-2)
    let _native = fugue::EngineContextGuard::enter("native").expect("native");
    let p = Boxed(registry::processor_by_name("macro_concat").expect("processor"));
    let out = api::process([input(), input()], p).run().expect("process");
    assert_eq!(out.count().expect("count"), 6);
    // `input_has = "k"` is checked against every input (WF-PROC-1)
    let no_k = LocalDataFrame::from_rows(vec![vec![Value::from(1i64)]], "v:long").expect("frame");
    let p = Boxed(registry::processor_by_name("macro_concat").expect("processor"));
    let err = api::process([no_k.clone()], p).run().expect_err("no k");
    assert_eq!(err.kind(), ErrorKind::RuntimeValidation, "{err}");

    let before = OUTPUT_ROWS.load(Ordering::SeqCst);
    let o = Boxed(registry::outputter_by_name("macro_sink").expect("outputter"));
    api::output([input()], o).run().expect("output");
    assert_eq!(OUTPUT_ROWS.load(Ordering::SeqCst) - before, 3);
    let bad = LocalDataFrame::from_rows(vec![vec![Value::from("a")]], "k:str").expect("frame");
    let o = Boxed(registry::outputter_by_name("macro_sink").expect("outputter"));
    assert!(api::output([bad], o).run().is_err(), "`input_has = \"v\"` (WF-VAL-5)");

    let c = registry::creator_by_name("macro_make").expect("creator");
    let made = c.create(&ExtensionContext::new(fugue::Conf::empty(), None)).expect("create");
    assert_eq!(
        made.as_local_bounded().expect("local").rows().expect("rows"),
        vec![vec![Value::from(7i64)]]
    );
}
