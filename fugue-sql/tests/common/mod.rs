//! The fixtures the fugue-sql test files share, registered once per test
//! binary by [`fixtures`]: those of FSQL-EX §7.1 the tests need (`t_first`,
//! `t_cb`, `ct_sizes`, `c_range`, `p_union`, `p_names`, `o_count`,
//! `cb_sum`, `m_split`) and test-only extensions (`t_same`, `ot_count`,
//! `ct_names`, `oct_groups`, `m_first`, `m_none`, `m_keys`); plus the
//! helpers reading a run's yields. The FSQL-EX examples themselves are the
//! suite group `fsql/` of `fugue-test-suite`.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, PoisonError};

use fugue_api::api;
use fugue_api::extension::closure::{cotransformer, transformer};
use fugue_api::extension::{ExtensionContext, TransformContext};
use fugue_core::conf::OnDup;
use fugue_core::{DataFrame, DataFrameRef, DataFrames, LocalDataFrame, Result, Value};
use fugue_sql::WorkflowResult;
use fugue_workflow::SqlPiece;
use fugue_workflow::module::{
    InputShape, ModuleInput, ModuleOutput, OutputShape, WorkflowFrames, module, register_module,
};

/// What `o_count` saw: (input key, row count) per input (FSQL-EX §7.1).
pub static O_COUNT_LOG: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());

/// The rows seen by the output transformer `ot_count`.
pub static OT_ROWS: AtomicUsize = AtomicUsize::new(0);

/// The `cb_sum` total (FSQL-EX §7.1).
pub static CB_TOTAL: AtomicI64 = AtomicI64::new(0);

/// Serialises the tests that read [`CB_TOTAL`].
pub static CB_LOCK: Mutex<()> = Mutex::new(());

/// The zip groups seen by the output cotransformer `oct_groups`.
pub static OCT_GROUPS: AtomicI64 = AtomicI64::new(0);

/// Registers every fixture once per test binary.
pub fn fixtures() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        register_transformers();
        register_creator_processors_outputters();
        register_modules();
    });
}

/// The rows of the yield `name`, sorted (multiset comparison).
pub fn rows(r: &WorkflowResult, name: &str) -> Result<Vec<Vec<Value>>> {
    let mut rows = api::as_local(r.get(name)?.clone())?.rows()?;
    rows.sort_by_key(|r| format!("{r:?}"));
    Ok(rows)
}

/// The schema of the yield `name` as text.
pub fn schema(r: &WorkflowResult, name: &str) -> Result<String> {
    Ok(api::as_local(r.get(name)?.clone())?.schema().to_string())
}

/// `t_first` (schema `*`, the first row of each partition), `t_same` (no
/// schema, its input), `t_cb` (schema `*`, optional callback called with
/// the row count), `ct_sizes` (`n0:long,n1:long`, the row counts of zip
/// members 0 and 1), `ct_names` (`name:str`, the zip member names),
/// `oct_groups` (output cotransformer counting its calls in
/// [`OCT_GROUPS`]), `ot_count` (output transformer adding its partition
/// sizes to [`OT_ROWS`]).
fn register_transformers() {
    use fugue_api::registry as reg;
    let t = transformer(|d: LocalDataFrame| d.slice(0, 1)).schema("*");
    reg::register_transformer("t_first", t, OnDup::Overwrite).expect("register t_first");
    let id = transformer(|d: LocalDataFrame| Ok(d));
    reg::register_transformer("t_same", id, OnDup::Overwrite).expect("register t_same");
    let t_cb =
        transformer(|c: &TransformContext<'_>, d: LocalDataFrame| -> Result<LocalDataFrame> {
            if c.has_callback() {
                let n = i64::try_from(d.count()?).unwrap_or(i64::MAX);
                c.callback::<_, i64>(n)?;
            }
            Ok(d)
        })
        .schema("*")
        .optional_callback();
    reg::register_transformer("t_cb", t_cb, OnDup::Overwrite).expect("register t_cb");
    let ct = cotransformer(|dfs: DataFrames| -> Result<Vec<Vec<Value>>> {
        let n = |k: usize| -> Result<Value> {
            let d = dfs.get_index(k).ok_or_else(|| fugue_core::Error::arg("ct_sizes", "member"))?;
            Ok(Value::Int64(i64::try_from(d.count()?).unwrap_or(i64::MAX)))
        };
        Ok(vec![vec![n(0)?, n(1)?]])
    })
    .schema("n0:long,n1:long");
    reg::register_cotransformer("ct_sizes", ct, OnDup::Overwrite).expect("register ct_sizes");
    let names = cotransformer(|dfs: DataFrames| -> Vec<Vec<Value>> {
        dfs.keys().map(|k| vec![Value::from(k)]).collect()
    })
    .schema("name:str");
    reg::register_cotransformer("ct_names", names, OnDup::Overwrite).expect("register ct_names");
    reg::register_output_cotransformer(
        "oct_groups",
        fugue_api::extension::closure::output_cotransformer(|_dfs: DataFrames| {
            OCT_GROUPS.fetch_add(1, Ordering::SeqCst);
        }),
        OnDup::Overwrite,
    )
    .expect("register oct_groups");
    reg::register_output_transformer(
        "ot_count",
        fugue_api::extension::closure::output_transformer(|rows: Vec<fugue_core::Row>| {
            OT_ROWS.fetch_add(rows.len(), Ordering::SeqCst);
        }),
        OnDup::Overwrite,
    )
    .expect("register ot_count");
}

