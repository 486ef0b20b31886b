//! Extensions by name (WF-REG-1, WF-ID-5): what FugueSQL's `USING name`
//! and executors in other processes use to find user code, since a closure
//! cannot travel.
//!
//! Two layers:
//! - **link time**: [`register_transformer!`](crate::register_transformer)
//!   and its siblings submit a factory with `inventory`; it exists whenever
//!   the crate is linked, in every process (the way engines register).
//!   Two link-time factories with one name of one kind are an error naming
//!   both crates, never a silent shadow.
//! - **run time**: [`register_transformer`] and its siblings (WF-REG-1,
//!   `on_dup` overwrite by default) for extensions built at run time.
//!   A run-time entry wins over a link-time one.
//!
//! A registered extension is built from its name alone (a factory with no
//! arguments); its params arrive with each call.
//!
//! ```
//! use fugue_api::extension::transformer;
//! use fugue_core::arrow::record_batch::RecordBatch;
//!
//! fn first_row() -> fugue_api::extension::closure::FnTransformer {
//!     transformer(|b: RecordBatch| b.slice(0, 1)).schema("*")
//! }
//! fugue_api::register_transformer!("doc_first_row", first_row);
//!
//! let t = fugue_api::registry::transformer_by_name("doc_first_row")?;
//! # let _ = t;
//! let err = fugue_api::registry::transformer_by_name("doc_first_rows").err().unwrap();
//! assert!(err.to_string().contains("did you mean `doc_first_row`"));
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use fugue_core::conf::OnDup;
use fugue_core::{Error, Result};

use crate::extension::{
    CoTransformer, Creator, ExtensionKind, IntoCoTransformer, IntoOutputCoTransformer,
    IntoOutputTransformer, IntoTransformer, OutputCoTransformer, OutputTransformer, Outputter,
    Processor, Transformer,
};

/// An extension of any kind, as a registry entry builds it.
pub enum AnyExtension {
    /// A creator.
    Creator(Box<dyn Creator>),
    /// A processor.
    Processor(Box<dyn Processor>),
    /// An outputter.
    Outputter(Box<dyn Outputter>),
    /// A transformer.
    Transformer(Box<dyn Transformer>),
    /// A cotransformer.
    CoTransformer(Box<dyn CoTransformer>),
    /// An output transformer.
    OutputTransformer(Box<dyn OutputTransformer>),
    /// An output cotransformer.
    OutputCoTransformer(Box<dyn OutputCoTransformer>),
}

impl std::fmt::Debug for AnyExtension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnyExtension::{}", self.kind())
    }
}

impl AnyExtension {
    /// Its kind.
    pub fn kind(&self) -> ExtensionKind {
        match self {
            AnyExtension::Creator(_) => ExtensionKind::Creator,
            AnyExtension::Processor(_) => ExtensionKind::Processor,
            AnyExtension::Outputter(_) => ExtensionKind::Outputter,
            AnyExtension::Transformer(_) => ExtensionKind::Transformer,
            AnyExtension::CoTransformer(_) => ExtensionKind::CoTransformer,
            AnyExtension::OutputTransformer(_) => ExtensionKind::OutputTransformer,
            AnyExtension::OutputCoTransformer(_) => ExtensionKind::OutputCoTransformer,
        }
    }
}

/// A link-time registry entry (submitted by the `register_*!` macros).
#[derive(Debug)]
pub struct ExtensionFactory {
    /// The kind, the registry namespace.
    pub kind: ExtensionKind,
    /// The stable name (its identity, WF-ID-5).
    pub name: &'static str,
    /// An optional version, part of the identity.
    pub version: &'static str,
    /// The crate that registered it.
    pub origin: &'static str,
    /// Builds a fresh instance.
    pub build: fn() -> AnyExtension,
}

inventory::collect!(ExtensionFactory);

/// Identity and origin of a registered extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionInfo {
    /// The kind.
    pub kind: ExtensionKind,
    /// The name.
    pub name: String,
    /// The version (may be empty).
    pub version: String,
    /// The crate that registered it, or `runtime`.
    pub origin: String,
}

