//! Plain closures as extensions (WF-EXT-8 "a function with a supported
//! signature", WF-SIG-1..7).
//!
//! A transformer closure takes the partition in any [`PartitionInput`]
//! shape, optionally after a [`TransformContext`], and returns any
//! [`PartitionOutput`] shape:
//!
//! ```
//! use fugue_api::extension::{transformer, TransformContext};
//! use fugue_core::arrow::record_batch::RecordBatch;
//! use fugue_core::{LocalDataFrame, Result};
//!
//! // the first row of each partition, as a batch; schema unchanged
//! let first = transformer(|b: RecordBatch| b.slice(0, 1)).schema("*");
//! // with the context: params and cursor
//! let tagged = transformer(|ctx: &TransformContext<'_>, df: LocalDataFrame| -> Result<LocalDataFrame> {
//!     let _key = ctx.cursor().key_value_array()?;
//!     Ok(df)
//! })
//! .schema("*")
//! .partitionby_has("k");
//! ```
//!
//! Typed rows: `|rows: Vec<In>| -> Vec<Out>` with `In: Deserialize`,
//! `Out: Serialize + Deserialize`; without `.schema(..)` the output schema
//! is traced from `Out`.
//!
//! The builder methods (`schema`, `partitionby_has`, `input_has`, ...,
//! `named`, `requires_callback`, `on_init`) configure what a Python
//! decorator would (WF-SIG-8).

use std::marker::PhantomData;
use std::sync::Arc;

use fugue_core::partition::ValidationRule;
use fugue_core::{DataFrames, Error, LocalDataFrame, Result, Schema};

use super::convert::{PartitionInput, PartitionOutput};
use super::{
    CallbackUse, CoTransformer, ExtensionContext, OutputCoTransformer, OutputSchema,
    OutputTransformer, TransformContext, Transformer,
};