/// `c_range` (`a:long`, rows 0..n-1, n default 2), `p_union` (all rows of
/// its inputs in input order), `p_names` (`name:str`, one row per input
/// key), `o_count` (appends (key, row count) per input to
/// [`O_COUNT_LOG`]), `cb_sum` (adds its argument to [`CB_TOTAL`], returns
/// the total).
fn register_creator_processors_outputters() {
    use fugue_api::registry as reg;
    reg::register_creator(
        "c_range",
        || {
            |ctx: &ExtensionContext| -> Result<DataFrameRef> {
                let n: i64 = ctx.params().get("n", 2i64)?;
                let rows = (0..n).map(|i| vec![Value::Int64(i)]).collect();
                Ok(Arc::new(LocalDataFrame::from_rows(rows, "a:long")?))
            }
        },
        OnDup::Overwrite,
    )
    .expect("register c_range");
    reg::register_processor(
        "p_union",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let mut all = Vec::new();
                let mut schema = None;
                for d in dfs.values() {
                    let l = api::as_local(d.clone())?;
                    schema.get_or_insert_with(|| l.schema().clone());
                    all.extend(l.rows()?);
                }
                let schema = schema.ok_or_else(|| fugue_core::Error::arg("p_union", "no input"))?;
                Ok(Arc::new(LocalDataFrame::from_rows(all, schema)?))
            }
        },
        OnDup::Overwrite,
    )
    .expect("register p_union");
    reg::register_processor(
        "p_names",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<DataFrameRef> {
                let rows = dfs.keys().map(|k| vec![Value::from(k)]).collect();
                Ok(Arc::new(LocalDataFrame::from_rows(rows, "name:str")?))
            }
        },
        OnDup::Overwrite,
    )
    .expect("register p_names");
    reg::register_outputter(
        "o_count",
        || {
            |_c: &ExtensionContext, dfs: DataFrames| -> Result<()> {
                for (k, d) in dfs.iter() {
                    let n = api::count(d.clone())?;
                    O_COUNT_LOG
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((k.to_string(), n));
                }
                Ok(())
            }
        },
        OnDup::Overwrite,
    )
    .expect("register o_count");
    reg::register_callback(
        "cb_sum",
        fugue_api::rpc::handler(|n: i64| Ok(CB_TOTAL.fetch_add(n, Ordering::SeqCst) + n)),
        OnDup::Overwrite,
    )
    .expect("register cb_sum");
}

/// `m_split` (one frame in, {lo: rows with a < 2, hi: rows with a >= 2}
/// out, FSQL-EX §7.1), `m_first` (one frame in, its first `n` rows by `a`
/// out), `m_none` (nothing in, nothing out), `m_keys` (several frames in,
/// one row per key received, in order).
fn register_modules() {
    let split = module(InputShape::One, OutputShape::Collection, |dag, input, _params| {
        let ModuleInput::One(df) = input else {
            return Err(fugue_core::Error::arg("m_split", "one frame expected"));
        };
        let part = |cond: &str| {
            dag.select(vec![
                SqlPiece::from("SELECT * FROM"),
                SqlPiece::from(&df),
                SqlPiece::Text(format!("WHERE {cond}")),
            ])
        };
        let mut m = indexmap::IndexMap::new();
        m.insert("lo".to_string(), part("a < 2")?);
        m.insert("hi".to_string(), part("a >= 2")?);
        Ok(ModuleOutput::Collection(WorkflowFrames::Dict(m)))
    });
    register_module("m_split", split, OnDup::Overwrite).expect("register m_split");
    let first = module(InputShape::One, OutputShape::One, |_dag, input, params| {
        let ModuleInput::One(df) = input else {
            return Err(fugue_core::Error::arg("m_first", "one frame expected"));
        };
        let n = params.get::<i64>("n", 1)?;
        let n = usize::try_from(n).map_err(|_| fugue_core::Error::arg("n", "negative"))?;
        Ok(ModuleOutput::One(df.take(n, "a", fugue_core::engine::NaPosition::Last)?))
    });
    register_module("m_first", first, OnDup::Overwrite).expect("register m_first");
    let none =
        module(InputShape::None, OutputShape::None, |_dag, _input, _params| Ok(ModuleOutput::None));
    register_module("m_none", none, OnDup::Overwrite).expect("register m_none");
    let keys = module(InputShape::Several, OutputShape::One, |dag, input, _params| {
        let ModuleInput::Several(fs) = input else {
            return Err(fugue_core::Error::arg("m_keys", "several frames expected"));
        };
        let rows = fs.iter().into_iter().map(|(k, _)| vec![Value::from(k)]).collect();
        Ok(ModuleOutput::One(dag.df(LocalDataFrame::from_rows(rows, "key:str")?)?))
    });
    register_module("m_keys", keys, OnDup::Overwrite).expect("register m_keys");
}