#[doc(hidden)]
#[macro_export]
macro_rules! __register_extension {
    ($kind:ident, $variant:ident, $name:expr, $version:expr, $build:expr) => {
        $crate::inventory::submit! {
            $crate::registry::ExtensionFactory {
                kind: $crate::extension::ExtensionKind::$kind,
                name: $name,
                version: $version,
                origin: env!("CARGO_PKG_NAME"),
                build: || $crate::registry::AnyExtension::$variant(::std::boxed::Box::new(($build)())),
            }
        }
    };
}

/// Registers a transformer at link time: `register_transformer!("name", f)`
/// where `f: fn() -> T`, `T: Transformer` (or `("name", "1.0", f)`).
#[macro_export]
macro_rules! register_transformer {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(Transformer, Transformer, $name, $version, $build);
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(Transformer, Transformer, $name, "", $build);
    };
}

/// Registers a cotransformer at link time (see [`register_transformer!`](crate::register_transformer!)).
#[macro_export]
macro_rules! register_cotransformer {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(CoTransformer, CoTransformer, $name, $version, $build);
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(CoTransformer, CoTransformer, $name, "", $build);
    };
}

/// Registers an output transformer at link time.
#[macro_export]
macro_rules! register_output_transformer {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(
            OutputTransformer,
            OutputTransformer,
            $name,
            $version,
            $build
        );
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(OutputTransformer, OutputTransformer, $name, "", $build);
    };
}

/// Registers an output cotransformer at link time.
#[macro_export]
macro_rules! register_output_cotransformer {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(
            OutputCoTransformer,
            OutputCoTransformer,
            $name,
            $version,
            $build
        );
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(OutputCoTransformer, OutputCoTransformer, $name, "", $build);
    };
}

/// Registers a processor at link time.
#[macro_export]
macro_rules! register_processor {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(Processor, Processor, $name, $version, $build);
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(Processor, Processor, $name, "", $build);
    };
}

/// Registers an outputter at link time.
#[macro_export]
macro_rules! register_outputter {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(Outputter, Outputter, $name, $version, $build);
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(Outputter, Outputter, $name, "", $build);
    };
}

/// Registers a creator at link time.
#[macro_export]
macro_rules! register_creator {
    ($name:expr, $version:expr, $build:expr) => {
        $crate::__register_extension!(Creator, Creator, $name, $version, $build);
    };
    ($name:expr, $build:expr) => {
        $crate::__register_extension!(Creator, Creator, $name, "", $build);
    };
}

type RuntimeBuild = Arc<dyn Fn() -> AnyExtension + Send + Sync>;

struct LinkIndex {
    by_key: BTreeMap<(ExtensionKind, String), &'static ExtensionFactory>,
    duplicates: HashMap<(ExtensionKind, String), (&'static str, &'static str)>,
}

fn link_index() -> &'static LinkIndex {
    static INDEX: OnceLock<LinkIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by_key = BTreeMap::new();
        let mut duplicates = HashMap::new();
        for f in inventory::iter::<ExtensionFactory> {
            let key = (f.kind, f.name.to_string());
            if let Some(prev) = by_key.insert(key.clone(), f) {
                duplicates.insert(key, (prev.origin, f.origin));
            }
        }
        LinkIndex { by_key, duplicates }
    })
}

type RuntimeMap = BTreeMap<(ExtensionKind, String), (RuntimeBuild, String)>;

fn runtime() -> &'static RwLock<RuntimeMap> {
    static RT: OnceLock<RwLock<RuntimeMap>> = OnceLock::new();
    RT.get_or_init(Default::default)
}

fn register_runtime(
    kind: ExtensionKind,
    name: &str,
    build: RuntimeBuild,
    on_dup: OnDup,
) -> Result<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::arg("name", "an extension name cannot be empty (WF-REG-1)"));
    }
    let mut map = runtime().write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = (kind, name.to_string());
    let exists = map.contains_key(&key) || link_index().by_key.contains_key(&key);
    match on_dup {
        OnDup::Ignore if exists => return Ok(()),
        OnDup::Throw if exists => {
            return Err(Error::AlreadyExists(format!(
                "{kind} `{name}` is already registered (WF-REG-1)"
            )));
        }
        _ => {}
    }
    map.insert(key, (build, "runtime".to_string()));
    Ok(())
}

