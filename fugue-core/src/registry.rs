//! The link-time registry of execution engines and SQL engines
//! (`inventory`), so choosing an engine is a string in configuration
//! (ENG-CTX-6).
//!
//! Each backend crate submits a factory with [`register_engine!`] /
//! [`register_sql_engine!`]. A factory exists exactly when its crate is
//! linked: a crate that nothing references is dropped by the linker, so the
//! facade `fugue` references every enabled backend (`fugue::link_engines`).
//! Library crates never anchor engines; binaries, tests and the facade do.
//!
//! The registry is read lazily and sorted by name (`inventory` gives no
//! order). Two factories with the same name or alias are reported as
//! [`Error::DuplicateEngine`], never silently shadowed.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::conf::Conf;
use crate::engine::{EngineRef, SqlEngineRef};
use crate::error::{Error, Result};

/// A registered execution-engine factory.
#[derive(Debug)]
pub struct EngineFactory {
    /// The registry name, lower case (`native`, `polars`, `datafusion`).
    pub name: &'static str,
    /// Other names that select the same engine.
    pub aliases: &'static [&'static str],
    /// The crate that registered it (`env!("CARGO_PKG_NAME")`).
    pub origin: &'static str,
    /// The crate version (`env!("CARGO_PKG_VERSION")`).
    pub version: &'static str,
    /// Builds an engine from a conf (global defaults are already applied).
    pub build: fn(Conf) -> Result<EngineRef>,
}

/// A registered SQL-engine factory.
#[derive(Debug)]
pub struct SqlEngineFactory {
    /// The registry name (`datafusion`, `polars`).
    pub name: &'static str,
    /// Other names that select the same SQL engine.
    pub aliases: &'static [&'static str],
    /// The crate that registered it.
    pub origin: &'static str,
    /// The crate version.
    pub version: &'static str,
    /// Builds a SQL engine bound to an execution engine (its conf and its frames).
    pub build: fn(EngineRef) -> Result<SqlEngineRef>,
}

inventory::collect!(EngineFactory);
inventory::collect!(SqlEngineFactory);

/// Registers an execution engine: `register_engine!("native", [], build_fn)`
/// where `build_fn: fn(Conf) -> Result<EngineRef>`. Fills `origin` and
/// `version` from the calling crate.
#[macro_export]
macro_rules! register_engine {
    ($name:expr, [$($alias:expr),* $(,)?], $build:expr) => {
        $crate::registry::inventory::submit! {
            $crate::registry::EngineFactory {
                name: $name,
                aliases: &[$($alias),*],
                origin: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
                build: $build,
            }
        }
    };
}

/// Registers a SQL engine: `register_sql_engine!("datafusion", [], build_fn)`
/// where `build_fn: fn(EngineRef) -> Result<SqlEngineRef>`.
#[macro_export]
macro_rules! register_sql_engine {
    ($name:expr, [$($alias:expr),* $(,)?], $build:expr) => {
        $crate::registry::inventory::submit! {
            $crate::registry::SqlEngineFactory {
                name: $name,
                aliases: &[$($alias),*],
                origin: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
                build: $build,
            }
        }
    };
}

#[doc(hidden)]
pub use inventory;

/// A registered engine as listed by [`registered_engines`] / [`registered_sql_engines`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineInfo {
    /// The registry name.
    pub name: &'static str,
    /// Other names.
    pub aliases: Vec<&'static str>,
    /// The crate that registered it.
    pub origin: &'static str,
    /// The crate version.
    pub version: &'static str,
}

/// The Cargo feature of the facade that links each known engine.
const KNOWN: &[(&str, &str, &str)] = &[
    ("native", "native", "fugue_native"),
    ("polars", "polars", "fugue_polars"),
    ("datafusion", "datafusion", "fugue_datafusion"),
];

fn hint_for(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match KNOWN.iter().find(|(n, _, _)| *n == lower) {
        Some((_, feature, krate)) => format!(
            "enable feature `{feature}` of the `fugue` crate, or add `use {krate} as _;` to your binary"
        ),
        None => String::new(),
    }
}

