//! Extensions: the user code Fugue runs (WF-EXT-1..8).
//!
//! | kind | trait | runs | sees |
//! |---|---|---|---|
//! | transformer | [`Transformer`] | on workers, once per logical partition | one local frame (WF-TR) |
//! | cotransformer | [`CoTransformer`] | on workers, once per zipped key group | one frame per zipped input (WF-COTR) |
//! | output transformer | [`OutputTransformer`] | like a transformer, eagerly; output discarded | (WF-OTR) |
//! | output cotransformer | [`OutputCoTransformer`] | like a cotransformer, eagerly | (WF-OTR) |
//! | processor | [`Processor`] | on the driver, with the engine | all input frames (WF-PROC) |
//! | outputter | [`Outputter`] | on the driver, with the engine | all input frames (WF-OUT) |
//! | creator | [`Creator`] | on the driver, with the engine | nothing (WF-CREATE) |
//!
//! Three ways to provide one (WF-EXT-8): implement the trait (configure it
//! with builder methods of your own type; the framework clones it per
//! physical partition, WF-TR-4), pass a closure (adapters in [`closure`]
//! accept the partition as a [`LocalDataFrame`], a `RecordBatch`, a
//! `Vec<RecordBatch>`, a [`Batches`] stream, rows, row maps or typed rows
//! `Vec<T: Deserialize>`), or name a registered extension
//! ([`crate::registry`]).
//!
//! Every extension gets an [`ExtensionContext`] (WF-CTX-1..9): params,
//! the engine conf, partition spec, key and output schema, the callback to
//! the driver, and on the driver the engine itself. Transformers get a
//! [`TransformContext`] that adds the cursor of the current partition.

pub mod closure;
pub mod convert;
pub(crate) mod run;

use std::fmt;
use std::sync::Arc;

use fugue_core::engine::EngineRef;
use fugue_core::partition::ValidationRule;
use fugue_core::{
    Conf, DataFrameRef, DataFrames, Error, ErrorKind, LocalDataFrame, PartitionCursor,
    PartitionSpec, Result, Schema,
};

use crate::rpc::RpcClient;

pub use closure::{
    IntoCoTransformer, IntoOutputCoTransformer, IntoOutputTransformer, IntoTransformer,
    cotransformer, output_cotransformer, output_transformer, transformer,
};
pub use convert::{Batches, PartitionInput, PartitionOutput};

/// Parameters of an extension: a typed map with the getters of [`Conf`]
/// (ENG-CONF-3), handed to every call (WF-CTX-1, WF-TR-6). Hashed through
/// its canonical JSON for node identity (WF-ID-5).
pub type Params = Conf;

/// The kinds of extension (WF-EXT-1..7); also the namespaces of the
/// registry (WF-REG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExtensionKind {
    /// Makes a frame from nothing (WF-EXT-1).
    Creator,
    /// Frames in, one frame out, on the driver (WF-EXT-2).
    Processor,
    /// Frames in, nothing out, on the driver (WF-EXT-3).
    Outputter,
    /// One frame per logical partition (WF-EXT-4).
    Transformer,
    /// One zipped key group per call (WF-EXT-5).
    CoTransformer,
    /// A transformer whose output is discarded, run eagerly (WF-EXT-6).
    OutputTransformer,
    /// A cotransformer whose output is discarded, run eagerly (WF-EXT-7).
    OutputCoTransformer,
}

impl ExtensionKind {
    /// Every kind, in registry order.
    pub const ALL: [ExtensionKind; 7] = [
        ExtensionKind::Creator,
        ExtensionKind::Processor,
        ExtensionKind::Outputter,
        ExtensionKind::Transformer,
        ExtensionKind::CoTransformer,
        ExtensionKind::OutputTransformer,
        ExtensionKind::OutputCoTransformer,
    ];

    /// The name as Fugue writes it (`Transformer`, `CoTransformer`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionKind::Creator => "Creator",
            ExtensionKind::Processor => "Processor",
            ExtensionKind::Outputter => "Outputter",
            ExtensionKind::Transformer => "Transformer",
            ExtensionKind::CoTransformer => "CoTransformer",
            ExtensionKind::OutputTransformer => "OutputTransformer",
            ExtensionKind::OutputCoTransformer => "OutputCoTransformer",
        }
    }
}

