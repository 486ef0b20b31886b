//! Running extensions on an engine (WF-TR-2..9, WF-COTR-1..7, WF-OTR-1..3,
//! WF-PROC-1..2, WF-OUT-1, WF-CREATE-1..2).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use fugue_core::engine::{CoMapFn, CoOnInitFn, EngineRef, MapFn, OnInitFn};
use fugue_core::partition::ValidationRule;
use fugue_core::{
    DataFrameRef, DataFrames, Error, LocalDataFrame, PartitionCursor, PartitionSpec, Result, Schema,
};
use serde_json::Value as Json;

use super::{
    CallbackUse, CoTransformer, ExtensionContext, IgnoreErrors, OutputCoTransformer, OutputSchema,
    OutputTransformer, Params, TransformContext, Transformer, validate_input, validate_partition,
};
use crate::rpc::RpcClient;

/// The schema of output transformers' internal map (WF-OTR-3).
pub(crate) const NO_DATA_SCHEMA: &str = "__output_no_data__:int";

/// What a transform call adds to the extension: params, schema, partition,
/// ignored errors, callback (WF-TR-1).
#[derive(Clone, Debug, Default)]
pub(crate) struct TransformSetup {
    pub params: Params,
    pub schema: Option<OutputSchema>,
    pub partition: PartitionSpec,
    pub ignore: IgnoreErrors,
    pub callback: Option<RpcClient>,
}

/// Compile-time checks of a transform call (WF-TR-2, WF-VAL-1..4, WF-RPC-3).
///
/// # Errors
/// `ERR-WF-COMPILE-VALIDATION`; `ERR-WF-INTERFACELESS` for a required
/// callback without a handler.
pub(crate) fn check_compile(
    rules: &[ValidationRule],
    spec: &PartitionSpec,
    callback_use: CallbackUse,
    has_callback: bool,
) -> Result<()> {
    if callback_use == CallbackUse::Required && !has_callback {
        return Err(Error::interfaceless(
            "the extension requires a callback but none was given: pass a handler with `.callback(..)` (WF-RPC-3)",
        ));
    }
    validate_partition(rules, spec)
}

/// One instance per physical partition, cloned from the configured one
/// (WF-TR-4).
struct Instances<T: ?Sized> {
    prototype: Box<T>,
    clone: fn(&T) -> Box<T>,
    by_partition: Mutex<HashMap<usize, Arc<Mutex<Box<T>>>>>,
}

impl<T: ?Sized> Instances<T> {
    fn new(prototype: Box<T>, clone: fn(&T) -> Box<T>) -> Arc<Self> {
        Arc::new(Instances { prototype, clone, by_partition: Mutex::new(HashMap::new()) })
    }

    fn get(&self, physical: usize) -> Arc<Mutex<Box<T>>> {
        let mut map = self.by_partition.lock().unwrap_or_else(PoisonError::into_inner);
        let clone = self.clone;
        map.entry(physical).or_insert_with(|| Arc::new(Mutex::new(clone(&self.prototype)))).clone()
    }
}

