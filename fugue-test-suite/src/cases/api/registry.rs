//! Extensions by name (WF-REG-1, WF-ID-5; CHECKLIST B42): run-time
//! registration, duplicates, unknown names with a did-you-mean, and a
//! link-time `register_transformer!` used by name.
//!
//! Names are prefixed `api_suite_` and used by one case each, so cases do
//! not race on the process-wide registry.

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use fugue_api::api;
use fugue_api::extension::closure::FnTransformer;
use fugue_api::extension::{ExtensionContext, ExtensionKind, Params, transformer};
use fugue_api::registry;
use fugue_core::DataFrameRef;
use fugue_core::conf::OnDup;

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("registry/runtime", ["WF-REG-1", "WF-ID-5"], runtime),
        case!("registry/unknown_name", ["WF-REG-1", "WF-TR-2"], unknown_name),
        case!("registry/link_time", ["WF-REG-1", "WF-ID-5"], link_time),
        case!("registry/other_kinds", ["WF-REG-1", "WF-EXT-1", "WF-EXT-2"], other_kinds),
    ]
}

/// The first row of each partition, schema unchanged.
fn first_row() -> FnTransformer {
    transformer(|b: RecordBatch| b.slice(0, 1)).schema("*")
}

fugue_api::register_transformer!("api_suite_link_first_row", "1.0", first_row);

fn runtime(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let name = "api_suite_runtime_double";
    let double = transformer(|rows: Vec<Row>| -> Result<Vec<Row>> {
        rows.into_iter().map(|r| Ok(vec![r[0].clone(), l(as_i64(&r[1])? * 2)])).collect()
    })
    .schema("*");
    ok(registry::register_transformer(name, double.clone(), OnDup::Throw), "register")?;
    let out = ok(api::transform(kv()?, name).engine(e.clone()).run(), "transform by name")?;
    eq(
        &out,
        vec![vec![s("a"), l(2)], vec![s("a"), l(6)], vec![s("b"), l(4)]],
        "k:str,v:long",
        "by name",
    )?;
    // a duplicate with OnDup::Throw is ERR-EXISTS; Ignore keeps the first
    expect_kind(
        registry::register_transformer(name, first_row(), OnDup::Throw),
        ErrorKind::AlreadyExists,
        "duplicate",
    )?;
    ok(registry::register_transformer(name, first_row(), OnDup::Ignore), "ignore")?;
    let out = ok(api::transform(kv()?, name).engine(e.clone()).run(), "after ignore")?;
    check(out.num_rows() == 3, || "OnDup::Ignore replaced the registered transformer".into())?;
    // Overwrite replaces it
    ok(registry::register_transformer(name, first_row(), OnDup::Overwrite), "overwrite")?;
    let out =
        ok(api::transform(kv()?, name).partition("k").engine(e.clone()).run(), "after overwrite")?;
    check(out.num_rows() == 2, || {
        format!("after overwrite: {} rows, expected one per key", out.num_rows())
    })?;
    // a link-time name cannot be registered again with Throw
    expect_kind(
        registry::register_transformer("api_suite_link_first_row", first_row(), OnDup::Throw),
        ErrorKind::AlreadyExists,
        "duplicate of a link-time name",
    )?;
    expect_kind(
        registry::register_transformer("  ", first_row(), OnDup::Throw),
        ErrorKind::InvalidArgument,
        "empty name",
    )
}

fn unknown_name(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    ok(
        registry::register_transformer("api_suite_close_name", first_row(), OnDup::Overwrite),
        "register",
    )?;
    expect_kind_with(
        api::transform(kv()?, "api_suite_close_nam").engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        &["api_suite_close_nam", "did you mean `api_suite_close_name`"],
        "unknown name",
    )?;
    // the right name of another kind is named as such
    expect_kind_with(
        api::cotransform(kv()?, "api_suite_close_name").engine(e.clone()).run(),
        ErrorKind::Interfaceless,
        &["is a Transformer"],
        "name of another kind",
    )
}

fn link_time(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    let infos = registry::registered_extensions();
    let info = infos
        .iter()
        .find(|i| i.name == "api_suite_link_first_row" && i.kind == ExtensionKind::Transformer)
        .ok_or_else(|| "the link-time transformer is not in registered_extensions()".to_string())?;
    check(info.version == "1.0" && info.origin == "fugue-test-suite", || format!("info {info:?}"))?;
    check(registry::duplicate_extensions().is_empty(), || {
        format!("duplicate link-time extensions: {:?}", registry::duplicate_extensions())
    })?;
    let out = ok(
        api::transform(kv()?, "api_suite_link_first_row")
            .partition(("k", "v desc"))
            .engine(e.clone())
            .run(),
        "link-time by name",
    )?;
    eq(
        &out,
        vec![vec![s("a"), l(3)], vec![s("b"), l(2)]],
        "k:str,v:long",
        "first row per key by name",
    )
}

// processors and creators by name, built from the name alone
fn other_kinds(ctx: &Ctx) -> CaseResult {
    let e = eng(ctx)?;
    ok(
        registry::register_creator(
            "api_suite_creator",
            || {
                |c: &ExtensionContext| -> Result<DataFrameRef> {
                    let n: i64 = c.params().get("n", 1)?;
                    Ok(Arc::new(LocalDataFrame::from_rows(vec![vec![l(n)]], "n:long")?)
                        as DataFrameRef)
                }
            },
            OnDup::Throw,
        ),
        "register creator",
    )?;
    let creator = ok(registry::creator_by_name("api_suite_creator"), "creator by name")?;
    let params = Params::from_pairs([("n", 5)]);
    let df = ok(creator.create(&ExtensionContext::new(params, Some(e.clone()))), "create")?;
    eq(df.as_ref(), vec![vec![l(5)]], "n:long", "creator by name")?;
    expect_kind(
        registry::processor_by_name("api_suite_creator").map(|_| ()),
        ErrorKind::Interfaceless,
        "a creator's name as a processor",
    )
}