struct Index<T: 'static> {
    by_name: BTreeMap<String, &'static T>,
    duplicates: BTreeMap<String, (&'static str, &'static str)>,
}

trait Named {
    fn name(&self) -> &'static str;
    fn aliases(&self) -> &'static [&'static str];
    fn origin(&self) -> &'static str;
}
impl Named for EngineFactory {
    fn name(&self) -> &'static str {
        self.name
    }
    fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }
    fn origin(&self) -> &'static str {
        self.origin
    }
}
impl Named for SqlEngineFactory {
    fn name(&self) -> &'static str {
        self.name
    }
    fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }
    fn origin(&self) -> &'static str {
        self.origin
    }
}

fn build_index<T: Named + 'static>(items: impl Iterator<Item = &'static T>) -> Index<T> {
    let mut by_name: BTreeMap<String, &'static T> = BTreeMap::new();
    let mut duplicates = BTreeMap::new();
    for f in items {
        for n in std::iter::once(f.name()).chain(f.aliases().iter().copied()) {
            let key = n.to_ascii_lowercase();
            match by_name.get(&key) {
                Some(prev) => {
                    duplicates.insert(key, (prev.origin(), f.origin()));
                }
                None => {
                    by_name.insert(key, f);
                }
            }
        }
    }
    Index { by_name, duplicates }
}

fn engines() -> &'static Index<EngineFactory> {
    static INDEX: OnceLock<Index<EngineFactory>> = OnceLock::new();
    INDEX.get_or_init(|| build_index(inventory::iter::<EngineFactory>.into_iter()))
}

fn sql_engines() -> &'static Index<SqlEngineFactory> {
    static INDEX: OnceLock<Index<SqlEngineFactory>> = OnceLock::new();
    INDEX.get_or_init(|| build_index(inventory::iter::<SqlEngineFactory>.into_iter()))
}