impl fmt::Display for ExtensionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an extension uses a callback to the driver (WF-RPC-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallbackUse {
    /// Never calls back; a handler given anyway is never called.
    #[default]
    None,
    /// Calls back when a handler is given ([`ExtensionContext::has_callback`]).
    Optional,
    /// Needs a handler: using it without one is `ERR-WF-INTERFACELESS`
    /// when the call is made (WF-RPC-3).
    Required,
}

/// A function of (input schema, params) giving the output schema (SCH-HINT-10).
pub type SchemaFn = Arc<dyn Fn(&Schema, &Params) -> Result<Schema> + Send + Sync>;

/// A predicate over errors (WF-TR-7).
pub type ErrorPredicate = Arc<dyn Fn(&Error) -> bool + Send + Sync>;

/// An output schema: a hint evaluated against the input schema (`*,rn:long`,
/// `*-b`, `*~c`, SCH-HINT-1..8), a list of hint parts (SCH-HINT-9), an
/// explicit schema, or a function of the input schema and the params
/// (SCH-HINT-10).
///
/// Converts from `&str`, `String`, [`Schema`] and `Vec<&str>` (parts).
#[derive(Clone)]
pub enum OutputSchema {
    /// A hint, e.g. `*,rn:long` (SCH-HINT).
    Hint(String),
    /// Hint parts concatenated (SCH-HINT-9).
    Parts(Vec<String>),
    /// An explicit schema.
    Schema(Schema),
    /// A function of (input schema, params) (SCH-HINT-10).
    Fn(SchemaFn),
}

impl fmt::Debug for OutputSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputSchema::Hint(h) => write!(f, "Hint({h:?})"),
            OutputSchema::Parts(p) => write!(f, "Parts({p:?})"),
            OutputSchema::Schema(s) => write!(f, "Schema({s})"),
            OutputSchema::Fn(_) => f.write_str("Fn(..)"),
        }
    }
}

impl OutputSchema {
    /// A schema function of (input schema, params) (SCH-HINT-10).
    pub fn from_fn(f: impl Fn(&Schema, &Params) -> Result<Schema> + Send + Sync + 'static) -> Self {
        OutputSchema::Fn(Arc::new(f))
    }

    /// The output schema for `input` (SCH-HINT-1..11). An empty result is
    /// `ERR-SCHEMA` (a frame needs a column, SCH-HINT-11).
    ///
    /// # Errors
    /// The hint's `ERR-SCHEMA-SYNTAX` / `ERR-SCHEMA`; the function's errors.
    pub fn resolve(&self, input: &Schema, params: &Params) -> Result<Schema> {
        let schema = match self {
            OutputSchema::Hint(h) => input.transform(h)?,
            OutputSchema::Parts(p) => {
                let parts: Vec<&str> = p.iter().map(String::as_str).collect();
                input.transform_parts(&parts)?
            }
            OutputSchema::Schema(s) => s.clone(),
            OutputSchema::Fn(f) => f(input, params)?,
        };
        if schema.is_empty() {
            return Err(Error::schema(format!(
                "the output schema {self:?} is empty for input `{input}` (SCH-HINT-11)"
            )));
        }
        Ok(schema)
    }

    /// The schema of a cotransformer output, which has no single input
    /// schema: `*` is refused (SCH-HINT-12, WF-COTR-2).
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a hint with `*`; parse errors.
    pub fn resolve_without_input(&self, params: &Params) -> Result<Schema> {
        let has_star = match self {
            OutputSchema::Hint(h) => h.contains('*'),
            OutputSchema::Parts(p) => p.iter().any(|h| h.contains('*')),
            _ => false,
        };
        if has_star {
            return Err(Error::interfaceless(format!(
                "a cotransformer output schema cannot use `*` (there is no single input schema): {self:?} (SCH-HINT-12, WF-COTR-2)"
            )));
        }
        self.resolve(&Schema::empty(), params)
    }
}

impl From<&str> for OutputSchema {
    fn from(h: &str) -> Self {
        OutputSchema::Hint(h.to_string())
    }
}

impl From<String> for OutputSchema {
    fn from(h: String) -> Self {
        OutputSchema::Hint(h)
    }
}