type MapBody =
    Arc<dyn Fn(&TransformContext<'_>, LocalDataFrame) -> Result<LocalDataFrame> + Send + Sync>;
type InitBody = Arc<dyn Fn(&TransformContext<'_>, &LocalDataFrame) -> Result<()> + Send + Sync>;
type CoMapBody =
    Arc<dyn Fn(&TransformContext<'_>, DataFrames) -> Result<LocalDataFrame> + Send + Sync>;
type ConsumeBody = Arc<dyn Fn(&TransformContext<'_>, LocalDataFrame) -> Result<()> + Send + Sync>;
type CoConsumeBody = Arc<dyn Fn(&TransformContext<'_>, DataFrames) -> Result<()> + Send + Sync>;
type CoInitBody = Arc<dyn Fn(&TransformContext<'_>, &DataFrames) -> Result<()> + Send + Sync>;

/// The settings every closure extension shares (what a Python decorator
/// sets, WF-SIG-8).
#[derive(Clone, Default)]
struct Settings {
    schema: Option<OutputSchema>,
    implied: Option<fn() -> Option<Result<Schema>>>,
    rules: Vec<(String, String)>,
    callback: CallbackUse,
    name: Option<String>,
    /// The closure's type name, the identity of an unnamed closure.
    type_name: &'static str,
    format_hint: Option<&'static str>,
}

impl Settings {
    fn identity(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.type_name.to_string())
    }
}

impl Settings {
    fn rules(&self) -> Result<Vec<ValidationRule>> {
        self.rules.iter().map(|(n, v)| ValidationRule::parse(n, v)).collect()
    }

    fn schema_for(&self, input: &Schema, ctx: &ExtensionContext, what: &str) -> Result<Schema> {
        if let Some(s) = &self.schema {
            return s.resolve(input, ctx.params());
        }
        if let Some(implied) = self.implied.and_then(|f| f()) {
            return implied;
        }
        Err(Error::interfaceless(format!(
            "the {what} {} returns rows or frames without a declared schema: give one with `.schema(\"*,col:type\")` (WF-SIG-4, WF-TR-2)",
            self.name.as_deref().map(|n| format!("`{n}`")).unwrap_or_else(|| "closure".into())
        )))
    }
}

macro_rules! settings_builder {
    ($t:ty) => {
        impl $t {
            /// The output schema: a hint (`*,rn:long`), a schema, hint
            /// parts, or [`OutputSchema::from_fn`] (SCH-HINT-1..10). A schema
            /// given with the call overrides it.
            pub fn schema(mut self, schema: impl Into<OutputSchema>) -> Self {
                self.settings.schema = Some(schema.into());
                self
            }

            /// Adds a validation rule by name (`partitionby_has`,
            /// `partitionby_is`, `presort_has`, `presort_is`, `input_has`,
            /// `input_is`; WF-VAL-1..8). Parse errors surface when the
            /// extension is used.
            pub fn rule(mut self, name: &str, value: &str) -> Self {
                self.settings.rules.push((name.to_string(), value.to_string()));
                self
            }

            /// WF-VAL-1: every listed name is a partition key.
            pub fn partitionby_has(self, keys: &str) -> Self {
                self.rule("partitionby_has", keys)
            }

            /// WF-VAL-2: the partition keys are exactly these (any order).
            pub fn partitionby_is(self, keys: &str) -> Self {
                self.rule("partitionby_is", keys)
            }

            /// WF-VAL-3: the presort has these items (same directions).
            pub fn presort_has(self, presort: &str) -> Self {
                self.rule("presort_has", presort)
            }

            /// WF-VAL-4: the presort is exactly this.
            pub fn presort_is(self, presort: &str) -> Self {
                self.rule("presort_is", presort)
            }

            /// WF-VAL-5: the input has these columns (`a,b:int`).
            pub fn input_has(self, columns: &str) -> Self {
                self.rule("input_has", columns)
            }

            /// WF-VAL-6: the input schema is exactly this.
            pub fn input_is(self, schema: &str) -> Self {
                self.rule("input_is", schema)
            }

            /// The callback is required (`ERR-WF-INTERFACELESS` without a
            /// handler, WF-RPC-3).
            pub fn requires_callback(mut self) -> Self {
                self.settings.callback = CallbackUse::Required;
                self
            }

            /// The callback is used when given (WF-RPC-3).
            pub fn optional_callback(mut self) -> Self {
                self.settings.callback = CallbackUse::Optional;
                self
            }

            /// A stable name for messages and node identity (WF-ID-5).
            pub fn named(mut self, name: impl Into<String>) -> Self {
                self.settings.name = Some(name.into());
                self
            }

            /// The stable name, if one was given.
            pub fn name(&self) -> Option<&str> {
                self.settings.name.as_deref()
            }
        }
    };
}

/// A closure that is a transformer body: `Fn(I) -> O` or
/// `Fn(&TransformContext, I) -> O`. `M` is a marker type you never name.
pub trait TransformFn<M>: Send + Sync + 'static {
    /// The body with input and output conversions.
    #[doc(hidden)]
    fn into_body(self) -> Body;
}

/// A closure body with its conversions (internal).
#[doc(hidden)]
pub struct Body {
    map: MapBody,
    consume: ConsumeBody,
    implied: fn() -> Option<Result<Schema>>,
    hint: &'static str,
}

/// Marker: a closure of the partition only.
#[derive(Debug)]
pub struct Plain<I, O, MI, MO>(PhantomData<fn(I, MI, MO) -> O>);
/// Marker: a closure of the context and the partition.
#[derive(Debug)]
pub struct WithContext<I, O, MI, MO>(PhantomData<fn(I, MI, MO) -> O>);

impl<F, I, O, MI, MO> TransformFn<Plain<I, O, MI, MO>> for F
where
    F: Fn(I) -> O + Send + Sync + 'static,
    I: PartitionInput<MI>,
    O: PartitionOutput<MO>,
    MI: 'static,
    MO: 'static,
{
    fn into_body(self) -> Body {
        let f = Arc::new(self);
        let g = f.clone();
        Body {
            map: Arc::new(move |ctx, df| {
                f(I::from_partition(df)?).into_local(ctx.output_schema()?)
            }),
            consume: Arc::new(move |_ctx, df| g(I::from_partition(df)?).consume()),
            implied: O::implied_schema,
            hint: I::FORMAT_HINT,
        }
    }
}

impl<F, I, O, MI, MO> TransformFn<WithContext<I, O, MI, MO>> for F
where
    F: for<'a, 'b> Fn(&'a TransformContext<'b>, I) -> O + Send + Sync + 'static,
    I: PartitionInput<MI>,
    O: PartitionOutput<MO>,
    MI: 'static,
    MO: 'static,
{
    fn into_body(self) -> Body {
        let f = Arc::new(self);
        let g = f.clone();
        Body {
            map: Arc::new(move |ctx, df| {
                f(ctx, I::from_partition(df)?).into_local(ctx.output_schema()?)
            }),
            consume: Arc::new(move |ctx, df| g(ctx, I::from_partition(df)?).consume()),
            implied: O::implied_schema,
            hint: I::FORMAT_HINT,
        }
    }
}

/// A transformer made from a closure ([`transformer`]). Cloning shares the
/// closure.
#[derive(Clone)]
pub struct FnTransformer {
    body: MapBody,
    init: Option<InitBody>,
    settings: Settings,
}

settings_builder!(FnTransformer);

impl FnTransformer {
    /// Runs `f` once per physical partition before the first call
    /// (ENG-MAP-4, WF-TR-4).
    pub fn on_init(
        mut self,
        f: impl Fn(&TransformContext<'_>, &LocalDataFrame) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.init = Some(Arc::new(f));
        self
    }
}

impl std::fmt::Debug for FnTransformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnTransformer").field("name", &self.settings.name).finish()
    }
}

/// Wraps a closure as a transformer to configure it (schema, rules, name).
pub fn transformer<M>(f: impl TransformFn<M>) -> FnTransformer {
    let type_name = std::any::type_name_of_val(&f);
    let b = f.into_body();
    FnTransformer {
        body: b.map,
        init: None,
        settings: Settings {
            implied: Some(b.implied),
            format_hint: Some(b.hint),
            type_name,
            ..Settings::default()
        },
    }
}

impl Transformer for FnTransformer {
    fn identity(&self) -> String {
        self.settings.identity()
    }
    fn output_schema(&self, input: &Schema, ctx: &ExtensionContext) -> Result<Schema> {
        self.settings.schema_for(input, ctx, "transformer")
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.settings.rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.settings.callback
    }
    fn format_hint(&self) -> Option<&'static str> {
        self.settings.format_hint
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        match &self.init {
            Some(f) => f(ctx, df),
            None => Ok(()),
        }
    }
    fn transform(
        &mut self,
        ctx: &TransformContext<'_>,
        df: LocalDataFrame,
    ) -> Result<LocalDataFrame> {
        (self.body)(ctx, df)
    }
}

/// Anything usable as a transformer: a [`Transformer`] value, a closure
/// ([`TransformFn`]), or the name of a registered transformer.
pub trait IntoTransformer<M> {
    /// The transformer.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a name that is not registered.
    fn into_transformer(self) -> Result<Box<dyn Transformer>>;
}

/// Marker: a value implementing the trait.
#[derive(Debug)]
pub enum Instance {}
/// Marker: a registered name.
#[derive(Debug)]
pub enum ByName {}
/// Marker: a closure.
#[derive(Debug)]
pub struct Closure<M>(PhantomData<M>);

impl<T: Transformer> IntoTransformer<Instance> for T {
    fn into_transformer(self) -> Result<Box<dyn Transformer>> {
        Ok(Box::new(self))
    }
}

impl IntoTransformer<Instance> for Box<dyn Transformer> {
    fn into_transformer(self) -> Result<Box<dyn Transformer>> {
        Ok(self)
    }
}

impl IntoTransformer<ByName> for &str {
    fn into_transformer(self) -> Result<Box<dyn Transformer>> {
        crate::registry::transformer_by_name(self)
    }
}

impl<F: TransformFn<M>, M> IntoTransformer<Closure<M>> for F {
    fn into_transformer(self) -> Result<Box<dyn Transformer>> {
        Ok(Box::new(transformer(self)))
    }
}

/// An output transformer made from a closure ([`output_transformer`]); its
/// closure's result (frames, rows, a stream or `()`) is fully consumed and
/// discarded (WF-OTR-2).
#[derive(Clone)]
pub struct FnOutputTransformer {
    body: ConsumeBody,
    init: Option<InitBody>,
    settings: Settings,
}

settings_builder!(FnOutputTransformer);

impl std::fmt::Debug for FnOutputTransformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnOutputTransformer").field("name", &self.settings.name).finish()
    }
}

