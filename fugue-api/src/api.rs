//! The functional API (ENG-API-1..2, WF-API-1..4): free functions a user
//! calls without touching an engine.
//!
//! Every call that takes options returns a small builder; `.run()` executes
//! it. Options with defaults are builder methods, never trailing `None`s.
//! Every builder has `.engine(..)` (a name, an `EngineRef`, `(name, conf)`)
//! and `.engine_conf(..)`; without them the call runs on the context engine,
//! else the global engine, else the default engine (ENG-CTX-1).
//!
//! Inputs are [`DataFrameLike`]: results come back as the kind of the first
//! frame argument ([`DataFrameLike::Output`]); `.as_local()` materialises
//! the result first (ENG-API-1).
//!
//! ```
//! # use fugue_native as _;
//! use fugue_api::api;
//! use fugue_core::arrow::array::{Int64Array, StringArray};
//! use fugue_core::arrow::record_batch::RecordBatch;
//! use fugue_core::{LocalDataFrame, Result};
//! use std::sync::Arc;
//!
//! let batch = RecordBatch::try_from_iter([
//!     ("k", Arc::new(StringArray::from(vec!["a", "b", "a"])) as _),
//!     ("v", Arc::new(Int64Array::from(vec![3, 1, 5])) as _),
//! ])?;
//! // one call per key, rows sorted by `v desc`; add the row number
//! let ranked: RecordBatch = api::transform(batch, |df: LocalDataFrame| -> Result<LocalDataFrame> {
//!     let n = df.num_rows() as i64;
//!     df.with_column("rn", Arc::new(Int64Array::from_iter_values(1..=n)))
//! })
//! .schema("*,rn:long")
//! .partition(("k", "v desc"))
//! .engine("native")
//! .run()?;
//! assert_eq!(ranked.num_rows(), 3);
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use fugue_core::dataframe::{DataFrameExt, DataFrameRef, ShowOptions};
use fugue_core::engine::{
    DropnaHow, EngineRef, FillValue, JoinType, LoadOptions, NaPosition, SampleSpec, SaveOptions,
    SqlPart, StructuredSql,
};
use fugue_core::expr::{ColumnExpr, SelectColumns};
use fugue_core::io::{FormatOptions, LoadColumns, SaveMode};
use fugue_core::{Conf, DataFrames, Error, LocalDataFrame, PartitionSpec, Result, Schema, Value};

use crate::context::{EngineLike, resolve_engine, resolve_engine_with_hint};
use crate::extension::closure::{
    IntoCoTransformer, IntoOutputCoTransformer, IntoOutputTransformer, IntoTransformer,
};
use crate::extension::run::{
    TransformSetup, check_driver_rules, check_not_zipped, driver_context, run_cotransformer,
    run_output_cotransformer, run_output_transformer, run_transformer,
};
use crate::extension::{Creator, IgnoreErrors, OutputSchema, Outputter, Params, Processor};
use crate::like::{ConfLike, DataFrameLike, PartitionLike, SchemaLike};
use crate::rpc::{CallbackScope, RpcHandler};

type EngineChoice = Box<dyn FnOnce(Option<Conf>) -> Result<Option<EngineRef>> + Send>;

/// The options every call shares: engine, engine conf, `as_local`.
#[derive(Default)]
struct Common {
    engine: Option<EngineChoice>,
    engine_conf: Option<Result<Conf>>,
    as_local: bool,
}

impl Common {
    /// The engine of the call (ENG-CTX-1): the named one, else the context
    /// engine, else the global one, else one inferred from the first input
    /// (`hint`, e.g. `polars` for a Polars frame), else the default.
    fn engine_for(&mut self, hint: Option<&'static str>) -> Result<EngineRef> {
        let conf = self.engine_conf.take().transpose()?;
        if let Some(choice) = self.engine.take()
            && let Some(e) = choice(conf.clone())?
        {
            return Ok(e);
        }
        resolve_engine_with_hint(hint, conf)
    }

    fn finish<D: DataFrameLike>(&self, df: DataFrameRef) -> Result<D::Output> {
        let df = if self.as_local { Arc::new(df.as_local_bounded()?) as DataFrameRef } else { df };
        D::convert_output(df)
    }
}

macro_rules! common_options {
    ($t:ident $(< $($g:ident $(: $b:path)?),* >)?) => {
        impl$(< $($g $(: $b)?),* >)? $t$(< $($g),* >)? {
            /// The engine to run on: a registered name, an `EngineRef`, or
            /// `(name, conf)` (ENG-CTX-6). Default: the context engine,
            /// else the global engine, else the default (ENG-CTX-1).
            pub fn engine<E: EngineLike + Send + 'static>(mut self, engine: E) -> Self {
                self.common.engine = Some(Box::new(move |c| engine.into_engine_with(c)));
                self
            }

            /// Conf for an engine built by name for this call (ENG-API-1).
            pub fn engine_conf(mut self, conf: impl ConfLike) -> Self {
                self.common.engine_conf = Some(conf.into_conf());
                self
            }

            /// Materialise the result as a local frame first (ENG-API-1).
            pub fn as_local(mut self) -> Self {
                self.common.as_local = true;
                self
            }
        }
    };
}

/// Wraps any dataframe-like input so the call returns an engine frame
/// (`DataFrameRef`) instead of the input's kind (`as_fugue`, WF-API-1).
#[derive(Debug)]
pub struct AsFugue<D>(pub D);

impl<D: DataFrameLike> DataFrameLike for AsFugue<D> {
    type Output = DataFrameRef;
    fn engine_hint(&self) -> Option<&'static str> {
        self.0.engine_hint()
    }
    fn known_schema(&self) -> Option<Schema> {
        self.0.known_schema()
    }
    fn into_fugue(self, engine: &dyn fugue_core::ExecutionEngine) -> Result<DataFrameRef> {
        self.0.into_fugue(engine)
    }
    fn convert_output(df: DataFrameRef) -> Result<DataFrameRef> {
        Ok(df)
    }
}

/// Marks `df` so API calls return an engine frame (`DataFrameRef`) for it
/// (WF-API-1 `as_fugue`).
pub fn as_fugue<D: DataFrameLike>(df: D) -> AsFugue<D> {
    AsFugue(df)
}

// ---------------------------------------------------------------- transform