impl From<&String> for OutputSchema {
    fn from(h: &String) -> Self {
        OutputSchema::Hint(h.clone())
    }
}

impl From<Schema> for OutputSchema {
    fn from(s: Schema) -> Self {
        OutputSchema::Schema(s)
    }
}

impl From<&Schema> for OutputSchema {
    fn from(s: &Schema) -> Self {
        OutputSchema::Schema(s.clone())
    }
}

impl From<Vec<&str>> for OutputSchema {
    fn from(p: Vec<&str>) -> Self {
        OutputSchema::Parts(p.into_iter().map(str::to_string).collect())
    }
}

/// Which errors of a transformer make its partition yield an empty frame
/// instead of failing the run (WF-TR-7): error kinds, and/or a predicate
/// over the error (downcast an `ERR-USER` source to match your own types).
///
/// ```
/// use fugue_api::extension::IgnoreErrors;
/// use fugue_core::{Error, ErrorKind};
/// let ignore = IgnoreErrors::kinds([ErrorKind::User]);
/// assert!(ignore.matches(&Error::user("bad row")));
/// assert!(!ignore.matches(&Error::schema("x")));
/// ```
#[derive(Clone, Default)]
pub struct IgnoreErrors {
    kinds: Vec<ErrorKind>,
    predicate: Option<ErrorPredicate>,
}

impl fmt::Debug for IgnoreErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IgnoreErrors")
            .field("kinds", &self.kinds)
            .field("predicate", &self.predicate.is_some())
            .finish()
    }
}

impl IgnoreErrors {
    /// Ignore errors of these kinds.
    pub fn kinds(kinds: impl IntoIterator<Item = ErrorKind>) -> Self {
        IgnoreErrors { kinds: kinds.into_iter().collect(), predicate: None }
    }

    /// Ignore errors for which `f` is true (in addition to the kinds).
    pub fn when(mut self, f: impl Fn(&Error) -> bool + Send + Sync + 'static) -> Self {
        self.predicate = Some(Arc::new(f));
        self
    }

    /// True when nothing is ignored.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && self.predicate.is_none()
    }

    /// True when `e` is to be ignored.
    pub fn matches(&self, e: &Error) -> bool {
        self.kinds.contains(&e.kind()) || self.predicate.as_ref().is_some_and(|p| p(e))
    }
}

impl<const N: usize> From<[ErrorKind; N]> for IgnoreErrors {
    fn from(kinds: [ErrorKind; N]) -> Self {
        IgnoreErrors::kinds(kinds)
    }
}

impl From<ErrorKind> for IgnoreErrors {
    fn from(kind: ErrorKind) -> Self {
        IgnoreErrors::kinds([kind])
    }
}

/// What every extension can read (WF-CTX-1..9). Built by the framework
/// for each run; cheap to clone (shared parts are reference counted).
#[derive(Clone, Debug)]
pub struct ExtensionContext {
    pub(crate) params: Params,
    pub(crate) conf: Conf,
    pub(crate) partition_spec: PartitionSpec,
    pub(crate) key_schema: Schema,
    pub(crate) output_schema: Option<Schema>,
    pub(crate) callback: Option<RpcClient>,
    pub(crate) engine: Option<EngineRef>,
}

impl ExtensionContext {
    /// A context with these params and the conf of `engine` (on the driver).
    pub fn new(params: Params, engine: Option<EngineRef>) -> Self {
        let conf = engine.as_ref().map(|e| e.conf().clone()).unwrap_or_default();
        ExtensionContext {
            params,
            conf,
            partition_spec: PartitionSpec::default(),
            key_schema: Schema::empty(),
            output_schema: None,
            callback: None,
            engine,
        }
    }