impl FnOutputTransformer {
    /// Runs `f` once per physical partition before the first call.
    pub fn on_init(
        mut self,
        f: impl Fn(&TransformContext<'_>, &LocalDataFrame) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.init = Some(Arc::new(f));
        self
    }
}

/// Wraps a closure as an output transformer.
pub fn output_transformer<M>(f: impl TransformFn<M>) -> FnOutputTransformer {
    let type_name = std::any::type_name_of_val(&f);
    let b = f.into_body();
    FnOutputTransformer {
        body: b.consume,
        init: None,
        settings: Settings {
            implied: None,
            format_hint: Some(b.hint),
            type_name,
            ..Settings::default()
        },
    }
}

impl OutputTransformer for FnOutputTransformer {
    fn identity(&self) -> String {
        self.settings.identity()
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.settings.rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.settings.callback
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        match &self.init {
            Some(f) => f(ctx, df),
            None => Ok(()),
        }
    }
    fn process(&mut self, ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<()> {
        // The result is consumed (streams drained) and dropped (WF-OTR-2/3).
        (self.body)(ctx, df)
    }
}

/// Anything usable as an output transformer: an [`OutputTransformer`]
/// value, a closure, a registered name.
pub trait IntoOutputTransformer<M> {
    /// The output transformer.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a name that is not registered.
    fn into_output_transformer(self) -> Result<Box<dyn OutputTransformer>>;
}

impl<T: OutputTransformer> IntoOutputTransformer<Instance> for T {
    fn into_output_transformer(self) -> Result<Box<dyn OutputTransformer>> {
        Ok(Box::new(self))
    }
}

impl IntoOutputTransformer<Instance> for Box<dyn OutputTransformer> {
    fn into_output_transformer(self) -> Result<Box<dyn OutputTransformer>> {
        Ok(self)
    }
}

impl IntoOutputTransformer<ByName> for &str {
    fn into_output_transformer(self) -> Result<Box<dyn OutputTransformer>> {
        crate::registry::output_transformer_by_name(self)
    }
}

impl<F: TransformFn<M>, M> IntoOutputTransformer<Closure<M>> for F {
    fn into_output_transformer(self) -> Result<Box<dyn OutputTransformer>> {
        Ok(Box::new(output_transformer(self)))
    }
}

/// A closure that is a cotransformer body: `Fn(DataFrames) -> O` or
/// `Fn(&TransformContext, DataFrames) -> O`; members of a list-like zip are
/// `_0`, `_1`, ... by position, of a dict-like zip by name (WF-COTR-5:
/// Rust closures have no parameter names, so read members with
/// [`DataFrames::get`] / [`DataFrames::get_index`]).
pub trait CoTransformFn<M>: Send + Sync + 'static {
    /// The body with the output conversion.
    #[doc(hidden)]
    fn into_body(self) -> CoBody;
}

/// A cotransformer closure body with its conversions (internal).
#[doc(hidden)]
pub struct CoBody {
    map: CoMapBody,
    consume: CoConsumeBody,
    implied: fn() -> Option<Result<Schema>>,
}

/// Marker: a closure of the zipped frames only.
#[derive(Debug)]
pub struct CoPlain<O, MO>(PhantomData<fn(MO) -> O>);
/// Marker: a closure of the context and the zipped frames.
#[derive(Debug)]
pub struct CoWithContext<O, MO>(PhantomData<fn(MO) -> O>);

impl<F, O, MO> CoTransformFn<CoPlain<O, MO>> for F
where
    F: Fn(DataFrames) -> O + Send + Sync + 'static,
    O: PartitionOutput<MO>,
    MO: 'static,
{
    fn into_body(self) -> CoBody {
        let f = Arc::new(self);
        let g = f.clone();
        CoBody {
            map: Arc::new(move |ctx, dfs| f(dfs).into_local(ctx.output_schema()?)),
            consume: Arc::new(move |_ctx, dfs| g(dfs).consume()),
            implied: O::implied_schema,
        }
    }
}

impl<F, O, MO> CoTransformFn<CoWithContext<O, MO>> for F
where
    F: for<'a, 'b> Fn(&'a TransformContext<'b>, DataFrames) -> O + Send + Sync + 'static,
    O: PartitionOutput<MO>,
    MO: 'static,
{
    fn into_body(self) -> CoBody {
        let f = Arc::new(self);
        let g = f.clone();
        CoBody {
            map: Arc::new(move |ctx, dfs| f(ctx, dfs).into_local(ctx.output_schema()?)),
            consume: Arc::new(move |ctx, dfs| g(ctx, dfs).consume()),
            implied: O::implied_schema,
        }
    }
}

/// A cotransformer made from a closure ([`cotransformer`]).
#[derive(Clone)]
pub struct FnCoTransformer {
    body: CoMapBody,
    init: Option<CoInitBody>,
    settings: Settings,
}

settings_builder!(FnCoTransformer);

impl std::fmt::Debug for FnCoTransformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnCoTransformer").field("name", &self.settings.name).finish()
    }
}

