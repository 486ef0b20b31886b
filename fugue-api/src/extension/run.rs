//! Running extensions on an engine (WF-TR-2..9, WF-COTR-1..7, WF-OTR-1..3,
//! WF-PROC-1..2, WF-OUT-1, WF-CREATE-1..2).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use fugue_core::engine::portable::{BuiltMap, MapRecipe};
use fugue_core::engine::{CoMapFn, CoOnInitFn, EngineRef, MapFn, OnInitFn};
use fugue_core::partition::ValidationRule;
use fugue_core::{
    DataFrameRef, DataFrames, Error, LocalDataFrame, PartitionCursor, PartitionSpec, Result, Schema,
};
use serde_json::Value as Json;

use super::{
    CallbackUse, CoTransformer, ExtensionContext, ExtensionKind, IgnoreErrors, OutputCoTransformer,
    OutputSchema, OutputTransformer, Params, TransformContext, Transformer, validate_input,
    validate_partition,
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

/// Map functions over one instance of `proto` per physical partition:
/// `init` on it first, then `call` per logical partition, errors `ignore`
/// matches giving empty `output_schema` frames (WF-TR-4, WF-TR-7).
#[allow(clippy::too_many_arguments)]
fn instance_map<T: ?Sized + Send + Sync + 'static>(
    proto: Box<T>,
    clone: fn(&T) -> Box<T>,
    ctx: Arc<ExtensionContext>,
    ignore: IgnoreErrors,
    input_schema: Schema,
    output_schema: Schema,
    init: impl Fn(&mut T, &TransformContext<'_>, &LocalDataFrame) -> Result<()> + Send + Sync + 'static,
    call: impl Fn(&mut T, &TransformContext<'_>, LocalDataFrame) -> Result<LocalDataFrame>
    + Send
    + Sync
    + 'static,
) -> BuiltMap {
    let instances = Instances::new(proto, clone);
    let spec = ctx.partition_spec.clone();
    let on_init: OnInitFn = Arc::new(init_fn(
        instances.clone(),
        ctx.clone(),
        move |no| PartitionCursor::new(input_schema.clone(), &spec, no),
        init,
    ));
    let map_fn: MapFn = Arc::new(call_fn(instances, ctx, ignore, output_schema, call));
    BuiltMap { map_fn, on_init: Some(on_init) }
}

/// The map functions of a transformer (`ctx` has the output schema set).
fn transformer_map(
    tf: Box<dyn Transformer>,
    ctx: Arc<ExtensionContext>,
    ignore: IgnoreErrors,
    input_schema: Schema,
    output_schema: Schema,
) -> BuiltMap {
    instance_map(
        tf,
        |t| t.clone_box(),
        ctx,
        ignore,
        input_schema,
        output_schema,
        |t: &mut dyn Transformer, c, df| t.on_init(c, df),
        |t: &mut dyn Transformer, c, df| t.transform(c, df),
    )
}

/// The map functions of an output transformer: its `process` per logical
/// partition, an empty `NO_DATA_SCHEMA` frame as the output (WF-OTR-3).
fn output_transformer_map(
    tf: Box<dyn OutputTransformer>,
    ctx: Arc<ExtensionContext>,
    ignore: IgnoreErrors,
    input_schema: Schema,
    no_data: Schema,
) -> BuiltMap {
    let empty = no_data.clone();
    instance_map(
        tf,
        |t| t.clone_box(),
        ctx,
        ignore,
        input_schema,
        no_data,
        |t: &mut dyn OutputTransformer, c, df| t.on_init(c, df),
        move |t: &mut dyn OutputTransformer, c, df| {
            t.process(c, df)?;
            LocalDataFrame::empty(empty.clone())
        },
    )
}

/// The builder name of transformer and output-transformer recipes.
pub(crate) const EXTENSION_MAP_BUILDER: &str = "fugue.extension";

/// The recipe by which an executor in another process rebuilds this map
/// from its own registry: only for an extension registered by name, with
/// no callback (a driver-side server) and no ignore predicate (a closure).
fn extension_recipe(
    kind: ExtensionKind,
    name: Option<String>,
    ctx: &ExtensionContext,
    setup: &TransformSetup,
    input_schema: &Schema,
) -> Option<MapRecipe> {
    let name = name?;
    if setup.callback.is_some() || setup.ignore.predicate.is_some() {
        return None;
    }
    let payload = ExtensionPayload {
        kind: kind.to_string(),
        name,
        params: conf_object(&ctx.params),
        conf: conf_object(&ctx.conf),
        partition: ctx.partition_spec.to_json(),
        input_schema: input_schema.to_string(),
        output_schema: ctx.output_schema.as_ref().map(Schema::to_string),
        ignore: setup.ignore.kinds.iter().map(|k| k.spec_id().to_string()).collect(),
    };
    // a struct of strings and JSON values always serialises
    serde_json::to_value(payload).ok().map(|p| MapRecipe::new(EXTENSION_MAP_BUILDER, p))
}

/// The payload of an [`extension_recipe`]: what an executor needs to
/// rebuild the extension's map (the same on both sides, so they cannot drift).
#[derive(serde::Serialize, serde::Deserialize)]
struct ExtensionPayload {
    /// `ExtensionKind` display (`Transformer`, `OutputTransformer`).
    kind: String,
    /// The registry name.
    name: String,
    params: serde_json::Map<String, Json>,
    /// The engine conf on the driver.
    conf: serde_json::Map<String, Json>,
    /// The partition spec as JSON.
    partition: Json,
    input_schema: String,
    output_schema: Option<String>,
    /// Spec ids of the ignored error kinds.
    ignore: Vec<String>,
}

fn conf_object(conf: &fugue_core::conf::Conf) -> serde_json::Map<String, Json> {
    match conf.to_json() {
        Json::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// Rebuilds a transformer or output transformer map from an
/// [`extension_recipe`] payload, finding the extension by name in this
/// process's registry (the executor side of a distributed engine).
fn build_extension_map(payload: &Json) -> Result<BuiltMap> {
    let bad = |why: String| Error::arg("extension map recipe", why);
    let p: ExtensionPayload =
        serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
    let input_schema = Schema::parse(&p.input_schema)?;
    let output_schema = p.output_schema.as_deref().map(Schema::parse).transpose()?;
    let partition_spec = PartitionSpec::from_json_value(&p.partition)?;
    let kinds = p
        .ignore
        .iter()
        .map(|id| {
            fugue_core::ErrorKind::from_spec_id(id)
                .ok_or_else(|| bad(format!("`{id}` is not an error kind")))
        })
        .collect::<Result<Vec<_>>>()?;
    let ctx = ExtensionContext {
        params: fugue_core::conf::Conf::from_map(&p.params),
        conf: fugue_core::conf::Conf::from_map(&p.conf),
        key_schema: partition_spec.get_key_schema(&input_schema)?,
        partition_spec,
        output_schema: output_schema.clone(),
        callback: None,
        engine: None,
    };
    let ignore = IgnoreErrors::kinds(kinds);
    if p.kind == ExtensionKind::Transformer.to_string() {
        let out = output_schema.ok_or_else(|| bad("a transformer needs `output_schema`".into()))?;
        let tf = crate::registry::transformer_by_name(&p.name)?;
        Ok(transformer_map(tf, Arc::new(ctx), ignore, input_schema, out))
    } else if p.kind == ExtensionKind::OutputTransformer.to_string() {
        let tf = crate::registry::output_transformer_by_name(&p.name)?;
        Ok(output_transformer_map(tf, Arc::new(ctx), ignore, input_schema, no_data_schema()?))
    } else {
        Err(bad(format!("`{}` extensions do not run as a map", p.kind)))
    }
}

inventory::submit! {
    fugue_core::engine::portable::MapBuilder {
        name: EXTENSION_MAP_BUILDER,
        origin: module_path!(),
        build: build_extension_map,
    }
}

fn no_data_schema() -> Result<Schema> {
    Schema::parse(NO_DATA_SCHEMA)
}

/// `map_dataframe`, or `map_dataframe_with_recipe` when there is a recipe.
fn map_on(
    engine: &EngineRef,
    df: &DataFrameRef,
    built: BuiltMap,
    output_schema: &Schema,
    spec: &PartitionSpec,
    recipe: Option<MapRecipe>,
) -> Result<DataFrameRef> {
    match recipe {
        Some(r) => engine.map_dataframe_with_recipe(
            df,
            built.map_fn,
            output_schema,
            spec,
            built.on_init,
            &r,
        ),
        None => engine.map_dataframe(df, built.map_fn, output_schema, spec, built.on_init),
    }
}

/// Runs a transformer over `df` (WF-TR-3..8): run-time validation, key and
/// output schema on the driver, then `map_dataframe` with one instance per
/// physical partition, `on_init` first, ignored errors giving empty frames.
/// A transformer registered by name also gives the engine a recipe
/// (executors of a distributed engine rebuild it from their registry).
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
    let recipe = extension_recipe(
        ExtensionKind::Transformer,
        tf.registered_name(),
        &ctx,
        setup,
        &input_schema,
    );
    let built = transformer_map(
        tf,
        Arc::new(ctx),
        setup.ignore.clone(),
        input_schema,
        output_schema.clone(),
    );
    map_on(engine, df, built, &output_schema, &setup.partition, recipe)
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
    let no_data = no_data_schema()?;
    let recipe = extension_recipe(
        ExtensionKind::OutputTransformer,
        tf.registered_name(),
        &ctx,
        setup,
        &input_schema,
    );
    let built = output_transformer_map(
        tf,
        Arc::new(ctx),
        setup.ignore.clone(),
        input_schema,
        no_data.clone(),
    );
    let result = map_on(engine, df, built, &no_data, &setup.partition, recipe)?;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use fugue_core::arrow::array::{ArrayRef, Int64Array};
    use fugue_core::engine::EngineRef;
    use fugue_core::value::Value;
    use fugue_core::{DataFrameRef, LocalDataFrame, PartitionSpec, Result, Schema};
    use fugue_native::NativeExecutionEngine;

    use super::*;
    use crate::extension::closure::transformer;

    /// Adds `n`: the number of rows of its logical partition, plus the
    /// `plus` param.
    fn count_rows() -> crate::extension::closure::FnTransformer {
        transformer(|ctx: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
            let plus: i64 = ctx.params().get("plus", 0)?;
            let n = df.num_rows() as i64 + plus;
            let col: ArrayRef = Arc::new(Int64Array::from(vec![n; df.num_rows()]));
            df.with_column("n", col)
        })
        .schema("*,n:long")
    }

    fn setup() -> Result<(EngineRef, DataFrameRef, TransformSetup)> {
        let engine: EngineRef = Arc::new(NativeExecutionEngine::new(fugue_core::Conf::new())?);
        let rows = (0..7).map(|i| vec![Value::Int64(i % 3), Value::Int64(i)]).collect();
        let df: DataFrameRef =
            Arc::new(LocalDataFrame::from_rows(rows, Schema::parse("k:long,v:long")?)?);
        let mut setup = TransformSetup {
            partition: PartitionSpec::parse(r#"{"by":["k"],"presort":"v"}"#)?,
            ..TransformSetup::default()
        };
        setup.params.set("plus", 100);
        Ok((engine, df, setup))
    }

    fn sorted(df: &DataFrameRef) -> Result<Vec<fugue_core::value::Row>> {
        let mut rows = df.as_local_bounded()?.rows()?;
        rows.sort_by_key(|r| format!("{r:?}"));
        Ok(rows)
    }

    /// A registered transformer's recipe rebuilds, from the registry and the
    /// payload alone, a map that gives the same rows as the driver's (the
    /// executor side of a distributed engine, issue 14; WF-TR-4/6).
    #[test]
    fn a_registered_transformer_map_rebuilds_from_its_recipe() -> Result<()> {
        crate::registry::register_transformer(
            "run_tests_count_rows",
            count_rows(),
            fugue_core::conf::OnDup::Overwrite,
        )?;
        let (engine, df, setup) = setup()?;
        let tf = crate::registry::transformer_by_name("run_tests_count_rows")?;
        let key_schema = setup.partition.get_key_schema(df.schema())?;
        let mut ctx = context(&engine, &setup, key_schema);
        let out = Schema::parse("k:long,v:long,n:long")?;
        ctx.output_schema = Some(out.clone());
        let recipe = extension_recipe(
            ExtensionKind::Transformer,
            tf.registered_name(),
            &ctx,
            &setup,
            df.schema(),
        )
        .expect("a registered transformer has a recipe");
        let bytes = recipe.to_bytes()?;
        let rebuilt = MapRecipe::from_bytes(&bytes)?.build()?;
        let remote =
            engine.map_dataframe(&df, rebuilt.map_fn, &out, &setup.partition, rebuilt.on_init)?;
        let local = run_transformer(&engine, &df, tf, &setup)?;
        assert_eq!(sorted(&remote)?, sorted(&local)?);
        let ns: Vec<Value> = sorted(&remote)?.into_iter().map(|r| r[2].clone()).collect();
        assert!(ns.iter().all(|n| matches!(n, Value::Int64(102 | 103))), "{ns:?}");
        Ok(())
    }

    /// Closures, callbacks and ignore predicates have no recipe: they
    /// cannot leave the driver's process.
    #[test]
    fn only_named_extensions_without_driver_state_have_recipes() -> Result<()> {
        let (engine, df, setup) = setup()?;
        let ctx = context(&engine, &setup, Schema::parse("k:long")?);
        let closure: Box<dyn Transformer> = Box::new(count_rows());
        assert_eq!(closure.registered_name(), None);
        let kind = ExtensionKind::Transformer;
        assert!(extension_recipe(kind, None, &ctx, &setup, df.schema()).is_none());
        let name = Some("x".to_string());
        assert!(extension_recipe(kind, name.clone(), &ctx, &setup, df.schema()).is_some());
        let predicate = TransformSetup { ignore: IgnoreErrors::kinds([]).when(|_| true), ..setup };
        assert!(extension_recipe(kind, name, &ctx, &predicate, df.schema()).is_none());
        Ok(())
    }

    /// A payload naming an extension this process does not know fails
    /// with the registry's error, not a panic.
    #[test]
    fn an_unknown_extension_in_a_recipe_is_the_registry_error() {
        let recipe = MapRecipe::new(
            EXTENSION_MAP_BUILDER,
            serde_json::json!({
                "kind": "Transformer", "name": "nobody_registered_this",
                "params": {}, "conf": {}, "partition": {}, "input_schema": "a:int",
                "output_schema": "a:int", "ignore": ["ERR-USER"],
            }),
        );
        let err = recipe.build().err().map(|e| e.kind());
        assert_eq!(err, Some(fugue_core::ErrorKind::Interfaceless));
        let mut bad = recipe.clone();
        bad.payload["ignore"] = serde_json::json!(["ERR-NOPE"]);
        assert_eq!(
            bad.build().err().map(|e| e.kind()),
            Some(fugue_core::ErrorKind::InvalidArgument)
        );
    }
}