    /// The params given with the call (WF-CTX-1).
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The params read into a typed struct (WF-SIG-7: params by name). A
    /// param the struct does not declare is `ERR-ARG` when the struct has
    /// `#[serde(deny_unknown_fields)]` (else it is ignored, like a
    /// `**kwargs` catch-all); a required field that is missing is `ERR-ARG`.
    ///
    /// ```
    /// use fugue_api::extension::ExtensionContext;
    /// use fugue_core::Conf;
    ///
    /// #[derive(serde::Deserialize)]
    /// #[serde(deny_unknown_fields)]
    /// struct Top { n: usize }
    ///
    /// let ctx = ExtensionContext::new(Conf::from_pairs([("n", 3)]), None);
    /// assert_eq!(ctx.params_as::<Top>()?.n, 3);
    /// let bad = ExtensionContext::new(Conf::from_pairs([("m", 3)]), None);
    /// assert!(bad.params_as::<Top>().is_err());
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// `ERR-ARG` naming the serde error.
    pub fn params_as<P: serde::de::DeserializeOwned>(&self) -> Result<P> {
        serde_json::from_value(self.params.to_json()).map_err(|e| {
            Error::arg(
                "params",
                format!("cannot be read as `{}`: {e} (WF-SIG-7)", std::any::type_name::<P>()),
            )
        })
    }

    /// The engine's conf (`workflow_conf`, WF-CTX-2).
    pub fn conf(&self) -> &Conf {
        &self.conf
    }

    /// The partition spec of the call (WF-CTX-6); empty for creators.
    pub fn partition_spec(&self) -> &PartitionSpec {
        &self.partition_spec
    }

    /// The key columns of the input (transformers) or the zip keys
    /// (cotransformers) (WF-CTX-5); empty otherwise.
    pub fn key_schema(&self) -> &Schema {
        &self.key_schema
    }

    /// The output schema (WF-CTX-4): the computed one for transformers, the
    /// given one for creators and processors.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` when none is known at this point.
    pub fn output_schema(&self) -> Result<&Schema> {
        self.output_schema.as_ref().ok_or_else(|| {
            Error::invalid_op("no output schema is known here (WF-CTX-4: it is set for transformers after `output_schema` and for creators/processors given a schema)")
        })
    }

    /// True when a callback handler was given (WF-RPC-2, WF-CTX-8).
    pub fn has_callback(&self) -> bool {
        self.callback.is_some()
    }

    /// Calls the driver-side handler with `args` and returns its result
    /// (WF-RPC-2). Arguments and results travel as JSON (serde), so the
    /// same code works with an in-process and a network server.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` when no handler was given; the handler's error
    /// (as `ERR-USER`); `ERR-WF-RUNTIME` when the server refused the call.
    pub fn callback<A: serde::Serialize, R: serde::de::DeserializeOwned>(
        &self,
        args: A,
    ) -> Result<R> {
        match &self.callback {
            Some(c) => c.call(args),
            None => Err(Error::invalid_op(
                "this call has no callback handler: pass one with `.callback(..)` (WF-RPC-2)",
            )),
        }
    }

    /// The callback client, if any (WF-CTX-8).
    pub fn callback_client(&self) -> Option<&RpcClient> {
        self.callback.as_ref()
    }

    /// The execution engine (WF-CTX-3): available to creators, processors
    /// and outputters, on the driver.
    ///
    /// # Errors
    /// `ERR-INVALID-OP` on workers (transformers run where no engine is).
    pub fn engine(&self) -> Result<&EngineRef> {
        self.engine.as_ref().ok_or_else(|| {
            Error::invalid_op("the execution engine is only available on the driver, to creators, processors and outputters (WF-CTX-3)")
        })
    }
}

/// The context of one transformer call: the [`ExtensionContext`] and the
/// cursor of the current partition (WF-CTX-7). Derefs to the extension
/// context.
#[derive(Debug, Clone, Copy)]
pub struct TransformContext<'a> {
    ctx: &'a ExtensionContext,
    cursor: &'a PartitionCursor,
}

impl<'a> TransformContext<'a> {
    /// A context over `ctx` at `cursor` (the framework builds these; public
    /// for tests of your own extensions).
    pub fn new(ctx: &'a ExtensionContext, cursor: &'a PartitionCursor) -> Self {
        TransformContext { ctx, cursor }
    }

    /// The cursor: key values, first row and partition numbers of the
    /// current partition (PC-1..12, WF-CTX-7).
    pub fn cursor(&self) -> &'a PartitionCursor {
        self.cursor
    }
}

impl std::ops::Deref for TransformContext<'_> {
    type Target = ExtensionContext;
    fn deref(&self) -> &ExtensionContext {
        self.ctx
    }
}