impl FnCoTransformer {
    /// Runs `f` once per physical partition with the zipped structure
    /// (members empty, WF-COTR-3).
    pub fn on_init(
        mut self,
        f: impl Fn(&TransformContext<'_>, &DataFrames) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        self.init = Some(Arc::new(f));
        self
    }
}

/// Wraps a closure as a cotransformer.
pub fn cotransformer<M>(f: impl CoTransformFn<M>) -> FnCoTransformer {
    let type_name = std::any::type_name_of_val(&f);
    let b = f.into_body();
    FnCoTransformer {
        body: b.map,
        init: None,
        settings: Settings { implied: Some(b.implied), type_name, ..Settings::default() },
    }
}

fn check_no_rules(settings: &Settings) -> Result<()> {
    if settings.rules.is_empty() {
        Ok(())
    } else {
        Err(Error::not_supported("validation rules on cotransformers (WF-COTR-7, WF-EXT-5)"))
    }
}

impl CoTransformer for FnCoTransformer {
    fn identity(&self) -> String {
        self.settings.identity()
    }

    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.settings.rules()
    }
    fn output_schema(&self, _dfs: &DataFrames, ctx: &ExtensionContext) -> Result<Schema> {
        check_no_rules(&self.settings)?;
        match &self.settings.schema {
            Some(s) => s.resolve_without_input(ctx.params()),
            None => self.settings.schema_for(&Schema::empty(), ctx, "cotransformer"),
        }
    }
    fn callback_use(&self) -> CallbackUse {
        self.settings.callback
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        match &self.init {
            Some(f) => f(ctx, dfs),
            None => Ok(()),
        }
    }
    fn transform(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<LocalDataFrame> {
        (self.body)(ctx, dfs)
    }
}

/// Anything usable as a cotransformer: a value, a closure, a registered name.
pub trait IntoCoTransformer<M> {
    /// The cotransformer.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a name that is not registered.
    fn into_cotransformer(self) -> Result<Box<dyn CoTransformer>>;
}

impl<T: CoTransformer> IntoCoTransformer<Instance> for T {
    fn into_cotransformer(self) -> Result<Box<dyn CoTransformer>> {
        Ok(Box::new(self))
    }
}

impl IntoCoTransformer<Instance> for Box<dyn CoTransformer> {
    fn into_cotransformer(self) -> Result<Box<dyn CoTransformer>> {
        Ok(self)
    }
}

impl IntoCoTransformer<ByName> for &str {
    fn into_cotransformer(self) -> Result<Box<dyn CoTransformer>> {
        crate::registry::cotransformer_by_name(self)
    }
}

impl<F: CoTransformFn<M>, M> IntoCoTransformer<Closure<M>> for F {
    fn into_cotransformer(self) -> Result<Box<dyn CoTransformer>> {
        Ok(Box::new(cotransformer(self)))
    }
}

/// An output cotransformer made from a closure ([`output_cotransformer`]).
#[derive(Clone)]
pub struct FnOutputCoTransformer {
    body: CoConsumeBody,
    settings: Settings,
}

settings_builder!(FnOutputCoTransformer);

impl std::fmt::Debug for FnOutputCoTransformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnOutputCoTransformer").field("name", &self.settings.name).finish()
    }
}