fn infos<T: Named>(index: &Index<T>, version: impl Fn(&T) -> &'static str) -> Vec<EngineInfo> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for f in index.by_name.values() {
        if seen.insert((f.name(), f.origin())) {
            out.push(EngineInfo {
                name: f.name(),
                aliases: f.aliases().to_vec(),
                origin: f.origin(),
                version: version(f),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(b.name));
    out
}

/// The execution engines linked into this binary, sorted by name.
pub fn registered_engines() -> Vec<EngineInfo> {
    infos(engines(), |f| f.version)
}

/// The SQL engines linked into this binary, sorted by name.
pub fn registered_sql_engines() -> Vec<EngineInfo> {
    infos(sql_engines(), |f| f.version)
}

/// Names registered twice, with the two crates that registered them.
pub fn duplicate_registrations() -> Vec<Error> {
    let mut out = Vec::new();
    for (name, (a, b)) in &engines().duplicates {
        out.push(Error::DuplicateEngine {
            what: "execution engine",
            name: name.clone(),
            first: a,
            second: b,
        });
    }
    for (name, (a, b)) in &sql_engines().duplicates {
        out.push(Error::DuplicateEngine {
            what: "SQL engine",
            name: name.clone(),
            first: a,
            second: b,
        });
    }
    out
}

fn list_names<T: Named>(index: &Index<T>) -> String {
    if index.by_name.is_empty() {
        "none".to_string()
    } else {
        index.by_name.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
    }
}

/// The name used when none is given: `native` when linked, else the only
/// (or first, by name) registered engine.
fn default_engine_name() -> Option<String> {
    let index = engines();
    if index.by_name.contains_key("native") {
        return Some("native".into());
    }
    index.by_name.keys().next().cloned()
}

/// Builds the execution engine registered as `name` (case-insensitive; an
/// empty name selects the default engine, `native` when linked) from `conf`
/// overlaid on the global defaults (ENG-CTX-6, ENG-CONF-1).
///
/// # Errors
/// `ERR-PLUGIN` when no engine of that name is linked (the message lists the
/// registered names and which Cargo feature links the requested one) or when
/// the name is registered twice; the factory's own errors.
pub fn make_engine(name: &str, conf: Conf) -> Result<EngineRef> {
    let index = engines();
    let key = if name.trim().is_empty() {
        default_engine_name().unwrap_or_default()
    } else {
        name.trim().to_ascii_lowercase()
    };
    if let Some((a, b)) = index.duplicates.get(&key) {
        return Err(Error::DuplicateEngine {
            what: "execution engine",
            name: key,
            first: a,
            second: b,
        });
    }
    let factory = index.by_name.get(&key).ok_or_else(|| Error::UnknownEngine {
        what: "execution engine",
        name: name.to_string(),
        registered: list_names(index),
        hint: hint_for(&key),
    })?;
    let mut full = Conf::new();
    full.merge(&conf);
    (factory.build)(full)
}

/// Builds the SQL engine registered as `name` (case-insensitive) bound to
/// `engine` (ENG-SQL-4).
///
/// # Errors
/// `ERR-PLUGIN` when no SQL engine of that name is linked or the name is
/// registered twice; the factory's own errors.
pub fn make_sql_engine(name: &str, engine: EngineRef) -> Result<SqlEngineRef> {
    let index = sql_engines();
    let key = name.trim().to_ascii_lowercase();
    if let Some((a, b)) = index.duplicates.get(&key) {
        return Err(Error::DuplicateEngine { what: "SQL engine", name: key, first: a, second: b });
    }
    let factory = index.by_name.get(&key).ok_or_else(|| Error::UnknownEngine {
        what: "SQL engine",
        name: name.to_string(),
        registered: list_names(index),
        hint: hint_for(&key),
    })?;
    (factory.build)(Arc::clone(&engine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn fail_build(_: Conf) -> Result<EngineRef> {
        Err(Error::invalid_op("registry test factory: built on purpose without an engine"))
    }

    crate::register_engine!("registry-test", ["registry-test-alias"], fail_build);
    crate::register_engine!("registry-dup", [], fail_build);
    crate::register_engine!("registry-dup", [], fail_build);

    #[test]
    fn eng_ctx_6_registered_engines_are_listed_and_sorted() {
        let names: Vec<&str> = registered_engines().iter().map(|e| e.name).collect();
        assert!(names.contains(&"registry-test"), "{names:?}");
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let info = registered_engines().into_iter().find(|e| e.name == "registry-test");
        assert_eq!(
            info.map(|i| (i.origin, i.aliases)),
            Some(("fugue-core", vec!["registry-test-alias"]))
        );
    }

    #[test]
    fn eng_ctx_6_names_and_aliases_reach_the_factory_case_insensitively() {
        for name in ["registry-test", "REGISTRY-TEST", "registry-test-alias"] {
            let e = make_engine(name, Conf::new()).err().map(|e| e.kind());
            // The factory itself refuses, which proves the name resolved to it.
            assert_eq!(e, Some(ErrorKind::InvalidOperation), "{name}");
        }
    }

    #[test]
    fn eng_ctx_6_unknown_name_is_err_plugin_listing_names_and_feature() {
        let err = make_engine("polars", Conf::new()).err();
        let err = err.filter(|e| e.kind() == ErrorKind::Plugin);
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("`registry-test`"), "{msg}");
        assert!(msg.contains("feature `polars`"), "{msg}");
        let toy: EngineRef = Arc::new(crate::engine::toy::ToyEngine::default());
        let sql = make_sql_engine("nope", toy);
        assert_eq!(sql.err().map(|e| e.kind()), Some(ErrorKind::Plugin));
    }

    #[test]
    fn duplicate_names_are_reported_not_shadowed() {
        let err = make_engine("registry-dup", Conf::new()).err();
        assert!(matches!(err, Some(Error::DuplicateEngine { .. })), "{err:?}");
        assert!(duplicate_registrations().iter().any(|e| e.to_string().contains("registry-dup")));
    }
}