/// Runs a transformer over `df` (WF-API-1, WF-TR-1..9). `using` is a
/// [`Transformer`](crate::extension::Transformer), a closure over the
/// partition (see [`crate::extension::closure`]), or a registered name.
///
/// Defaults: no partition (one call per physical partition), no params,
/// output schema from the extension (a closure needs `.schema(..)` unless it
/// returns typed rows), no callback, no ignored errors.
///
/// # Errors (of `run`)
/// `ERR-WF-INTERFACELESS` for a missing schema or a required callback
/// without handler; `ERR-WF-COMPILE-VALIDATION` / `-RUNTIME-VALIDATION`
/// for rules not met; `ERR-USER` (naming the partition keys) for errors and
/// panics of the user code; the engine's errors.
pub fn transform<D: DataFrameLike, M>(df: D, using: impl IntoTransformer<M>) -> Transform<D> {
    Transform {
        df,
        using: using.into_transformer(),
        setup: TransformSetup::default(),
        partition: None,
        callback: None,
        persist: false,
        common: Common::default(),
    }
}

/// The builder of [`transform`].
pub struct Transform<D> {
    df: D,
    using: Result<Box<dyn crate::extension::Transformer>>,
    setup: TransformSetup,
    partition: Option<Result<PartitionSpec>>,
    callback: Option<Arc<dyn RpcHandler>>,
    persist: bool,
    common: Common,
}

common_options!(Transform<D>);

macro_rules! transform_options {
    ($t:ident) => {
        impl<D> $t<D> {
            /// The output schema: a hint (`*,rn:long`, `*-b`), a schema, hint
            /// parts, or a function; overrides the extension's (SCH-HINT).
            pub fn schema(mut self, schema: impl Into<OutputSchema>) -> Self {
                self.setup.schema = Some(schema.into());
                self
            }

            /// Params handed to the extension (WF-CTX-1, WF-TR-6).
            pub fn params(mut self, params: impl ConfLike) -> Self {
                match params.into_conf() {
                    Ok(p) => self.setup.params = p,
                    Err(e) => self.partition = Some(Err(e)),
                }
                self
            }

            /// The partition spec: keys, presort, number, algo (PS-*):
            /// `"k"`, `("k", "v desc")`, `["a","b"]`, a builder, JSON.
            pub fn partition(mut self, spec: impl PartitionLike) -> Self {
                self.partition = Some(spec.into_partition());
                self
            }

            /// Errors of these kinds (or matching the predicate) make
            /// their partition yield no rows instead of failing (WF-TR-7).
            pub fn ignore_errors(mut self, ignore: impl Into<IgnoreErrors>) -> Self {
                self.setup.ignore = ignore.into();
                self
            }

            /// A driver-side callback handler (WF-RPC-1..9); see
            /// [`crate::rpc::handler`].
            pub fn callback(mut self, handler: Arc<dyn RpcHandler>) -> Self {
                self.callback = Some(handler);
                self
            }

            fn prepare(&mut self) -> Result<()> {
                if let Some(p) = self.partition.take() {
                    self.setup.partition = p?;
                }
                Ok(())
            }
        }
    };
}

transform_options!(Transform);

impl<D: DataFrameLike> Transform<D> {
    /// Persist the result on the engine before returning it (WF-API-1).
    pub fn persist(mut self) -> Self {
        self.persist = true;
        self
    }

    fn compute(mut self) -> Result<(DataFrameRef, Common)> {
        self.prepare()?;
        let tf = self.using?;
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        check_not_zipped(&df)?;
        let mut setup = self.setup;
        let scope = match self.callback {
            Some(h) => Some(CallbackScope::start(engine.conf(), h)?),
            None => None,
        };
        setup.callback = scope.as_ref().map(|s| s.client.clone());
        let mut out = run_transformer(&engine, &df, tf, &setup)?;
        if scope.is_some() {
            // WF-RPC-9: callbacks must run while the server lives.
            out = Arc::new(out.as_local_bounded()?);
        } else if self.persist {
            out = engine.persist(&out, false)?;
        }
        drop(scope);
        Ok((out, self.common))
    }

    /// Runs the transform and returns the result as `D::Output`.
    ///
    /// # Errors
    /// See [`transform`].
    pub fn run(self) -> Result<D::Output> {
        let (out, common) = self.compute()?;
        common.finish::<D>(out)
    }

    /// Runs the transform and writes the result to `path` as Parquet,
    /// replacing what is there (WF-API-1 `save_path`).
    ///
    /// # Errors
    /// As [`run`](Self::run); `ERR-WF-INTERFACELESS` for a path that is not
    /// Parquet (WF-API-2); the save's errors.
    pub fn save(mut self, path: &str) -> Result<()> {
        if let Ok((format, _)) = fugue_core::io::infer_format(path)
            && format != fugue_core::io::FileFormat::Parquet
        {
            return Err(Error::interfaceless(format!(
                "transform can only save Parquet, and `{path}` is {format} (WF-API-2)"
            )));
        }
        let engine = self.common.engine_for(self.df.engine_hint())?;
        self.common.engine = Some(Box::new({
            let e = engine.clone();
            move |_| Ok(Some(e))
        }));
        let (out, _) = self.compute()?;
        let options = SaveOptions {
            format_hint: Some("parquet".into()),
            mode: SaveMode::Overwrite,
            ..SaveOptions::default()
        };
        engine.save_df(&out, path, &options)
    }
}

/// Runs an output transformer over `df` eagerly and returns nothing
/// (WF-API-3, WF-OTR-1..3).
///
/// # Errors (of `run`)
/// As [`transform`].
pub fn out_transform<D: DataFrameLike, M>(
    df: D,
    using: impl IntoOutputTransformer<M>,
) -> OutTransform<D> {
    OutTransform {
        df,
        using: using.into_output_transformer(),
        setup: TransformSetup::default(),
        partition: None,
        callback: None,
        common: Common::default(),
    }
}

/// The builder of [`out_transform`].
pub struct OutTransform<D> {
    df: D,
    using: Result<Box<dyn crate::extension::OutputTransformer>>,
    setup: TransformSetup,
    partition: Option<Result<PartitionSpec>>,
    callback: Option<Arc<dyn RpcHandler>>,
    common: Common,
}

common_options!(OutTransform<D>);
transform_options!(OutTransform);

impl<D: DataFrameLike> OutTransform<D> {
    /// Runs it over every partition.
    ///
    /// # Errors
    /// See [`out_transform`].
    pub fn run(mut self) -> Result<()> {
        self.prepare()?;
        let tf = self.using?;
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        check_not_zipped(&df)?;
        let scope = match self.callback {
            Some(h) => Some(CallbackScope::start(engine.conf(), h)?),
            None => None,
        };
        self.setup.callback = scope.as_ref().map(|s| s.client.clone());
        run_output_transformer(&engine, &df, tf, &self.setup)
    }
}