/// Wraps a closure as an output cotransformer.
pub fn output_cotransformer<M>(f: impl CoTransformFn<M>) -> FnOutputCoTransformer {
    let type_name = std::any::type_name_of_val(&f);
    let b = f.into_body();
    FnOutputCoTransformer {
        body: b.consume,
        settings: Settings { type_name, ..Settings::default() },
    }
}

impl OutputCoTransformer for FnOutputCoTransformer {
    fn identity(&self) -> String {
        self.settings.identity()
    }

    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.settings.rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.settings.callback
    }
    fn process(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<()> {
        (self.body)(ctx, dfs)
    }
}

/// Anything usable as an output cotransformer.
pub trait IntoOutputCoTransformer<M> {
    /// The output cotransformer.
    ///
    /// # Errors
    /// `ERR-WF-INTERFACELESS` for a name that is not registered.
    fn into_output_cotransformer(self) -> Result<Box<dyn OutputCoTransformer>>;
}

impl<T: OutputCoTransformer> IntoOutputCoTransformer<Instance> for T {
    fn into_output_cotransformer(self) -> Result<Box<dyn OutputCoTransformer>> {
        Ok(Box::new(self))
    }
}

impl IntoOutputCoTransformer<Instance> for Box<dyn OutputCoTransformer> {
    fn into_output_cotransformer(self) -> Result<Box<dyn OutputCoTransformer>> {
        Ok(self)
    }
}

