//! Validation rules (WF-VAL-1..10): each rule passing and failing,
//! compile-time rules (ERR-WF-COMPILE-VALIDATION, before any data moves)
//! versus input rules (ERR-WF-RUNTIME-VALIDATION), bad rules, and the
//! rules of processors and outputters on every input (CHECKLIST B39–B41).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fugue_api::api;
use fugue_api::extension::{
    ExtensionContext, Outputter, Processor, TransformContext, Transformer, parse_rules, transformer,
};
use fugue_core::partition::ValidationRule;
use fugue_core::{DataFrameRef, DataFrames, Schema};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!(
            "validation/partitionby",
            ["WF-VAL-1", "WF-VAL-2", "WF-VAL-9", "WF-TR-2"],
            partitionby
        ),
        case!("validation/presort", ["WF-VAL-3", "WF-VAL-4", "WF-TR-2"], presort),
        case!("validation/input", ["WF-VAL-5", "WF-VAL-6", "WF-TR-3"], input),
        case!("validation/bad_rules", ["WF-VAL-7"], bad_rules),
        case!("validation/trait_rules", ["WF-VAL-10", "WF-VAL-1", "WF-VAL-5"], trait_rules),
        case!(
            "validation/processor_outputter",
            ["WF-PROC-1", "WF-OUT-1", "WF-VAL-5", "WF-VAL-9"],
            processor_outputter
        ),
    ]
}

/// `k:str,j:int,v:long,w:int`.
fn kjvw() -> Result<LocalDataFrame, String> {
    local(
        vec![
            vec![s("a"), i(1), l(1), i(0)],
            vec![s("a"), i(2), l(3), i(1)],
            vec![s("b"), i(1), l(2), i(0)],
        ],
        "k:str,j:int,v:long,w:int",
    )
}

/// Runs the identity closure with `rule` under `spec`; counts calls.
fn run_rule(
    e: &EngineRef,
    rule: (&str, &str),
    spec: Option<&str>,
    calls: &Arc<AtomicUsize>,
) -> Result<LocalDataFrame> {
    let c = calls.clone();
    let t = transformer(move |df: LocalDataFrame| {
        c.fetch_add(1, Ordering::SeqCst);
        df
    })
    .schema("*")
    .rule(rule.0, rule.1);
    let df = kjvw().map_err(Error::user)?;
    let call = api::transform(df, t).engine(e.clone());
    match spec {
        Some(p) => {
            let spec: fugue_core::PartitionSpec = fugue_core::PartitionSpec::parse(p)?;
            call.partition(spec).run()
        }
        None => call.run(),
    }
}

fn pass(e: &EngineRef, rule: (&str, &str), spec: Option<&str>) -> CaseResult {
    let calls = Arc::new(AtomicUsize::new(0));
    let out = ok(run_rule(e, rule, spec, &calls), &format!("{rule:?} under {spec:?} should pass"))?;
    check(out.num_rows() == 3, || format!("{rule:?}: {} rows", out.num_rows()))
}

fn fail(e: &EngineRef, rule: (&str, &str), spec: Option<&str>, kind: ErrorKind) -> CaseResult {
    let calls = Arc::new(AtomicUsize::new(0));
    expect_kind(run_rule(e, rule, spec, &calls), kind, &format!("{rule:?} under {spec:?}"))?;
    // checked before any data moves
    check(calls.load(Ordering::SeqCst) == 0, || {
        format!(
            "{rule:?}: the function ran {} times before the rule failed",
            calls.load(Ordering::SeqCst)
        )
    })
}

const COMPILE: ErrorKind = ErrorKind::CompileValidation;
const RUNTIME: ErrorKind = ErrorKind::RuntimeValidation;