/// Levenshtein distance for "did you mean" hints (also used by the module
/// registry of `fugue-workflow`).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Every registered extension (link time and run time), sorted by kind and name.
pub fn registered_extensions() -> Vec<ExtensionInfo> {
    let mut out: BTreeMap<(ExtensionKind, String), ExtensionInfo> = link_index()
        .by_key
        .iter()
        .map(|(k, f)| {
            (
                k.clone(),
                ExtensionInfo {
                    kind: f.kind,
                    name: f.name.to_string(),
                    version: f.version.to_string(),
                    origin: f.origin.to_string(),
                },
            )
        })
        .collect();
    for ((kind, name), (_, origin)) in
        runtime().read().unwrap_or_else(std::sync::PoisonError::into_inner).iter()
    {
        out.insert(
            (*kind, name.clone()),
            ExtensionInfo {
                kind: *kind,
                name: name.clone(),
                version: String::new(),
                origin: origin.clone(),
            },
        );
    }
    out.into_values().collect()
}

/// Link-time registrations that share a name within a kind, each as the
/// `ERR-PLUGIN`-style error a lookup of that name returns.
pub fn duplicate_extensions() -> Vec<Error> {
    link_index()
        .duplicates
        .iter()
        .map(|((kind, name), (a, b))| {
            Error::AlreadyExists(format!(
                "{kind} `{name}` is registered twice, by `{a}` and by `{b}`: rename one (WF-REG-1)"
            ))
        })
        .collect()
}

/// Builds the extension registered as `name` of `kind`.
///
/// # Errors
/// `ERR-WF-INTERFACELESS` when the name is not registered for `kind`; the
/// message names the kinds it *is* registered under and close names
/// (edit distance ≤ 2). `ERR-EXISTS` when two crates registered the name.
pub fn build_extension(kind: ExtensionKind, name: &str) -> Result<AnyExtension> {
    let name = name.trim();
    let key = (kind, name.to_string());
    if let Some((build, _)) =
        runtime().read().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key)
    {
        return Ok(build());
    }
    let index = link_index();
    if let Some((a, b)) = index.duplicates.get(&key) {
        return Err(Error::AlreadyExists(format!(
            "{kind} `{name}` is registered twice, by `{a}` and by `{b}`: rename one (WF-REG-1)"
        )));
    }
    if let Some(f) = index.by_key.get(&key) {
        return Ok((f.build)());
    }
    let all = registered_extensions();
    let other_kinds: Vec<String> =
        all.iter().filter(|e| e.name == name).map(|e| e.kind.to_string()).collect();
    let close: Vec<String> = all
        .iter()
        .filter(|e| e.kind == kind && distance(&e.name, name) <= 2)
        .map(|e| format!("`{}`", e.name))
        .collect();
    let mut msg = format!("no {kind} is registered as `{name}`");
    if !other_kinds.is_empty() {
        msg.push_str(&format!("; `{name}` is a {}", other_kinds.join(", a ")));
    }
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    msg.push_str(" (register it with `fugue_api::register_");
    msg.push_str(match kind {
        ExtensionKind::Creator => "creator",
        ExtensionKind::Processor => "processor",
        ExtensionKind::Outputter => "outputter",
        ExtensionKind::Transformer => "transformer",
        ExtensionKind::CoTransformer => "cotransformer",
        ExtensionKind::OutputTransformer => "output_transformer",
        ExtensionKind::OutputCoTransformer => "output_cotransformer",
    });
    msg.push_str("!`, and make sure its crate is linked; WF-REG-1)");
    Err(Error::interfaceless(msg))
}