impl IntoOutputCoTransformer<ByName> for &str {
    fn into_output_cotransformer(self) -> Result<Box<dyn OutputCoTransformer>> {
        crate::registry::output_cotransformer_by_name(self)
    }
}

impl<F: CoTransformFn<M>, M> IntoOutputCoTransformer<Closure<M>> for F {
    fn into_output_cotransformer(self) -> Result<Box<dyn OutputCoTransformer>> {
        Ok(Box::new(output_cotransformer(self)))
    }
}

impl<F> super::Processor for F
where
    F: Fn(&ExtensionContext, DataFrames) -> Result<fugue_core::DataFrameRef>
        + Send
        + Sync
        + 'static,
{
    fn process(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<fugue_core::DataFrameRef> {
        self(ctx, dfs)
    }
}

impl<F> super::Outputter for F
where
    F: Fn(&ExtensionContext, DataFrames) -> Result<()> + Send + Sync + 'static,
{
    fn output(&self, ctx: &ExtensionContext, dfs: DataFrames) -> Result<()> {
        self(ctx, dfs)
    }
}

impl<F> super::Creator for F
where
    F: Fn(&ExtensionContext) -> Result<fugue_core::DataFrameRef> + Send + Sync + 'static,
{
    fn create(&self, ctx: &ExtensionContext) -> Result<fugue_core::DataFrameRef> {
        self(ctx)
    }
}