// B39
fn partitionby(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    pass(&e, ("partitionby_has", "k"), Some(r#"{"by": ["k"]}"#))?;
    pass(&e, ("partitionby_has", " k , j "), Some(r#"{"by": ["j", "k"]}"#))?;
    fail(&e, ("partitionby_has", "k"), None, COMPILE)?;
    fail(&e, ("partitionby_has", "k,j"), Some(r#"{"by": ["k"]}"#), COMPILE)?;
    // partitionby_is: same keys, any order; not a superset
    pass(&e, ("partitionby_is", "k,j"), Some(r#"{"by": ["j", "k"]}"#))?;
    fail(&e, ("partitionby_is", "k"), Some(r#"{"by": ["j", "k"]}"#), COMPILE)?;
    fail(&e, ("partitionby_is", "k,j"), Some(r#"{"by": ["k"]}"#), COMPILE)
}

fn presort(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let spec = Some(r#"{"by": ["k"], "presort": "v desc, w"}"#);
    pass(&e, ("presort_has", "v desc"), spec)?;
    pass(&e, ("presort_has", "w"), spec)?;
    fail(&e, ("presort_has", "v"), spec, COMPILE)?;
    fail(&e, ("presort_has", "j"), spec, COMPILE)?;
    pass(&e, ("presort_is", "v desc,w asc"), spec)?;
    fail(&e, ("presort_is", "w, v desc"), spec, COMPILE)?;
    fail(&e, ("presort_is", "v desc"), spec, COMPILE)?;
    fail(&e, ("presort_has", "v desc"), None, COMPILE)
}

fn input(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    pass(&e, ("input_has", "v"), None)?;
    pass(&e, ("input_has", "v:long, k:str"), None)?;
    fail(&e, ("input_has", "x"), None, RUNTIME)?;
    fail(&e, ("input_has", "v:int"), None, RUNTIME)?;
    pass(&e, ("input_is", "k:str,j:int,v:long,w:int"), None)?;
    fail(&e, ("input_is", "j:int,k:str,v:long,w:int"), None, RUNTIME)?;
    fail(&e, ("input_is", "k:str,j:int,v:long"), None, RUNTIME)
}

// WF-VAL-7
fn bad_rules(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    fail(&e, ("partitionby_has", ""), Some("k"), ErrorKind::SchemaSyntax)?;
    fail(&e, ("input_is", "a:"), None, ErrorKind::SchemaSyntax)?;
    fail(&e, ("no_such_rule", "k"), None, ErrorKind::NotSupported)?;
    expect_kind(parse_rules([("input_has", "")]), ErrorKind::SchemaSyntax, "parse_rules empty")?;
    expect_kind(
        parse_rules([("partition_by", "k")]),
        ErrorKind::NotSupported,
        "parse_rules unknown",
    )
}

/// A trait transformer with rules (WF-VAL-10: rules from the trait).
#[derive(Clone)]
struct Ruled;

impl Transformer for Ruled {
    fn output_schema(&self, input: &Schema, _ctx: &ExtensionContext) -> Result<Schema> {
        Ok(input.clone())
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        parse_rules([("partitionby_has", "k"), ("input_has", "v:long")])
    }
    fn transform(
        &mut self,
        _ctx: &TransformContext<'_>,
        df: LocalDataFrame,
    ) -> Result<LocalDataFrame> {
        Ok(df)
    }
}

fn trait_rules(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let out =
        ok(api::transform(kjvw()?, Ruled).partition("k").engine(e.clone()).run(), "rules met")?;
    check(out.num_rows() == 3, || format!("{} rows", out.num_rows()))?;
    expect_kind(api::transform(kjvw()?, Ruled).engine(e.clone()).run(), COMPILE, "no partition")?;
    let no_v = local(vec![vec![s("a")]], "k:str")?;
    expect_kind(api::transform(no_v, Ruled).partition("k").engine(e.clone()).run(), RUNTIME, "no v")
}

/// A processor with rules: the union of its inputs' `k` column.
struct KeysProcessor;

impl Processor for KeysProcessor {
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        parse_rules([("partitionby_has", "k"), ("input_has", "k:str")])
    }
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef> {
        let mut rows = Vec::new();
        for df in dfs.values() {
            rows.extend(df.as_local_bounded()?.rows_of(Some(&["k"]))?);
        }
        Ok(Arc::new(LocalDataFrame::from_rows(rows, "k:str")?) as DataFrameRef)
            .and_then(|d| ctx.engine()?.to_df(&d))
    }
}

/// An outputter with an input rule (`api::output` takes no partition spec,
/// so it carries no partition rule here).
struct KeysOutputter(Arc<AtomicUsize>);

impl Outputter for KeysOutputter {
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        parse_rules([("input_has", "k:str")])
    }
    fn output(&self, _ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        self.0.fetch_add(dfs.len(), Ordering::SeqCst);
        Ok(())
    }
}

// B40, B41: every input is checked; the compile rule needs the partition
fn processor_outputter(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let a = kjvw()?;
    let b = local(vec![vec![s("c"), l(9)]], "k:str,v:long")?;
    let no_k = local(vec![vec![l(9)]], "v:long")?;
    let out = ok(
        api::process([a.clone(), b.clone()], KeysProcessor).partition("k").engine(e.clone()).run(),
        "processor",
    )?;
    eq(
        out.as_ref(),
        vec![vec![s("a")], vec![s("a")], vec![s("b")], vec![s("c")]],
        "k:str",
        "processor",
    )?;
    expect_kind(
        api::process([a.clone(), b.clone()], KeysProcessor).engine(e.clone()).run(),
        COMPILE,
        "processor without partition",
    )?;
    expect_kind(
        api::process([a.clone(), no_k.clone()], KeysProcessor)
            .partition("k")
            .engine(e.clone())
            .run(),
        RUNTIME,
        "processor: the second input lacks k",
    )?;
    // the outputter: output() takes the context engine
    let seen = Arc::new(AtomicUsize::new(0));
    let r = ok(
        fugue_api::engine_context(e.clone(), || {
            let second_bad =
                fugue_api::api::output([a.clone(), no_k.clone()], KeysOutputter(seen.clone()))
                    .run();
            let good =
                fugue_api::api::output([a.clone(), b.clone()], KeysOutputter(seen.clone())).run();
            (second_bad, good)
        }),
        "engine_context",
    )?;
    expect_kind(r.0, RUNTIME, "outputter: the second input lacks k")?;
    ok(r.1, "outputter over valid inputs")?;
    check(seen.load(Ordering::SeqCst) == 2, || {
        format!(
            "the outputter saw {} inputs, expected 2 (and none of the invalid call)",
            seen.load(Ordering::SeqCst)
        )
    })
}