/// The `on_init` of a map or comap: builds the physical partition's cursor,
/// takes that partition's instance (created on first use) and runs `init`
/// on it (WF-TR-4, ENG-MAP-4, ENG-COMAP-5).
fn init_fn<T, D>(
    instances: Arc<Instances<T>>,
    ctx: Arc<ExtensionContext>,
    cursor: impl Fn(usize) -> Result<PartitionCursor> + Send + Sync + 'static,
    init: impl Fn(&mut T, &TransformContext<'_>, &D) -> Result<()> + Send + Sync + 'static,
) -> impl Fn(usize, &D) -> Result<()> + Send + Sync + 'static
where
    T: ?Sized + Send + Sync + 'static,
    D: ?Sized,
{
    move |no, data| {
        let cursor = cursor(no)?;
        let inst = instances.get(no);
        let mut t = inst.lock().unwrap_or_else(PoisonError::into_inner);
        init(&mut t, &TransformContext::new(&ctx, &cursor), data)
    }
}

/// The per-partition function of a map or comap: runs `call` on the
/// physical partition's instance; an error `ignore` matches gives an empty
/// frame with `out` (WF-TR-7).
fn call_fn<T, D>(
    instances: Arc<Instances<T>>,
    ctx: Arc<ExtensionContext>,
    ignore: IgnoreErrors,
    out: Schema,
    call: impl Fn(&mut T, &TransformContext<'_>, D) -> Result<LocalDataFrame> + Send + Sync + 'static,
) -> impl Fn(&PartitionCursor, D) -> Result<LocalDataFrame> + Send + Sync + 'static
where
    T: ?Sized + Send + Sync + 'static,
{
    move |cursor, data| {
        let inst = instances.get(cursor.physical_partition_no());
        let mut t = inst.lock().unwrap_or_else(PoisonError::into_inner);
        match call(&mut t, &TransformContext::new(&ctx, cursor), data) {
            Err(e) if ignore.matches(&e) => LocalDataFrame::empty(out.clone()),
            other => other,
        }
    }
}

fn context(engine: &EngineRef, setup: &TransformSetup, key_schema: Schema) -> ExtensionContext {
    ExtensionContext {
        params: setup.params.clone(),
        conf: engine.conf().clone(),
        partition_spec: setup.partition.clone(),
        key_schema,
        output_schema: None,
        callback: setup.callback.clone(),
        engine: None,
    }
}

/// Runs a transformer over `df` (WF-TR-3..8): run-time validation, key and
/// output schema on the driver, then `map_dataframe` with one instance per
/// physical partition, `on_init` first, ignored errors giving empty frames.
pub(crate) fn run_transformer(
    engine: &EngineRef,
    df: &DataFrameRef,
    tf: Box<dyn Transformer>,
    setup: &TransformSetup,
) -> Result<DataFrameRef> {
    let input_schema = df.schema().clone();
    let rules = tf.validation_rules()?;
    check_compile(&rules, &setup.partition, tf.callback_use(), setup.callback.is_some())?;
    validate_input(&rules, &input_schema)?;
    let key_schema = setup.partition.get_key_schema(&input_schema)?;
    let mut ctx = context(engine, setup, key_schema);
    let output_schema = match &setup.schema {
        Some(s) => s.resolve(&input_schema, &ctx.params)?,
        None => tf.output_schema(&input_schema, &ctx)?,
    };
    ctx.output_schema = Some(output_schema.clone());
    let ctx = Arc::new(ctx);
    let instances = Instances::new(tf, |t| t.clone_box());
    let (schema, spec) = (input_schema.clone(), setup.partition.clone());
    let on_init: OnInitFn = Arc::new(init_fn(
        instances.clone(),
        ctx.clone(),
        move |no| PartitionCursor::new(schema.clone(), &spec, no),
        |t: &mut dyn Transformer, c, df| t.on_init(c, df),
    ));
    let map: MapFn = Arc::new(call_fn(
        instances,
        ctx,
        setup.ignore.clone(),
        output_schema.clone(),
        |t: &mut dyn Transformer, c, df| t.transform(c, df),
    ));
    engine.map_dataframe(df, map, &output_schema, &setup.partition, Some(on_init))
}

/// Runs an output transformer eagerly over every partition (WF-OTR-1..3).
pub(crate) fn run_output_transformer(
    engine: &EngineRef,
    df: &DataFrameRef,
    tf: Box<dyn OutputTransformer>,
    setup: &TransformSetup,
) -> Result<()> {
    let input_schema = df.schema().clone();
    let rules = tf.validation_rules()?;
    check_compile(&rules, &setup.partition, tf.callback_use(), setup.callback.is_some())?;
    validate_input(&rules, &input_schema)?;
    let key_schema = setup.partition.get_key_schema(&input_schema)?;
    let mut ctx = context(engine, setup, key_schema);
    if let Some(s) = &setup.schema {
        ctx.output_schema = Some(s.resolve(&input_schema, &ctx.params)?);
    }
    let ctx = Arc::new(ctx);
    let no_data = Schema::parse(NO_DATA_SCHEMA)?;
    let instances = Instances::new(tf, |t| t.clone_box());
    let (schema, spec) = (input_schema.clone(), setup.partition.clone());
    let on_init: OnInitFn = Arc::new(init_fn(
        instances.clone(),
        ctx.clone(),
        move |no| PartitionCursor::new(schema.clone(), &spec, no),
        |t: &mut dyn OutputTransformer, c, df| t.on_init(c, df),
    ));
    let empty = no_data.clone();
    let map: MapFn = Arc::new(call_fn(
        instances,
        ctx,
        setup.ignore.clone(),
        no_data.clone(),
        move |t: &mut dyn OutputTransformer, c, df| {
            t.process(c, df)?;
            LocalDataFrame::empty(empty.clone())
        },
    ));
    let result = engine.map_dataframe(df, map, &no_data, &setup.partition, Some(on_init))?;
    // Eager (WF-OTR-2): materialise so every partition is processed.
    result.as_local_bounded().map(drop)
}

/// The zipped inputs of a zip result as empty frames (WF-COTR-3), and the
/// zip keys; `ERR-WF-COMPILE` when `df` is not a zip result (WF-COTR-1).
pub(crate) fn zip_structure(df: &DataFrameRef) -> Result<(DataFrames, Schema)> {
    let meta = df.metadata();
    if meta.get("serialized").and_then(Json::as_bool) != Some(true) {
        return Err(Error::wf_compile(
            "a cotransformer needs a zipped frame (`api::zip(..)`), and this frame is not one (WF-COTR-1)",
        ));
    }
    let has_name = meta.get("serialized_has_name").and_then(Json::as_bool).unwrap_or(false);
    let mut members = Vec::new();
    if let Some(map) = meta.get("schemas").and_then(Json::as_object) {
        for (name, text) in map {
            let text = text.as_str().ok_or_else(|| Error::arg("df", "bad zip schema metadata"))?;
            let empty = LocalDataFrame::empty(Schema::parse(text)?)?;
            members.push((name.clone(), Arc::new(empty) as DataFrameRef));
        }
    }
    let dfs = if has_name {
        DataFrames::named(members)?
    } else {
        DataFrames::list(members.into_iter().map(|(_, d)| d))
    };
    let keys: Vec<String> = meta
        .get("keys")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let key_names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let key_schema = df.schema().extract(&key_names)?;
    Ok((dfs, key_schema))
}

/// Refuses a plain frame for a transformer when it is a zip result
/// (WF-COTR-1: a transformer on a zipped frame is invalid).
pub(crate) fn check_not_zipped(df: &DataFrameRef) -> Result<()> {
    if df.metadata().get("serialized").and_then(Json::as_bool) == Some(true) {
        return Err(Error::wf_compile(
            "a transformer cannot run on a zipped frame: use a cotransformer (WF-COTR-1)",
        ));
    }
    Ok(())
}

/// Refuses validation rules on cotransformers (WF-COTR-7). Checked by the
/// runner, so a schema given with the call (which skips the extension's
/// own `output_schema`) cannot hide the rules.
fn check_no_cotransformer_rules(rules: &[ValidationRule]) -> Result<()> {
    if rules.is_empty() {
        Ok(())
    } else {
        Err(Error::not_supported("validation rules on cotransformers (WF-COTR-7, WF-EXT-5)"))
    }
}

/// Runs a cotransformer over a zipped frame (WF-COTR-1..7, ENG-COMAP).
pub(crate) fn run_cotransformer(
    engine: &EngineRef,
    df: &DataFrameRef,
    tf: Box<dyn CoTransformer>,
    setup: &TransformSetup,
) -> Result<DataFrameRef> {
    let (empty, key_schema) = zip_structure(df)?;
    check_no_cotransformer_rules(&tf.validation_rules()?)?;
    check_compile(&[], &setup.partition, tf.callback_use(), setup.callback.is_some())?;
    let mut ctx = context(engine, setup, key_schema.clone());
    let output_schema = match &setup.schema {
        Some(s) => s.resolve_without_input(&ctx.params)?,
        None => tf.output_schema(&empty, &ctx)?,
    };
    ctx.output_schema = Some(output_schema.clone());
    let ctx = Arc::new(ctx);
    let instances = Instances::new(tf, |t| t.clone_box());
    let row_schema = df.schema().clone();
    let on_init: CoOnInitFn = Arc::new(init_fn(
        instances.clone(),
        ctx.clone(),
        move |no| Ok(PartitionCursor::with_key_schema(row_schema.clone(), key_schema.clone(), no)),
        |t: &mut dyn CoTransformer, c, dfs| t.on_init(c, dfs),
    ));
    let map: CoMapFn = Arc::new(call_fn(
        instances,
        ctx,
        setup.ignore.clone(),
        output_schema.clone(),
        |t: &mut dyn CoTransformer, c, dfs| t.transform(c, dfs),
    ));
    engine.comap(df, map, &output_schema, &setup.partition, Some(on_init))
}

/// Runs an output cotransformer eagerly (WF-OTR-1, WF-EXT-7).
pub(crate) fn run_output_cotransformer(
    engine: &EngineRef,
    df: &DataFrameRef,
    tf: Box<dyn OutputCoTransformer>,
    setup: &TransformSetup,
) -> Result<()> {
    let (_empty, key_schema) = zip_structure(df)?;
    check_no_cotransformer_rules(&tf.validation_rules()?)?;
    check_compile(&[], &setup.partition, tf.callback_use(), setup.callback.is_some())?;
    let ctx = Arc::new(context(engine, setup, key_schema.clone()));
    let no_data = Schema::parse(NO_DATA_SCHEMA)?;
    let instances = Instances::new(tf, |t| t.clone_box());
    let row_schema = df.schema().clone();
    let on_init: CoOnInitFn = Arc::new(init_fn(
        instances.clone(),
        ctx.clone(),
        move |no| Ok(PartitionCursor::with_key_schema(row_schema.clone(), key_schema.clone(), no)),
        |t: &mut dyn OutputCoTransformer, c, dfs| t.on_init(c, dfs),
    ));
    let empty = no_data.clone();
    let map: CoMapFn = Arc::new(call_fn(
        instances,
        ctx,
        setup.ignore.clone(),
        no_data.clone(),
        move |t: &mut dyn OutputCoTransformer, c, dfs| {
            t.process(c, dfs)?;
            LocalDataFrame::empty(empty.clone())
        },
    ));
    let result = engine.comap(df, map, &no_data, &setup.partition, Some(on_init))?;
    result.as_local_bounded().map(drop)
}

/// Driver-side checks of processors and outputters (WF-PROC-1, WF-OUT-1):
/// compile rules against the spec, run-time rules against every input.
pub(crate) fn check_driver_rules(
    rules: &[ValidationRule],
    spec: &PartitionSpec,
    dfs: &DataFrames,
) -> Result<()> {
    validate_partition(rules, spec)?;
    dfs.values().try_for_each(|d| validate_input(rules, d.schema()))
}

/// The context of a driver-side extension (WF-CTX-1..6, WF-CTX-9).
pub(crate) fn driver_context(
    engine: &EngineRef,
    params: Params,
    spec: PartitionSpec,
    output_schema: Option<Schema>,
) -> ExtensionContext {
    ExtensionContext {
        params,
        conf: engine.conf().clone(),
        partition_spec: spec,
        key_schema: Schema::empty(),
        output_schema,
        callback: None,
        engine: Some(engine.clone()),
    }
}