/// Clones a boxed transformer; implemented for every `Transformer + Clone`.
pub trait TransformerClone {
    /// A fresh copy with the same configuration (WF-TR-4).
    fn clone_box(&self) -> Box<dyn Transformer>;
}

impl<T: Transformer + Clone> TransformerClone for T {
    fn clone_box(&self) -> Box<dyn Transformer> {
        Box::new(self.clone())
    }
}

/// A transformer (WF-EXT-4, WF-TR-1..9): called once per logical partition
/// of its input with that partition as a local frame sorted by the presort;
/// returns a local frame with the output schema.
///
/// The framework clones the configured instance once per physical
/// partition (derive `Clone`), calls [`on_init`](Self::on_init) on the clone
/// once, then [`transform`](Self::transform) per logical partition, so state
/// set in `on_init` is visible in later calls of the same partition (WF-TR-4).
///
/// ```
/// use std::sync::Arc;
/// use fugue_api::extension::{ExtensionContext, OutputSchema, TransformContext, Transformer};
/// use fugue_core::arrow::array::Int64Array;
/// use fugue_core::{LocalDataFrame, Result, Schema};
///
/// /// Adds `rn`, the 1-based row number in presort order.
/// #[derive(Clone)]
/// struct RowNumber;
///
/// impl Transformer for RowNumber {
///     fn output_schema(&self, input: &Schema, _ctx: &ExtensionContext) -> Result<Schema> {
///         input.transform("*,rn:long")
///     }
///     fn transform(&mut self, _ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<LocalDataFrame> {
///         let n = df.num_rows() as i64;
///         df.with_column("rn", Arc::new(Int64Array::from_iter_values(1..=n)))
///     }
/// }
/// ```
pub trait Transformer: TransformerClone + Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// The name it is registered under when it was built from the registry
    /// (`transformer_by_name`, a name in FugueSQL `USING`), else `None`.
    /// A named extension can run in another process, which rebuilds it from
    /// its own registry (distributed engines, `fugue_core::engine::portable`).
    fn registered_name(&self) -> Option<String> {
        None
    }

    /// The output schema for `input` (WF-TR-3), computed on the driver.
    /// A schema given with the call overrides it. The default has none:
    /// `ERR-WF-INTERFACELESS` unless the call gives one.
    ///
    /// # Errors
    /// Schema errors; `ERR-WF-INTERFACELESS` when there is no schema.
    fn output_schema(&self, input: &Schema, ctx: &ExtensionContext) -> Result<Schema> {
        let _ = (input, ctx);
        Err(Error::interfaceless(
            "the transformer declares no output schema: give one with `.schema(\"*,col:type\")` (WF-TR-2)",
        ))
    }

    /// Validation rules checked before data moves (WF-VAL-1..6).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` / `ERR-NOT-SUPPORTED` for a rule that does not
    /// parse (WF-VAL-7), reported when the extension is used.
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Whether it calls back to the driver (WF-RPC-3).
    fn callback_use(&self) -> CallbackUse {
        CallbackUse::None
    }

    /// Its preferred input format (WF-TR-9, ENG-MAP-10), e.g. `"arrow"`.
    fn format_hint(&self) -> Option<&'static str> {
        None
    }

    /// Runs once per non-empty physical partition, before its first
    /// `transform`, with the partition's data (peek, do not rely on it
    /// being complete) (ENG-MAP-4, WF-TR-4).
    ///
    /// # Errors
    /// Any error fails the run as `ERR-USER`.
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        let _ = (ctx, df);
        Ok(())
    }

    /// Transforms one logical partition (non-empty, sorted by the presort)
    /// into a frame with the output schema exactly (WF-TR-5, ENG-MAP-6).
    ///
    /// # Errors
    /// Any error fails the run as `ERR-USER` naming the partition keys,
    /// unless `ignore_errors` matches it (WF-TR-7).
    fn transform(
        &mut self,
        ctx: &TransformContext<'_>,
        df: LocalDataFrame,
    ) -> Result<LocalDataFrame>;
}

/// Clones a boxed output transformer; implemented for every `OutputTransformer + Clone`.
pub trait OutputTransformerClone {
    /// A fresh copy with the same configuration.
    fn clone_box(&self) -> Box<dyn OutputTransformer>;
}