/// Runs a cotransformer over a zipped frame ([`zip`]) (WF-COTR-1..7).
pub fn cotransform<D: DataFrameLike, M>(
    zipped: D,
    using: impl IntoCoTransformer<M>,
) -> CoTransform<D> {
    CoTransform {
        df: zipped,
        using: using.into_cotransformer(),
        setup: TransformSetup::default(),
        partition: None,
        callback: None,
        common: Common::default(),
    }
}

/// The builder of [`cotransform`].
pub struct CoTransform<D> {
    df: D,
    using: Result<Box<dyn crate::extension::CoTransformer>>,
    setup: TransformSetup,
    partition: Option<Result<PartitionSpec>>,
    callback: Option<Arc<dyn RpcHandler>>,
    common: Common,
}

common_options!(CoTransform<D>);
transform_options!(CoTransform);

impl<D: DataFrameLike> CoTransform<D> {
    /// Runs it once per zipped key group.
    ///
    /// # Errors
    /// `ERR-WF-COMPILE` when the frame is not zipped (WF-COTR-1);
    /// `ERR-WF-INTERFACELESS` for `*` in the schema (WF-COTR-2); as
    /// [`transform`] otherwise.
    pub fn run(mut self) -> Result<D::Output> {
        self.prepare()?;
        let tf = self.using?;
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let scope = match self.callback {
            Some(h) => Some(CallbackScope::start(engine.conf(), h)?),
            None => None,
        };
        self.setup.callback = scope.as_ref().map(|s| s.client.clone());
        let mut out = run_cotransformer(&engine, &df, tf, &self.setup)?;
        if scope.is_some() {
            out = Arc::new(out.as_local_bounded()?);
        }
        self.common.finish::<D>(out)
    }
}

/// Runs an output cotransformer over a zipped frame eagerly (WF-OTR-1).
pub fn out_cotransform<D: DataFrameLike, M>(
    zipped: D,
    using: impl IntoOutputCoTransformer<M>,
) -> OutCoTransform<D> {
    OutCoTransform {
        df: zipped,
        using: using.into_output_cotransformer(),
        setup: TransformSetup::default(),
        partition: None,
        callback: None,
        common: Common::default(),
    }
}

/// The builder of [`out_cotransform`].
pub struct OutCoTransform<D> {
    df: D,
    using: Result<Box<dyn crate::extension::OutputCoTransformer>>,
    setup: TransformSetup,
    partition: Option<Result<PartitionSpec>>,
    callback: Option<Arc<dyn RpcHandler>>,
    common: Common,
}

common_options!(OutCoTransform<D>);
transform_options!(OutCoTransform);

impl<D: DataFrameLike> OutCoTransform<D> {
    /// Runs it once per zipped key group.
    ///
    /// # Errors
    /// As [`CoTransform::run`].
    pub fn run(mut self) -> Result<()> {
        self.prepare()?;
        let tf = self.using?;
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let scope = match self.callback {
            Some(h) => Some(CallbackScope::start(engine.conf(), h)?),
            None => None,
        };
        self.setup.callback = scope.as_ref().map(|s| s.client.clone());
        run_output_cotransformer(&engine, &df, tf, &self.setup)
    }
}

/// Zips frames by their common keys for a cotransformer (ENG-ZIP-1..9):
/// `how` defaults to `inner`; `.partition(..)` sets keys and presort.
pub fn zip<D: DataFrameLike>(dfs: impl IntoIterator<Item = D>) -> Zip<D> {
    Zip {
        dfs: dfs.into_iter().map(|d| (None, d)).collect(),
        how: JoinType::Inner,
        partition: None,
        common: Common::default(),
    }
}

/// Zips named frames (a dict-like zip: cotransformers see members by name,
/// ENG-ZIP-8).
pub fn zip_named<D: DataFrameLike>(
    dfs: impl IntoIterator<Item = (impl Into<String>, D)>,
) -> Zip<D> {
    Zip {
        dfs: dfs.into_iter().map(|(n, d)| (Some(n.into()), d)).collect(),
        how: JoinType::Inner,
        partition: None,
        common: Common::default(),
    }
}

/// The builder of [`zip`].
pub struct Zip<D> {
    dfs: Vec<(Option<String>, D)>,
    how: JoinType,
    partition: Option<Result<PartitionSpec>>,
    common: Common,
}

common_options!(Zip<D>);

impl<D: DataFrameLike> Zip<D> {
    /// How groups are matched: inner (default), left_outer, right_outer,
    /// full_outer, cross (ENG-ZIP-1).
    pub fn how(mut self, how: JoinType) -> Self {
        self.how = how;
        self
    }

    /// Keys and presort of the zip (ENG-ZIP-2, ENG-ZIP-5).
    pub fn partition(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// Zips; the result is an engine frame (a zip result is only useful to
    /// a cotransformer).
    ///
    /// # Errors
    /// The errors of `ExecutionEngine::zip`.
    pub fn run(mut self) -> Result<DataFrameRef> {
        let spec = self.partition.take().transpose()?.unwrap_or_default();
        let engine = self.common.engine_for(self.dfs.first().and_then(|d| d.1.engine_hint()))?;
        let mut list = Vec::new();
        let mut named = Vec::new();
        for (n, d) in self.dfs {
            let df = d.into_fugue(engine.as_ref())?;
            match n {
                Some(n) => named.push((n, df)),
                None => list.push(df),
            }
        }
        let dfs = if named.is_empty() { DataFrames::list(list) } else { DataFrames::named(named)? };
        engine.zip(&dfs, self.how, &spec)
    }
}

// ---------------------------------------------------- processors and others

/// Runs a processor on the driver over `dfs` (WF-PROC-1..2).
///
/// # Errors
/// Validation errors (every input is checked); the processor's errors.
pub fn process<D: DataFrameLike>(
    dfs: impl IntoIterator<Item = D>,
    processor: impl Processor,
) -> Process<D> {
    Process {
        dfs: dfs.into_iter().collect(),
        using: Box::new(processor),
        params: Ok(Params::empty()),
        partition: None,
        schema: None,
        names: None,
        common: Common::default(),
    }
}

/// The builder of [`process`].
pub struct Process<D> {
    dfs: Vec<D>,
    names: Option<Vec<String>>,
    using: Box<dyn Processor>,
    params: Result<Params>,
    partition: Option<Result<PartitionSpec>>,
    schema: Option<Result<Schema>>,
    common: Common,
}

common_options!(Process<D>);

impl<D: DataFrameLike> Process<D> {
    /// Params (WF-CTX-1).
    pub fn params(mut self, params: impl ConfLike) -> Self {
        self.params = params.into_conf();
        self
    }