macro_rules! wrap_named {
    (Transformer, $x:expr, $name:expr) => {
        Box::new(Named {
            inner: $x,
            identity: identity_of(ExtensionKind::Transformer, $name.trim()),
            name: $name.trim().to_string(),
        })
    };
    (CoTransformer, $x:expr, $name:expr) => {
        Box::new(Named {
            inner: $x,
            identity: identity_of(ExtensionKind::CoTransformer, $name.trim()),
            name: $name.trim().to_string(),
        })
    };
    (OutputTransformer, $x:expr, $name:expr) => {
        Box::new(Named {
            inner: $x,
            identity: identity_of(ExtensionKind::OutputTransformer, $name.trim()),
            name: $name.trim().to_string(),
        })
    };
    (OutputCoTransformer, $x:expr, $name:expr) => {
        Box::new(Named {
            inner: $x,
            identity: identity_of(ExtensionKind::OutputCoTransformer, $name.trim()),
            name: $name.trim().to_string(),
        })
    };
    ($other:ident, $x:expr, $name:expr) => {
        $x
    };
}

macro_rules! by_name {
    ($(#[$doc:meta])* $fn:ident, $kind:ident, $t:ident) => {
        $(#[$doc])*
        ///
        /// # Errors
        /// As [`build_extension`].
        pub fn $fn(name: &str) -> Result<Box<dyn $t>> {
            match build_extension(ExtensionKind::$kind, name)? {
                AnyExtension::$kind(x) => Ok(wrap_named!($kind, x, name)),
                other => Err(Error::internal(format!("registry entry of kind {} under {}", other.kind(), ExtensionKind::$kind))),
            }
        }
    };
}

by_name!(/// The transformer registered as `name`.
    transformer_by_name, Transformer, Transformer);
by_name!(/// The cotransformer registered as `name`.
    cotransformer_by_name, CoTransformer, CoTransformer);
by_name!(/// The output transformer registered as `name`.
    output_transformer_by_name, OutputTransformer, OutputTransformer);
by_name!(/// The output cotransformer registered as `name`.
    output_cotransformer_by_name, OutputCoTransformer, OutputCoTransformer);
by_name!(/// The processor registered as `name`.
    processor_by_name, Processor, Processor);
by_name!(/// The outputter registered as `name`.
    outputter_by_name, Outputter, Outputter);
by_name!(/// The creator registered as `name`.
    creator_by_name, Creator, Creator);

/// Registers a transformer at run time under `name` (WF-REG-1); each use
/// gets a clone of `t`.
///
/// # Errors
/// `ERR-ARG` for an empty name; `ERR-EXISTS` with [`OnDup::Throw`] when the
/// name exists.
pub fn register_transformer<M>(
    name: &str,
    t: impl IntoTransformer<M>,
    on_dup: OnDup,
) -> Result<()> {
    let proto: Arc<dyn Transformer> = Arc::from(t.into_transformer()?);
    register_runtime(
        ExtensionKind::Transformer,
        name,
        Arc::new(move || AnyExtension::Transformer(proto.clone_box())),
        on_dup,
    )
}

/// Registers a cotransformer at run time (WF-REG-1).
///
/// # Errors
/// As [`register_transformer`].
pub fn register_cotransformer<M>(
    name: &str,
    t: impl IntoCoTransformer<M>,
    on_dup: OnDup,
) -> Result<()> {
    let proto: Arc<dyn CoTransformer> = Arc::from(t.into_cotransformer()?);
    register_runtime(
        ExtensionKind::CoTransformer,
        name,
        Arc::new(move || AnyExtension::CoTransformer(proto.clone_box())),
        on_dup,
    )
}

/// Registers an output transformer at run time (WF-REG-1).
///
/// # Errors
/// As [`register_transformer`].
pub fn register_output_transformer<M>(
    name: &str,
    t: impl IntoOutputTransformer<M>,
    on_dup: OnDup,
) -> Result<()> {
    let proto: Arc<dyn OutputTransformer> = Arc::from(t.into_output_transformer()?);
    register_runtime(
        ExtensionKind::OutputTransformer,
        name,
        Arc::new(move || AnyExtension::OutputTransformer(proto.clone_box())),
        on_dup,
    )
}

/// Registers an output cotransformer at run time (WF-REG-1).
///
/// # Errors
/// As [`register_transformer`].
pub fn register_output_cotransformer<M>(
    name: &str,
    t: impl IntoOutputCoTransformer<M>,
    on_dup: OnDup,
) -> Result<()> {
    let proto: Arc<dyn OutputCoTransformer> = Arc::from(t.into_output_cotransformer()?);
    register_runtime(
        ExtensionKind::OutputCoTransformer,
        name,
        Arc::new(move || AnyExtension::OutputCoTransformer(proto.clone_box())),
        on_dup,
    )
}

/// Registers a processor at run time (WF-REG-1): `build` makes a fresh one per use.
///
/// # Errors
/// As [`register_transformer`].
pub fn register_processor<P: Processor>(
    name: &str,
    build: impl Fn() -> P + Send + Sync + 'static,
    on_dup: OnDup,
) -> Result<()> {
    register_runtime(
        ExtensionKind::Processor,
        name,
        Arc::new(move || AnyExtension::Processor(Box::new(build()))),
        on_dup,
    )
}

/// Registers an outputter at run time (WF-REG-1).
///
/// # Errors
/// As [`register_transformer`].
pub fn register_outputter<O: Outputter>(
    name: &str,
    build: impl Fn() -> O + Send + Sync + 'static,
    on_dup: OnDup,
) -> Result<()> {
    register_runtime(
        ExtensionKind::Outputter,
        name,
        Arc::new(move || AnyExtension::Outputter(Box::new(build()))),
        on_dup,
    )
}

/// Registers a creator at run time (WF-REG-1).
///
/// # Errors
/// As [`register_transformer`].
pub fn register_creator<C: Creator>(
    name: &str,
    build: impl Fn() -> C + Send + Sync + 'static,
    on_dup: OnDup,
) -> Result<()> {
    register_runtime(
        ExtensionKind::Creator,
        name,
        Arc::new(move || AnyExtension::Creator(Box::new(build()))),
        on_dup,
    )
}

fn identity_of(kind: ExtensionKind, name: &str) -> String {
    let version = registered_extensions()
        .into_iter()
        .find(|e| e.kind == kind && e.name == name)
        .map(|e| e.version)
        .unwrap_or_default();
    if version.is_empty() { format!("{kind}:{name}") } else { format!("{kind}:{name}@{version}") }
}

/// A registered extension carries its registry name (+ version) as its
/// identity (WF-ID-5), whatever type the factory built; every other method
/// delegates.
struct Named<T: ?Sized> {
    inner: Box<T>,
    identity: String,
    name: String,
}

use crate::extension::{CallbackUse, ExtensionContext, TransformContext};
use fugue_core::partition::ValidationRule;
use fugue_core::{DataFrames, LocalDataFrame, Schema};

impl Clone for Named<dyn Transformer> {
    fn clone(&self) -> Self {
        Named {
            inner: self.inner.clone_box(),
            identity: self.identity.clone(),
            name: self.name.clone(),
        }
    }
}

impl Transformer for Named<dyn Transformer> {
    fn identity(&self) -> String {
        self.identity.clone()
    }
    fn registered_name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn output_schema(&self, input: &Schema, ctx: &ExtensionContext) -> Result<Schema> {
        self.inner.output_schema(input, ctx)
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.inner.validation_rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.inner.callback_use()
    }
    fn format_hint(&self) -> Option<&'static str> {
        self.inner.format_hint()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        self.inner.on_init(ctx, df)
    }
    fn transform(
        &mut self,
        ctx: &TransformContext<'_>,
        df: LocalDataFrame,
    ) -> Result<LocalDataFrame> {
        self.inner.transform(ctx, df)
    }
}

impl Clone for Named<dyn CoTransformer> {
    fn clone(&self) -> Self {
        Named {
            inner: self.inner.clone_box(),
            identity: self.identity.clone(),
            name: self.name.clone(),
        }
    }
}

impl CoTransformer for Named<dyn CoTransformer> {
    fn identity(&self) -> String {
        self.identity.clone()
    }
    fn registered_name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn output_schema(&self, dfs: &DataFrames, ctx: &ExtensionContext) -> Result<Schema> {
        self.inner.output_schema(dfs, ctx)
    }
    fn callback_use(&self) -> CallbackUse {
        self.inner.callback_use()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        self.inner.on_init(ctx, dfs)
    }
    fn transform(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<LocalDataFrame> {
        self.inner.transform(ctx, dfs)
    }
}

impl Clone for Named<dyn OutputTransformer> {
    fn clone(&self) -> Self {
        Named {
            inner: self.inner.clone_box(),
            identity: self.identity.clone(),
            name: self.name.clone(),
        }
    }
}

impl OutputTransformer for Named<dyn OutputTransformer> {
    fn identity(&self) -> String {
        self.identity.clone()
    }
    fn registered_name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn validation_rules(&self) -> Result<Vec<ValidationRule>> {
        self.inner.validation_rules()
    }
    fn callback_use(&self) -> CallbackUse {
        self.inner.callback_use()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, df: &LocalDataFrame) -> Result<()> {
        self.inner.on_init(ctx, df)
    }
    fn process(&mut self, ctx: &TransformContext<'_>, df: LocalDataFrame) -> Result<()> {
        self.inner.process(ctx, df)
    }
}

impl Clone for Named<dyn OutputCoTransformer> {
    fn clone(&self) -> Self {
        Named {
            inner: self.inner.clone_box(),
            identity: self.identity.clone(),
            name: self.name.clone(),
        }
    }
}

impl OutputCoTransformer for Named<dyn OutputCoTransformer> {
    fn identity(&self) -> String {
        self.identity.clone()
    }
    fn registered_name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn callback_use(&self) -> CallbackUse {
        self.inner.callback_use()
    }
    fn on_init(&mut self, ctx: &TransformContext<'_>, dfs: &DataFrames) -> Result<()> {
        self.inner.on_init(ctx, dfs)
    }
    fn process(&mut self, ctx: &TransformContext<'_>, dfs: DataFrames) -> Result<()> {
        self.inner.process(ctx, dfs)
    }
}

// ------------------------------------------------------------- callbacks

type CallbackMap = BTreeMap<String, Arc<dyn crate::rpc::RpcHandler>>;

fn callbacks() -> &'static RwLock<CallbackMap> {
    static CB: OnceLock<RwLock<CallbackMap>> = OnceLock::new();
    CB.get_or_init(Default::default)
}

/// Registers a callback handler at run time under `name` (WF-REG-1,
/// WF-RPC-1): FugueSQL's `CALLBACK name` (FSQL-STMT-TRANSFORM-5) finds it
/// with [`callback_by_name`]. Every use shares the one handler.
///
/// ```
/// use fugue_api::rpc::handler;
/// use fugue_core::conf::OnDup;
/// fugue_api::registry::register_callback("doc_add", handler(|(a, b): (i64, i64)| Ok(a + b)), OnDup::Overwrite)?;
/// let h = fugue_api::registry::callback_by_name("doc_add")?;
/// assert_eq!(h.call(serde_json::json!([2, 3]))?, serde_json::json!(5));
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-ARG` for an empty name; `ERR-EXISTS` with [`OnDup::Throw`] when the
/// name exists.
pub fn register_callback(
    name: &str,
    handler: Arc<dyn crate::rpc::RpcHandler>,
    on_dup: OnDup,
) -> Result<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::arg("name", "a callback name cannot be empty (WF-REG-1)"));
    }
    let mut map = callbacks().write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let exists = map.contains_key(name);
    match on_dup {
        OnDup::Ignore if exists => return Ok(()),
        OnDup::Throw if exists => {
            return Err(Error::AlreadyExists(format!(
                "callback `{name}` is already registered (WF-REG-1)"
            )));
        }
        _ => {}
    }
    map.insert(name.to_string(), handler);
    Ok(())
}

/// The callback handler registered as `name` with [`register_callback`].
///
/// # Errors
/// `ERR-WF-INTERFACELESS` when no callback has that name; the message names
/// close registered names (edit distance ≤ 2).
pub fn callback_by_name(name: &str) -> Result<Arc<dyn crate::rpc::RpcHandler>> {
    let name = name.trim();
    let map = callbacks().read().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(h) = map.get(name) {
        return Ok(Arc::clone(h));
    }
    let close: Vec<String> =
        map.keys().filter(|k| distance(k, name) <= 2).map(|k| format!("`{k}`")).collect();
    let mut msg = format!("no callback is registered as `{name}`");
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    msg.push_str(" (register it with `fugue_api::registry::register_callback`; WF-REG-1)");
    Err(Error::interfaceless(msg))
}