impl<T: OutputTransformer + Clone> OutputTransformerClone for T {
    fn clone_box(&self) -> Box<dyn OutputTransformer> {
        Box::new(self.clone())
    }
}

/// An output transformer (WF-EXT-6, WF-OTR-1..3): like a [`Transformer`]
/// but returns nothing; it runs eagerly over every partition.
pub trait OutputTransformer: OutputTransformerClone + Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// The name it is registered under when it was built from the registry
    /// (`transformer_by_name`, a name in FugueSQL `USING`), else `None`.
    /// A named extension can run in another process, which rebuilds it from
    /// its own registry (distributed engines, `fugue_core::engine::portable`).
    fn registered_name(&self) -> Option<String> {
        None
    }

    /// Validation rules (WF-VAL-1..6).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` / `ERR-NOT-SUPPORTED` for a rule that does not
    /// parse (WF-VAL-7), reported when the extension is used.
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Whether it calls back to the driver (WF-RPC-3).
    fn callback_use(&self) -> CallbackUse {
        CallbackUse::None
    }

    /// As [`Transformer::on_init`].
    ///
    /// # Errors
    /// Any error fails the run as `ERR-USER`.
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        let _ = (ctx, df);
        Ok(())
    }

    /// Processes one logical partition.
    ///
    /// # Errors
    /// As [`Transformer::transform`].
    fn process(&mut self, ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<()>;
}

/// Clones a boxed cotransformer; implemented for every `CoTransformer + Clone`.
pub trait CoTransformerClone {
    /// A fresh copy with the same configuration.
    fn clone_box(&self) -> Box<dyn CoTransformer>;
}

impl<T: CoTransformer + Clone> CoTransformerClone for T {
    fn clone_box(&self) -> Box<dyn CoTransformer> {
        Box::new(self.clone())
    }
}

/// A cotransformer (WF-EXT-5, WF-COTR-1..7): called once per key group of
/// a zipped frame with one member per zipped input (list- or dict-like as
/// zipped; an input without rows for the key is an empty frame with its
/// schema, ENG-COMAP-2). Validation rules do not apply (WF-COTR-7).
pub trait CoTransformer: CoTransformerClone + Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// The name it is registered under when it was built from the registry
    /// (`transformer_by_name`, a name in FugueSQL `USING`), else `None`.
    /// A named extension can run in another process, which rebuilds it from
    /// its own registry (distributed engines, `fugue_core::engine::portable`).
    fn registered_name(&self) -> Option<String> {
        None
    }

    /// The output schema, given the zipped inputs as empty frames
    /// (WF-COTR-2, WF-COTR-3). A schema given with the call overrides it.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` by default (no schema).
    fn output_schema(&self, dfs: &DataFrames, ctx: &ExtensionContext) -> Result<Schema> {
        let _ = (dfs, ctx);
        Err(Error::interfaceless(
            "the cotransformer declares no output schema: give one with `.schema(\"a:int,b:str\")` (WF-COTR-2)",
        ))
    }

    /// Validation rules attached to it. Cotransformers take none
    /// (WF-COTR-7): a non-empty list is refused with `ERR-NOT-SUPPORTED`
    /// when the call is made, whatever gives the output schema.
    ///
    /// # Errors
    /// Parse errors of the rules (WF-VAL-7).
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Whether it calls back to the driver (WF-RPC-3).
    fn callback_use(&self) -> CallbackUse {
        CallbackUse::None
    }

    /// Runs once per physical partition with the zipped structure, every
    /// member empty (WF-COTR-3, ENG-COMAP-5).
    ///
    /// # Errors
    /// Any error fails the run as `ERR-USER`.
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        let _ = (ctx, dfs);
        Ok(())
    }

    /// Transforms one key group into a frame with the output schema.
    ///
    /// # Errors
    /// As [`Transformer::transform`].
    fn transform(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<LocalDataFrame>;
}

/// Clones a boxed output cotransformer.
pub trait OutputCoTransformerClone {
    /// A fresh copy with the same configuration.
    fn clone_box(&self) -> Box<dyn OutputCoTransformer>;
}

impl<T: OutputCoTransformer + Clone> OutputCoTransformerClone for T {
    fn clone_box(&self) -> Box<dyn OutputCoTransformer> {
        Box::new(self.clone())
    }
}