    /// The partition spec the processor sees (WF-CTX-6, WF-VAL-9).
    pub fn partition(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// The output schema the processor sees (WF-CREATE-2).
    pub fn schema(mut self, schema: impl SchemaLike) -> Self {
        self.schema = Some(schema.into_schema());
        self
    }

    /// Names of the inputs, one per frame: the processor sees dict-like
    /// inputs under these keys (WF-DAG-7) instead of `_0`, `_1`, ...
    pub fn names(mut self, names: Vec<String>) -> Self {
        self.names = Some(names);
        self
    }

    /// Runs the processor; its output converted to the first input's kind.
    ///
    /// # Errors
    /// See [`process`].
    pub fn run(mut self) -> Result<DataFrameRef> {
        let spec = self.partition.take().transpose()?.unwrap_or_default();
        let schema = self.schema.take().transpose()?;
        let engine =
            self.common.engine_for(self.dfs.first().and_then(DataFrameLike::engine_hint))?;
        let frames = self
            .dfs
            .into_iter()
            .map(|d| d.into_fugue(engine.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        let dfs = match self.names {
            Some(names) => DataFrames::named(names.into_iter().zip(frames))?,
            None => DataFrames::list(frames),
        };
        check_driver_rules(&self.using.validation_rules()?, &spec, &dfs)?;
        let ctx = driver_context(&engine, self.params?, spec, schema);
        let out = self.using.process(&ctx, dfs)?;
        engine.to_df(&out)
    }
}

/// Runs an outputter on the driver over `dfs` (WF-OUT-1): `.params(..)`,
/// `.partition(..)` (the spec its compile-time rules check, WF-VAL-9) and
/// `.engine(..)` are optional; `.run()` runs it.
pub fn output<D: DataFrameLike>(
    dfs: impl IntoIterator<Item = D>,
    outputter: impl Outputter,
) -> Output<D> {
    Output {
        dfs: dfs.into_iter().collect(),
        using: Box::new(outputter),
        params: Ok(Params::empty()),
        partition: None,
        names: None,
        common: Common::default(),
    }
}

/// The builder of [`output`].
pub struct Output<D> {
    dfs: Vec<D>,
    names: Option<Vec<String>>,
    using: Box<dyn Outputter>,
    params: Result<Params>,
    partition: Option<Result<PartitionSpec>>,
    common: Common,
}

common_options!(Output<D>);

impl<D: DataFrameLike> Output<D> {
    /// Params (WF-CTX-1).
    pub fn params(mut self, params: impl ConfLike) -> Self {
        self.params = params.into_conf();
        self
    }

    /// The partition spec the outputter sees (WF-CTX-6, WF-VAL-9).
    pub fn partition(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// Names of the inputs, one per frame: the outputter sees dict-like
    /// inputs under these keys (WF-DAG-7) instead of `_0`, `_1`, ...
    pub fn names(mut self, names: Vec<String>) -> Self {
        self.names = Some(names);
        self
    }

    /// Runs the outputter.
    ///
    /// # Errors
    /// Validation errors (compile-time rules against the spec, run-time
    /// rules against every input); the outputter's errors.
    pub fn run(mut self) -> Result<()> {
        let spec = self.partition.take().transpose()?.unwrap_or_default();
        let engine =
            self.common.engine_for(self.dfs.first().and_then(DataFrameLike::engine_hint))?;
        let frames = self
            .dfs
            .into_iter()
            .map(|d| d.into_fugue(engine.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        let dfs = match self.names {
            Some(names) => DataFrames::named(names.into_iter().zip(frames))?,
            None => DataFrames::list(frames),
        };
        check_driver_rules(&self.using.validation_rules()?, &spec, &dfs)?;
        let ctx = driver_context(&engine, self.params?, spec, None);
        self.using.output(&ctx, dfs)
    }
}

/// Runs a creator on the driver (WF-CREATE-1..2): `.params(..)`,
/// `.schema(..)` (visible as `output_schema`) and `.engine(..)` are
/// optional; `.run()` returns an engine frame.
pub fn create(creator: impl Creator) -> Create {
    Create {
        using: Box::new(creator),
        params: Ok(Params::empty()),
        schema: None,
        common: Common::default(),
    }
}

/// The builder of [`create`].
pub struct Create {
    using: Box<dyn Creator>,
    params: Result<Params>,
    schema: Option<Result<Schema>>,
    common: Common,
}

common_options!(Create);

impl Create {
    /// Params (WF-CTX-1).
    pub fn params(mut self, params: impl ConfLike) -> Self {
        self.params = params.into_conf();
        self
    }

    /// The output schema the creator sees (WF-CREATE-2).
    pub fn schema(mut self, schema: impl SchemaLike) -> Self {
        self.schema = Some(schema.into_schema());
        self
    }

    /// Runs the creator.
    ///
    /// # Errors
    /// The creator's errors.
    pub fn run(mut self) -> Result<DataFrameRef> {
        let schema = self.schema.take().transpose()?;
        let engine = self.common.engine_for(None)?;
        let ctx = driver_context(&engine, self.params?, PartitionSpec::default(), schema);
        let out = self.using.create(&ctx)?;
        let out = engine.to_df(&out)?;
        self.common.finish::<DataFrameRef>(out)
    }
}

// ------------------------------------------------------------------- io

/// Loads files (ENG-IO, ENG-API-2): format from the extension unless
/// `.format(..)` says otherwise; `.columns(..)` selects (and types) columns.
pub fn load(path: impl Into<String>) -> Load {
    Load {
        paths: vec![path.into()],
        options: LoadOptions::default(),
        columns: None,
        common: Common::default(),
    }
}

/// The builder of [`load`].
pub struct Load {
    paths: Vec<String>,
    options: LoadOptions,
    columns: Option<Result<LoadColumns>>,
    common: Common,
}

common_options!(Load);

impl Load {
    /// More paths, read as one frame.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// The format (`parquet`, `csv`, `json`), overriding the extension.
    pub fn format(mut self, format: &str) -> Self {
        self.options.format_hint = Some(format.to_string());
        self
    }

    /// The columns to load: names (`["a","b"]`) or a schema (`"a:int,b:str"`).
    pub fn columns(mut self, columns: impl Into<LoadColumnsArg>) -> Self {
        self.columns = Some(columns.into().0);
        self
    }

    /// Format options (`header`, `infer_schema`, ...; ENG-IO-10).
    pub fn options(mut self, options: FormatOptions) -> Self {
        self.options.format_options = options;
        self
    }

    /// Loads; the result is an engine frame.
    ///
    /// # Errors
    /// The engine's load errors.
    pub fn run(mut self) -> Result<DataFrameRef> {
        if let Some(c) = self.columns.take() {
            self.options.columns = c?;
        }
        let engine = self.common.engine_for(None)?;
        let paths: Vec<&str> = self.paths.iter().map(String::as_str).collect();
        let df = engine.load_df(&paths, &self.options)?;
        self.common.finish::<DataFrameRef>(df)
    }
}

/// Columns to load: names or a schema.
#[derive(Debug)]
pub struct LoadColumnsArg(Result<LoadColumns>);

impl From<&str> for LoadColumnsArg {
    fn from(s: &str) -> Self {
        LoadColumnsArg(if s.contains(':') {
            Schema::parse(s).map(LoadColumns::Schema)
        } else {
            Ok(LoadColumns::Names(s.split(',').map(|n| n.trim().to_string()).collect()))
        })
    }
}

impl<const N: usize> From<[&str; N]> for LoadColumnsArg {
    fn from(a: [&str; N]) -> Self {
        LoadColumnsArg(Ok(LoadColumns::Names(a.iter().map(|s| s.to_string()).collect())))
    }
}

impl From<Schema> for LoadColumnsArg {
    fn from(s: Schema) -> Self {
        LoadColumnsArg(Ok(LoadColumns::Schema(s)))
    }
}

/// Saves `df` (ENG-IO, ENG-API-2): format from the extension; mode
/// `overwrite` by default.
pub fn save<D: DataFrameLike>(df: D, path: impl Into<String>) -> Save<D> {
    Save {
        df,
        path: path.into(),
        options: SaveOptions { mode: SaveMode::Overwrite, ..SaveOptions::default() },
        partition: None,
        common: Common::default(),
    }
}

/// The builder of [`save`].
pub struct Save<D> {
    df: D,
    path: String,
    options: SaveOptions,
    partition: Option<Result<PartitionSpec>>,
    common: Common,
}

common_options!(Save<D>);

impl<D: DataFrameLike> Save<D> {
    /// The format (`parquet`, `csv`, `json`).
    pub fn format(mut self, format: &str) -> Self {
        self.options.format_hint = Some(format.to_string());
        self
    }

    /// What to do when the path exists (ENG-IO-5).
    pub fn mode(mut self, mode: SaveMode) -> Self {
        self.options.mode = mode;
        self
    }

    /// Hive-partition the output by these keys (ENG-IO-8).
    pub fn partition(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// Write exactly one file (ENG-IO-6).
    pub fn single(mut self) -> Self {
        self.options.force_single = true;
        self
    }

    /// Format options (ENG-IO-10).
    pub fn options(mut self, options: FormatOptions) -> Self {
        self.options.format_options = options;
        self
    }

    /// Saves.
    ///
    /// # Errors
    /// The engine's save errors.
    pub fn run(mut self) -> Result<()> {
        if let Some(p) = self.partition.take() {
            self.options.partition_spec = p?;
        }
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        engine.save_df(&df, &self.path, &self.options)
    }
}

// ------------------------------------------------------ relational operations

macro_rules! binary_op {
    ($(#[$doc:meta])* $fn:ident, $t:ident, $default_distinct:expr, $method:ident) => {
        $(#[$doc])*
        pub fn $fn<A: DataFrameLike, B: DataFrameLike>(df1: A, df2: B) -> $t<A, B> {
            $t { df1, df2, distinct: $default_distinct, common: Common::default() }
        }

        #[doc = concat!("The builder of [`", stringify!($fn), "`].")]
        pub struct $t<A, B> {
            df1: A,
            df2: B,
            distinct: bool,
            common: Common,
        }

        common_options!($t<A, B>);

        impl<A: DataFrameLike, B: DataFrameLike> $t<A, B> {
            /// Keep duplicates (the `ALL` form, ENG-SET-1..3).
            pub fn all(mut self) -> Self {
                self.distinct = false;
                self
            }

            /// Distinct (true, the default) or `ALL` (false).
            pub fn distinct(mut self, distinct: bool) -> Self {
                self.distinct = distinct;
                self
            }

            /// Runs it; the result has `df1`'s kind.
            ///
            /// # Errors
            /// `ERR-ARG` when the schemas differ (ENG-SET-1); engine errors.
            pub fn run(mut self) -> Result<A::Output> {
                let engine = self.common.engine_for(self.df1.engine_hint())?;
                let a = self.df1.into_fugue(engine.as_ref())?;
                let b = self.df2.into_fugue(engine.as_ref())?;
                let out = engine.$method(&a, &b, self.distinct)?;
                self.common.finish::<A>(out)
            }
        }
    };
}

binary_op!(
    /// UNION of two frames, distinct by default (ENG-SET-1..3); `.all()` for UNION ALL.
    union, Union, true, union
);
binary_op!(
    /// EXCEPT: rows of `df1` not in `df2`, distinct by default (ENG-SET-1..3).
    subtract, Subtract, true, subtract
);
binary_op!(
    /// INTERSECT: rows in both, distinct by default (ENG-SET-1..3).
    intersect, Intersect, true, intersect
);

/// Joins two frames (ENG-JOIN-1..10): `how` is `inner` by default, keys are
/// the common columns unless `.on(..)` names them.
pub fn join<A: DataFrameLike, B: DataFrameLike>(df1: A, df2: B) -> Join<A, B> {
    Join { df1, df2, how: Ok(JoinType::Inner), on: Vec::new(), common: Common::default() }
}

/// The builder of [`join`].
pub struct Join<A, B> {
    df1: A,
    df2: B,
    how: Result<JoinType>,
    on: Vec<String>,
    common: Common,
}

common_options!(Join<A, B>);

impl<A: DataFrameLike, B: DataFrameLike> Join<A, B> {
    /// The join kind: `inner`, `left_outer`, `right_outer`, `full_outer`,
    /// `semi`, `anti`, `cross` (any case; ENG-JOIN-1).
    pub fn how(mut self, how: &str) -> Self {
        self.how = how.parse();
        self
    }

    /// The join keys (ENG-JOIN-2); default: the common columns.
    pub fn on<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.on = keys.into_iter().map(|k| k.as_ref().to_string()).collect();
        self
    }

    /// Joins; the result has `df1`'s kind.
    ///
    /// # Errors
    /// The errors of `ExecutionEngine::join`.
    pub fn run(mut self) -> Result<A::Output> {
        let how = self.how?;
        let engine = self.common.engine_for(self.df1.engine_hint())?;
        let a = self.df1.into_fugue(engine.as_ref())?;
        let b = self.df2.into_fugue(engine.as_ref())?;
        let on: Vec<&str> = self.on.iter().map(String::as_str).collect();
        let out = engine.join(&a, &b, how, &on)?;
        self.common.finish::<A>(out)
    }
}

macro_rules! join_kind {
    ($(#[$doc:meta])* $fn:ident, $how:expr) => {
        $(#[$doc])*
        pub fn $fn<A: DataFrameLike, B: DataFrameLike>(df1: A, df2: B) -> Join<A, B> {
            Join { df1, df2, how: Ok($how), on: Vec::new(), common: Common::default() }
        }
    };
}

join_kind!(/// An inner join (ENG-JOIN-3).
    inner_join, JoinType::Inner);
join_kind!(/// A left outer join (ENG-JOIN-5).
    left_outer_join, JoinType::LeftOuter);
join_kind!(/// A right outer join (ENG-JOIN-6).
    right_outer_join, JoinType::RightOuter);
join_kind!(/// A full outer join (ENG-JOIN-7).
    full_outer_join, JoinType::FullOuter);
join_kind!(/// A semi join: left rows with a match, left columns (ENG-JOIN-8).
    semi_join, JoinType::Semi);
join_kind!(/// An anti join: left rows without a match, left columns (ENG-JOIN-8).
    anti_join, JoinType::Anti);
join_kind!(/// A cross join: every pair; no common columns allowed (ENG-JOIN-9).
    cross_join, JoinType::Cross);

/// Removes duplicate rows (ENG-DISTINCT-1).
pub fn distinct<D: DataFrameLike>(df: D) -> Distinct<D> {
    Distinct { df, common: Common::default() }
}

/// The builder of [`distinct`].
pub struct Distinct<D> {
    df: D,
    common: Common,
}

common_options!(Distinct<D>);

impl<D: DataFrameLike> Distinct<D> {
    /// Runs it.
    ///
    /// # Errors
    /// Engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.distinct(&df)?;
        self.common.finish::<D>(out)
    }
}

/// Drops rows with nulls (ENG-DROPNA-1..5): `how` any (default) or all,
/// `thresh`, `subset`.
pub fn dropna<D: DataFrameLike>(df: D) -> Dropna<D> {
    Dropna { df, how: DropnaHow::Any, thresh: None, subset: None, common: Common::default() }
}

/// The builder of [`dropna`].
pub struct Dropna<D> {
    df: D,
    how: DropnaHow,
    thresh: Option<usize>,
    subset: Option<Vec<String>>,
    common: Common,
}

common_options!(Dropna<D>);

impl<D: DataFrameLike> Dropna<D> {
    /// Drop rows whose considered values are all null (ENG-DROPNA-2).
    pub fn all(mut self) -> Self {
        self.how = DropnaHow::All;
        self
    }

    /// Keep rows with at least `n` non-null values (ENG-DROPNA-3).
    pub fn thresh(mut self, n: usize) -> Self {
        self.thresh = Some(n);
        self
    }

    /// Consider only these columns (ENG-DROPNA-4).
    pub fn subset<S: AsRef<str>>(mut self, cols: impl IntoIterator<Item = S>) -> Self {
        self.subset = Some(cols.into_iter().map(|c| c.as_ref().to_string()).collect());
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// Engine errors (`ERR-NOT-FOUND` for unknown subset columns).
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let subset: Option<Vec<&str>> =
            self.subset.as_ref().map(|s| s.iter().map(String::as_str).collect());
        let out = engine.dropna(&df, self.how, self.thresh, subset.as_deref())?;
        self.common.finish::<D>(out)
    }
}

/// Fills nulls with `value` (ENG-FILLNA-1..7): a scalar ([`Value`]) for all
/// (or `.subset(..)`) columns, or a per-column map.
pub fn fillna<D: DataFrameLike>(df: D, value: impl Into<FillArg>) -> Fillna<D> {
    Fillna { df, value: value.into().0, subset: None, common: Common::default() }
}

/// The fill value of [`fillna`]: a scalar or `(column, value)` pairs.
#[derive(Debug)]
pub struct FillArg(FillValue);

macro_rules! fill_scalar {
    ($($t:ty),*) => {$(
        impl From<$t> for FillArg {
            fn from(v: $t) -> Self {
                FillArg(FillValue::Scalar(v.into()))
            }
        }
    )*};
}

fill_scalar!(Value, i32, i64, f64, bool, &str, String);

impl<V: Into<Value>, const N: usize> From<[(&str, V); N]> for FillArg {
    fn from(pairs: [(&str, V); N]) -> Self {
        FillArg(FillValue::PerColumn(
            pairs.into_iter().map(|(k, v)| (k.to_string(), v.into())).collect(),
        ))
    }
}

impl From<FillValue> for FillArg {
    fn from(v: FillValue) -> Self {
        FillArg(v)
    }
}

/// The builder of [`fillna`].
pub struct Fillna<D> {
    df: D,
    value: FillValue,
    subset: Option<Vec<String>>,
    common: Common,
}

common_options!(Fillna<D>);

impl<D: DataFrameLike> Fillna<D> {
    /// Fill only these columns (ENG-FILLNA-3).
    pub fn subset<S: AsRef<str>>(mut self, cols: impl IntoIterator<Item = S>) -> Self {
        self.subset = Some(cols.into_iter().map(|c| c.as_ref().to_string()).collect());
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// `ERR-ARG` for null values (ENG-FILLNA-1); engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let subset: Option<Vec<&str>> =
            self.subset.as_ref().map(|s| s.iter().map(String::as_str).collect());
        let out = engine.fillna(&df, &self.value, subset.as_deref())?;
        self.common.finish::<D>(out)
    }
}

/// Samples rows (ENG-SAMPLE-1..7): give `.n(..)` or `.frac(..)`.
pub fn sample<D: DataFrameLike>(df: D) -> Sample<D> {
    Sample {
        df,
        spec: SampleSpec { n: None, frac: None, replace: false, seed: None },
        common: Common::default(),
    }
}

/// The builder of [`sample`].
pub struct Sample<D> {
    df: D,
    spec: SampleSpec,
    common: Common,
}

common_options!(Sample<D>);

impl<D: DataFrameLike> Sample<D> {
    /// Sample `n` rows.
    pub fn n(mut self, n: usize) -> Self {
        self.spec.n = Some(n);
        self
    }

    /// Sample a fraction of the rows.
    pub fn frac(mut self, frac: f64) -> Self {
        self.spec.frac = Some(frac);
        self
    }

    /// With replacement (ENG-SAMPLE-5).
    pub fn replace(mut self) -> Self {
        self.spec.replace = true;
        self
    }

    /// A seed for reproducible samples (ENG-SAMPLE-6).
    pub fn seed(mut self, seed: u64) -> Self {
        self.spec.seed = Some(seed);
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// `ERR-ARG` unless exactly one of n/frac is given (ENG-SAMPLE-1).
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.sample(&df, &self.spec)?;
        self.common.finish::<D>(out)
    }
}

/// The first `n` rows by a presort, overall or per partition (ENG-TAKE-1..7).
pub fn take<D: DataFrameLike>(df: D, n: usize) -> Take<D> {
    Take {
        df,
        n,
        presort: String::new(),
        na_position: NaPosition::Last,
        partition: None,
        common: Common::default(),
    }
}

/// The builder of [`take`].
pub struct Take<D> {
    df: D,
    n: usize,
    presort: String,
    na_position: NaPosition,
    partition: Option<Result<PartitionSpec>>,
    common: Common,
}

common_options!(Take<D>);

impl<D: DataFrameLike> Take<D> {
    /// Sort order (`"v desc, w"`); the spec's presort when empty (ENG-TAKE-3).
    pub fn presort(mut self, presort: &str) -> Self {
        self.presort = presort.to_string();
        self
    }

    /// Nulls first instead of last (ENG-TAKE-4).
    pub fn nulls_first(mut self) -> Self {
        self.na_position = NaPosition::First;
        self
    }

    /// Take `n` per key group (ENG-TAKE-5).
    pub fn partition(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// Engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let spec = self.partition.take().transpose()?.unwrap_or_default();
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.take(&df, self.n, &self.presort, self.na_position, &spec)?;
        self.common.finish::<D>(out)
    }
}

/// SELECT columns and expressions (ENG-SEL-1..9), with optional
/// `.where_(..)` and `.having(..)`.
pub fn select<D: DataFrameLike>(df: D, columns: impl IntoIterator<Item = ColumnExpr>) -> Select<D> {
    Select {
        df,
        columns: SelectColumns::new(columns.into_iter().collect(), false),
        where_: None,
        having: None,
        common: Common::default(),
    }
}

/// The builder of [`select`].
pub struct Select<D> {
    df: D,
    columns: Result<SelectColumns>,
    where_: Option<ColumnExpr>,
    having: Option<ColumnExpr>,
    common: Common,
}

common_options!(Select<D>);

impl<D: DataFrameLike> Select<D> {
    /// A row filter applied before grouping.
    pub fn where_(mut self, condition: ColumnExpr) -> Self {
        self.where_ = Some(condition);
        self
    }

    /// A group filter applied after aggregation.
    pub fn having(mut self, condition: ColumnExpr) -> Self {
        self.having = Some(condition);
        self
    }

    /// Distinct output rows (ENG-SEL-7).
    pub fn distinct(mut self) -> Self {
        self.columns = self.columns.and_then(|c| SelectColumns::new(c.into_items(), true));
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// Expression errors (ENG-EXPR); engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let cols = self.columns?;
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.select(&df, &cols, self.where_.as_ref(), self.having.as_ref())?;
        self.common.finish::<D>(out)
    }
}

/// Keeps rows where `condition` is true (ENG-SEL filter).
pub fn filter<D: DataFrameLike>(df: D, condition: ColumnExpr) -> Filter<D> {
    Filter { df, condition, common: Common::default() }
}

/// The builder of [`filter`].
pub struct Filter<D> {
    df: D,
    condition: ColumnExpr,
    common: Common,
}

common_options!(Filter<D>);

impl<D: DataFrameLike> Filter<D> {
    /// Runs it.
    ///
    /// # Errors
    /// Expression and engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.filter(&df, &self.condition)?;
        self.common.finish::<D>(out)
    }
}

/// Adds or replaces columns with aliased expressions (ENG-SEL assign).
pub fn assign<D: DataFrameLike>(df: D, columns: impl IntoIterator<Item = ColumnExpr>) -> Assign<D> {
    Assign { df, columns: columns.into_iter().collect(), common: Common::default() }
}

/// The builder of [`assign`].
pub struct Assign<D> {
    df: D,
    columns: Vec<ColumnExpr>,
    common: Common,
}

common_options!(Assign<D>);

impl<D: DataFrameLike> Assign<D> {
    /// Runs it.
    ///
    /// # Errors
    /// Expression and engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.assign(&df, &self.columns)?;
        self.common.finish::<D>(out)
    }
}

/// Aggregates (ENG-SEL aggregate): one row per `.partition_by(..)` key
/// group (or one row overall), with the given aggregate expressions.
pub fn aggregate<D: DataFrameLike>(
    df: D,
    aggs: impl IntoIterator<Item = ColumnExpr>,
) -> Aggregate<D> {
    Aggregate { df, aggs: aggs.into_iter().collect(), partition: None, common: Common::default() }
}

/// The builder of [`aggregate`].
pub struct Aggregate<D> {
    df: D,
    aggs: Vec<ColumnExpr>,
    partition: Option<Result<PartitionSpec>>,
    common: Common,
}

common_options!(Aggregate<D>);

impl<D: DataFrameLike> Aggregate<D> {
    /// Group keys.
    pub fn partition_by(mut self, spec: impl PartitionLike) -> Self {
        self.partition = Some(spec.into_partition());
        self
    }

    /// Runs it.
    ///
    /// # Errors
    /// Expression and engine errors.
    pub fn run(mut self) -> Result<D::Output> {
        let spec = self.partition.take().transpose()?.unwrap_or_default();
        let engine = self.common.engine_for(self.df.engine_hint())?;
        let df = self.df.into_fugue(engine.as_ref())?;
        let out = engine.aggregate(&df, &spec, &self.aggs)?;
        self.common.finish::<D>(out)
    }
}

// --------------------------------------------------- frame-level functions

fn on_context<D: DataFrameLike>(df: D) -> Result<(EngineRef, DataFrameRef)> {
    let engine = resolve_engine_with_hint(df.engine_hint(), None)?;
    let df = df.into_fugue(engine.as_ref())?;
    Ok((engine, df))
}

/// Renames columns (`[("old", "new")]`, DF-OP-13) on the context engine.
///
/// # Errors
/// `ERR-DF-OP` for unknown or colliding names.
pub fn rename<D: DataFrameLike>(df: D, pairs: &[(&str, &str)]) -> Result<D::Output> {
    let (_, df) = on_context(df)?;
    D::convert_output(df.rename(pairs)?)
}

/// Drops columns (DF-OP).
///
/// # Errors
/// `ERR-DF-OP` for unknown columns or dropping every column.
pub fn drop_columns<D: DataFrameLike>(df: D, columns: &[&str]) -> Result<D::Output> {
    let (_, df) = on_context(df)?;
    D::convert_output(df.drop_columns(columns)?)
}

/// Changes column types (`"a:long"`, DF-OP alter_columns, DF-CAST).
///
/// # Errors
/// `ERR-DF-OP`, `ERR-CAST`.
pub fn alter_columns<D: DataFrameLike>(df: D, columns: impl SchemaLike) -> Result<D::Output> {
    let (_, df) = on_context(df)?;
    D::convert_output(df.alter_columns(&columns.into_schema()?)?)
}

/// The first `n` rows as a local frame (DF-OP-5).
///
/// # Errors
/// Engine errors.
pub fn head<D: DataFrameLike>(df: D, n: usize) -> Result<LocalDataFrame> {
    let (_, df) = on_context(df)?;
    df.head(n, None)
}

/// Prints the first `n` rows with the schema (DF-SHOW).
///
/// # Errors
/// Engine errors.
pub fn show<D: DataFrameLike>(df: D, n: usize) -> Result<()> {
    let (_, df) = on_context(df)?;
    df.show(n, false, None)
}

/// The rendering [`show`] prints, as text.
///
/// # Errors
/// Engine errors.
pub fn show_string<D: DataFrameLike>(df: D, n: usize) -> Result<String> {
    let (_, df) = on_context(df)?;
    df.show_string(&ShowOptions { n, ..ShowOptions::default() })
}

/// The number of rows (DF-OP-1).
///
/// # Errors
/// `ERR-INVALID-OP` for a stream; engine errors.
pub fn count<D: DataFrameLike>(df: D) -> Result<usize> {
    let (_, df) = on_context(df)?;
    df.count()
}

/// The schema (without computing rows where the engine can).
///
/// # Errors
/// Conversion errors.
pub fn get_schema<D: DataFrameLike>(df: D) -> Result<Schema> {
    let (_, df) = on_context(df)?;
    Ok(df.schema().clone())
}

/// All rows as one Arrow record batch.
///
/// # Errors
/// Engine errors.
pub fn as_arrow<D: DataFrameLike>(df: D) -> Result<RecordBatch> {
    let (_, df) = on_context(df)?;
    df.as_arrow()
}

/// All rows as a local frame (DF-OP as_local).
///
/// # Errors
/// Engine errors.
pub fn as_local<D: DataFrameLike>(df: D) -> Result<LocalDataFrame> {
    let (_, df) = on_context(df)?;
    df.as_local_bounded()
}

/// Persists the frame on the context engine (ENG-PERSIST).
///
/// # Errors
/// Engine errors.
pub fn persist<D: DataFrameLike>(df: D) -> Result<D::Output> {
    let (engine, df) = on_context(df)?;
    D::convert_output(engine.persist(&df, false)?)
}

/// Marks the frame for broadcast joins (ENG-BCAST).
///
/// # Errors
/// Engine errors.
pub fn broadcast<D: DataFrameLike>(df: D) -> Result<D::Output> {
    let (engine, df) = on_context(df)?;
    D::convert_output(engine.broadcast(&df)?)
}

/// Repartitions the frame (ENG-REPART).
///
/// # Errors
/// Engine errors.
pub fn repartition<D: DataFrameLike>(df: D, spec: impl PartitionLike) -> Result<D::Output> {
    let (engine, df) = on_context(df)?;
    D::convert_output(engine.repartition(&df, &spec.into_partition()?)?)
}

/// One piece of a [`raw_sql`] statement: SQL text or a frame.
pub enum SqlArg {
    /// SQL text.
    Text(String),
    /// A frame, referenced where it appears.
    Frame(DataFrameRef),
}

impl From<&str> for SqlArg {
    fn from(s: &str) -> Self {
        SqlArg::Text(s.to_string())
    }
}

impl From<String> for SqlArg {
    fn from(s: String) -> Self {
        SqlArg::Text(s)
    }
}

impl From<DataFrameRef> for SqlArg {
    fn from(d: DataFrameRef) -> Self {
        SqlArg::Frame(d)
    }
}

impl From<&DataFrameRef> for SqlArg {
    fn from(d: &DataFrameRef) -> Self {
        SqlArg::Frame(d.clone())
    }
}

impl From<LocalDataFrame> for SqlArg {
    fn from(d: LocalDataFrame) -> Self {
        SqlArg::Frame(Arc::new(d))
    }
}

/// Runs a SQL SELECT whose text and frames are interleaved (WF-API-4,
/// ENG-SQL-3): `raw_sql(["SELECT * FROM ".into(), df.into(), " WHERE a > 1".into()])`.
/// The same frame (same `Arc`) used twice is one input. Runs on the
/// context engine's SQL facet; the result is an engine frame.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` when the engine has no SQL facet; SQL errors.
pub fn raw_sql(parts: impl IntoIterator<Item = SqlArg>) -> Result<DataFrameRef> {
    let engine = resolve_engine(None::<&str>, None)?;
    let mut sql_parts = Vec::new();
    let mut frames: Vec<(String, DataFrameRef)> = Vec::new();
    for part in parts {
        match part {
            SqlArg::Text(t) => sql_parts.push(SqlPart::Text(t)),
            SqlArg::Frame(df) => {
                let key = match frames.iter().find(|(_, d)| Arc::ptr_eq(d, &df)) {
                    Some((k, _)) => k.clone(),
                    None => {
                        let k = format!("_{}", frames.len());
                        frames.push((k.clone(), engine.to_df(&df)?));
                        k
                    }
                };
                sql_parts.push(SqlPart::Table(key));
            }
        }
    }
    let dfs = DataFrames::named(frames)?;
    let statement = StructuredSql { parts: sql_parts, dialect: "spark".into() };
    engine.sql_engine()?.select(&dfs, &statement)
}