/// An output cotransformer (WF-EXT-7): a [`CoTransformer`] that returns
/// nothing, run eagerly.
pub trait OutputCoTransformer: OutputCoTransformerClone + Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// The name it is registered under when it was built from the registry
    /// (`transformer_by_name`, a name in FugueSQL `USING`), else `None`.
    /// A named extension can run in another process, which rebuilds it from
    /// its own registry (distributed engines, `fugue_core::engine::portable`).
    fn registered_name(&self) -> Option<String> {
        None
    }

    /// Validation rules attached to it; refused as for
    /// [`CoTransformer::validation_rules`] (WF-COTR-7).
    ///
    /// # Errors
    /// Parse errors of the rules (WF-VAL-7).
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Whether it calls back to the driver (WF-RPC-3).
    fn callback_use(&self) -> CallbackUse {
        CallbackUse::None
    }

    /// As [`CoTransformer::on_init`].
    ///
    /// # Errors
    /// Any error fails the run as `ERR-USER`.
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        let _ = (ctx, dfs);
        Ok(())
    }

    /// Processes one key group.
    ///
    /// # Errors
    /// As [`Transformer::transform`].
    fn process(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<()>;
}

/// A processor (WF-EXT-2, WF-PROC-1..2): on the driver, with the engine
/// ([`ExtensionContext::engine`]), frames in, one frame out.
pub trait Processor: Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// Validation rules, checked against the partition spec of the call and
    /// against every input (WF-PROC-1).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` / `ERR-NOT-SUPPORTED` for a rule that does not
    /// parse (WF-VAL-7), reported when the extension is used.
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Produces the output frame (any engine's frame; WF-PROC-2).
    ///
    /// # Errors
    /// Any error fails the call (`ERR-USER` for user errors).
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<DataFrameRef>;
}

/// An outputter (WF-EXT-3, WF-OUT-1): on the driver, frames in, nothing out.
pub trait Outputter: Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// Validation rules (as for processors).
    ///
    /// # Errors
    /// `ERR-SCHEMA-SYNTAX` / `ERR-NOT-SUPPORTED` for a rule that does not
    /// parse (WF-VAL-7), reported when the extension is used.
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        Ok(Vec::new())
    }

    /// Consumes the frames.
    ///
    /// # Errors
    /// Any error fails the call.
    fn output(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<()>;
}

/// A creator (WF-EXT-1, WF-CREATE-1..2): on the driver, makes a frame.
pub trait Creator: Send + Sync + 'static {
    /// A stable identity for node identity and messages (WF-ID-5): the
    /// registered name (+ version) for registered extensions, the name given
    /// with `.named(..)` for closures, the type name otherwise.
    fn identity(&self) -> String {
        std::any::type_name::<Self>().to_string()
    }

    /// Makes the frame.
    ///
    /// # Errors
    /// Any error fails the call.
    fn create(&self, ctx: &ExtensionContext) -> Result<DataFrameRef>;
}

/// Checks the compile-time rules of `rules` against `spec` (WF-VAL-1..4, 9).
///
/// # Errors
/// `ERR-WF-COMPILE-VALIDATION` for the first rule not met.
pub fn validate_partition(rules: &[ValidationRule], spec: &PartitionSpec) -> Result<()> {
    rules.iter().filter(|r| r.is_compile_time()).try_for_each(|r| r.validate_partition(spec))
}

/// Checks the run-time rules of `rules` against an input schema (WF-VAL-5, 6).
///
/// # Errors
/// `ERR-WF-RUNTIME-VALIDATION` for the first rule not met.
pub fn validate_input(rules: &[ValidationRule], schema: &Schema) -> Result<()> {
    rules.iter().filter(|r| !r.is_compile_time()).try_for_each(|r| r.validate_input(schema))
}

/// Parses validation rules from `(name, value)` pairs, e.g.
/// `[("partitionby_has", "k"), ("input_has", "v:long")]` (WF-VAL-1..8).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for empty or invalid values; `ERR-NOT-SUPPORTED`
/// for an unknown rule name (WF-VAL-7).
pub fn parse_rules<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<ValidationRule>> {
    pairs.into_iter().map(|(n, v)| ValidationRule::parse(n, v)).collect()
}
