//! [`Conf`]: the configuration of engines and workflows, and the `fugue.*`
//! keys of `spec/CONFIG.md` (CFG-1..17, ENG-CONF-1..6).
//!
//! A conf is an ordered map from key to JSON value. Unknown keys are kept
//! and visible (ENG-CONF-1); typed getters convert values on read
//! (ENG-CONF-3, ENG-CONF-4). [`Conf::new`] starts from the process-wide
//! global defaults, which [`register_global_conf`] extends (ENG-CONF-6).
//!
//! ```
//! use fugue_core::conf::{self, Conf};
//!
//! let user = Conf::from_pairs([(conf::WORKFLOW_CONCURRENCY, "4"), ("my.key", "x")]);
//! let engine_conf = Conf::new().with(&user); // defaults overlaid by the user conf (ENG-CONF-1)
//! assert_eq!(engine_conf.get(conf::WORKFLOW_CONCURRENCY, 1i64)?, 4); // text "4" read as an integer
//! assert_eq!(engine_conf.get(conf::SQL_COMPILE_DIALECT, String::new())?, "spark");
//! assert_eq!(engine_conf.get_or_none::<bool>(conf::TEST)?, None);
//! assert_eq!(engine_conf.get_or_throw::<String>("my.key")?, "x");
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::sync::{LazyLock, PoisonError, RwLock};

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::error::{Error, Result};

/// CFG-1 `fugue.workflow.concurrency` (int, default `1`, compile scope): the
/// maximum number of DAG nodes run in parallel; ≤ 1 = sequential (WF-CONC).
pub const WORKFLOW_CONCURRENCY: &str = "fugue.workflow.concurrency";
/// CFG-2 `fugue.workflow.checkpoint.path` (str, default unset; `""` after
/// trimming = unset, engine scope): base folder of strong/deterministic
/// checkpoints and file yields (WF-CKPT-4/5).
pub const WORKFLOW_CHECKPOINT_PATH: &str = "fugue.workflow.checkpoint.path";
/// CFG-3 `fugue.workflow.auto_persist` (bool, default `false`, compile scope):
/// persist nodes consumed more than once (WF-AP-1).
pub const WORKFLOW_AUTO_PERSIST: &str = "fugue.workflow.auto_persist";
/// CFG-4 `fugue.workflow.auto_persist_value` (any, default unset, compile
/// scope): the `level` passed to `persist` for auto-persisted nodes (ENG-PERSIST-3).
pub const WORKFLOW_AUTO_PERSIST_VALUE: &str = "fugue.workflow.auto_persist_value";
/// CFG-5 `fugue.workflow.cache.path` (str, default none): declared by Python
/// but never read; no meaning in Rust.
pub const WORKFLOW_CACHE_PATH: &str = "fugue.workflow.cache.path";
/// CFG-6 `fugue.workflow.exception.hide` (str, default
/// [`WORKFLOW_EXCEPTION_HIDE_DEFAULT`], compile scope): Python traceback
/// module prefixes; kept for compatibility, no meaning in Rust.
pub const WORKFLOW_EXCEPTION_HIDE: &str = "fugue.workflow.exception.hide";
/// CFG-7 `fugue.workflow.exception.inject` (int, default `3`, compile scope):
/// Python call-site frame depth; no meaning in Rust (node context on errors
/// instead, WF-EXC-1).
pub const WORKFLOW_EXCEPTION_INJECT: &str = "fugue.workflow.exception.inject";
/// CFG-8 `fugue.workflow.exception.optimize` (bool, default `true`, compile
/// scope): Python traceback rewriting; no meaning in Rust.
pub const WORKFLOW_EXCEPTION_OPTIMIZE: &str = "fugue.workflow.exception.optimize";
/// CFG-9 `fugue.sql.compile.ignore_case` (bool, default `false`, compile
/// scope): FugueSQL keywords case-insensitive.
pub const SQL_COMPILE_IGNORE_CASE: &str = "fugue.sql.compile.ignore_case";
/// CFG-10 `fugue.sql.compile.dialect` (str, default `"spark"`, compile and
/// engine scope): the dialect of SQL text in workflows (ENG-SQL-2).
pub const SQL_COMPILE_DIALECT: &str = "fugue.sql.compile.dialect";
/// CFG-11 `fugue.default.partitions` (int, default `-1`, engine scope):
/// suggested default physical partition count for N ≤ 0 (PS-NUM-6); −1 =
/// the engine decides.
pub const DEFAULT_PARTITIONS: &str = "fugue.default.partitions";
/// The largest accepted `fugue.default.partitions` (and engine thread
/// counts' partition-like settings): every partition is an object in
/// memory, so larger values only exhaust memory.
pub const MAX_PARTITIONS: i64 = 1 << 20;
/// The largest accepted engine thread count (`fugue.native.threads`,
/// `fugue.datafusion.threads`): engines start their threads up front.
pub const MAX_THREADS: i64 = 1024;
/// CFG-12 `fugue.rpc.server` (str, default unset = the in-process native
/// server, engine scope): name of the registered RPC server type (WF-RPC-4).
pub const RPC_SERVER: &str = "fugue.rpc.server";
/// CFG-13 `fugue.rpc.flask_server.host` (str, no default, engine scope):
/// bind host of the network RPC server (later).
pub const RPC_FLASK_SERVER_HOST: &str = "fugue.rpc.flask_server.host";
/// CFG-14 `fugue.rpc.flask_server.port` (int, no default, engine scope):
/// bind port of the network RPC server (later).
pub const RPC_FLASK_SERVER_PORT: &str = "fugue.rpc.flask_server.port";
/// CFG-15 `fugue.rpc.flask_server.timeout` (duration text such as
/// `"2 sec"`, no default, engine scope): client request timeout (later).
pub const RPC_FLASK_SERVER_TIMEOUT: &str = "fugue.rpc.flask_server.timeout";
/// CFG-16 `fugue.test` (bool, default unset; the conformance suites set it to
/// `true`, engine scope): must be passed through to `workflow_conf` and
/// `engine.conf` (ENG-CONF-1, ENG-CONF-5).
pub const TEST: &str = "fugue.test";
/// CFG-17 `fugue.test.dummy` (str, no default): example entry of the test
/// config; no meaning.
pub const TEST_DUMMY: &str = "fugue.test.dummy";
/// `fugue.sql.engine` (str, default unset, engine scope; Rust-specific, not
/// in CONFIG.md §1): name of the registered SQL engine an execution engine
/// uses for its SQL facet (e.g. the native engine delegating SQL).
pub const SQL_ENGINE: &str = "fugue.sql.engine";

/// Default of [`WORKFLOW_CONCURRENCY`] (CFG-1).
pub const WORKFLOW_CONCURRENCY_DEFAULT: i64 = 1;
/// Default of [`WORKFLOW_AUTO_PERSIST`] (CFG-3).
pub const WORKFLOW_AUTO_PERSIST_DEFAULT: bool = false;
/// Default of [`WORKFLOW_EXCEPTION_HIDE`] (CFG-6).
pub const WORKFLOW_EXCEPTION_HIDE_DEFAULT: &str = "fugue.,six,adagio.,pandas,fugue_dask.,dask.,\
fugue_spark.,pyspark.,antlr4,_qpd_antlr,qpd,triad,fugue_notebook.,ipython.,jupyter.,ipykernel,\
_pytest,pytest,fugue_ibis.";
/// Default of [`WORKFLOW_EXCEPTION_INJECT`] (CFG-7).
pub const WORKFLOW_EXCEPTION_INJECT_DEFAULT: i64 = 3;
/// Default of [`WORKFLOW_EXCEPTION_OPTIMIZE`] (CFG-8).
pub const WORKFLOW_EXCEPTION_OPTIMIZE_DEFAULT: bool = true;
/// Default of [`SQL_COMPILE_IGNORE_CASE`] (CFG-9).
pub const SQL_COMPILE_IGNORE_CASE_DEFAULT: bool = false;
/// Default of [`SQL_COMPILE_DIALECT`] (CFG-10).
pub const SQL_COMPILE_DIALECT_DEFAULT: &str = "spark";
/// Default of [`DEFAULT_PARTITIONS`] (CFG-11).
pub const DEFAULT_PARTITIONS_DEFAULT: i64 = -1;

/// The built-in global defaults: exactly CFG-1, 3, 6, 7, 8, 9, 10 and 11.
fn builtin_defaults() -> IndexMap<String, Json> {
    [
        (WORKFLOW_CONCURRENCY, Json::from(WORKFLOW_CONCURRENCY_DEFAULT)),
        (WORKFLOW_AUTO_PERSIST, Json::from(WORKFLOW_AUTO_PERSIST_DEFAULT)),
        (WORKFLOW_EXCEPTION_HIDE, Json::from(WORKFLOW_EXCEPTION_HIDE_DEFAULT)),
        (WORKFLOW_EXCEPTION_INJECT, Json::from(WORKFLOW_EXCEPTION_INJECT_DEFAULT)),
        (WORKFLOW_EXCEPTION_OPTIMIZE, Json::from(WORKFLOW_EXCEPTION_OPTIMIZE_DEFAULT)),
        (SQL_COMPILE_IGNORE_CASE, Json::from(SQL_COMPILE_IGNORE_CASE_DEFAULT)),
        (SQL_COMPILE_DIALECT, Json::from(SQL_COMPILE_DIALECT_DEFAULT)),
        (DEFAULT_PARTITIONS, Json::from(DEFAULT_PARTITIONS_DEFAULT)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The process-wide global defaults (ENG-CONF-6).
static GLOBAL_CONF: LazyLock<RwLock<IndexMap<String, Json>>> =
    LazyLock::new(|| RwLock::new(builtin_defaults()));

/// What [`register_global_conf`] does with a key that already exists
/// (ENG-CONF-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OnDup {
    /// Replace the existing value (the default).
    #[default]
    Overwrite,
    /// Keep the existing value.
    Ignore,
    /// Fail with `ERR-ARG` if any key exists with a different value, changing
    /// nothing (transactional).
    Throw,
}

/// Adds `conf` to the global defaults that every later [`Conf::new`] (and so
/// every engine and compile conf) starts from (ENG-CONF-6).
///
/// The registry is **process-wide**: it affects every engine and workflow
/// created afterwards in any thread, and confs already created keep their
/// values. A key registered with the same value it already has is never a
/// duplicate.
///
/// ```
/// use fugue_core::conf::{register_global_conf, Conf, OnDup};
///
/// register_global_conf(&Conf::from_pairs([("doc.example.key", 1)]), OnDup::Overwrite)?;
/// assert_eq!(Conf::new().get("doc.example.key", 0i64)?, 1);
/// # Ok::<(), fugue_core::Error>(())
/// ```
///
/// # Errors
/// `ERR-ARG` with [`OnDup::Throw`] when a key of `conf` already exists with
/// a different value; then nothing is registered.
pub fn register_global_conf(conf: &Conf, on_dup: OnDup) -> Result<()> {
    let mut global = GLOBAL_CONF.write().unwrap_or_else(PoisonError::into_inner);
    if on_dup == OnDup::Throw
        && let Some((k, v)) = conf.iter().find(|(k, v)| global.get(*k).is_some_and(|old| old != *v))
    {
        return Err(Error::arg(
            k,
            format!(
                "global conf key already exists with value `{}`, cannot set `{v}`",
                global.get(k).map(Json::to_string).unwrap_or_default()
            ),
        ));
    }
    for (k, v) in conf.iter() {
        if on_dup == OnDup::Ignore && global.contains_key(k) {
            continue;
        }
        global.insert(k.to_string(), v.clone());
    }
    Ok(())
}

/// A snapshot of the current global defaults (built-in CFG defaults plus
/// everything registered), the same as [`Conf::new`].
pub fn global_conf() -> Conf {
    Conf::new()
}

/// An ordered map of configuration keys to JSON values (ENG-CONF-1..4).
///
/// * [`Conf::new`] / [`Default`]: the global defaults (CONFIG.md: CFG-1, 3,
///   6, 7, 8, 9, 10, 11, plus anything registered with
///   [`register_global_conf`]).
/// * [`Conf::empty`], [`Conf::from_pairs`], [`Conf::from_map`],
///   [`Conf::from_json`]: only the given entries (a user conf to overlay).
/// * [`merge`](Conf::merge) / [`with`](Conf::with): overlay another conf,
///   its values overwriting (ENG-CONF-2).
/// * Typed getters [`get`](Conf::get), [`get_or_none`](Conf::get_or_none),
///   [`get_or_throw`](Conf::get_or_throw) convert per ENG-CONF-4; a JSON
///   `null` value counts as absent.
///
/// Equality ignores entry order. Serialises as a JSON object (so it can be
/// shipped to workers, ENG-CONF-5).
///
/// ```
/// use fugue_core::conf::{self, Conf};
/// use fugue_core::ErrorKind;
///
/// let mut c = Conf::from_json(r#"{"fugue.test": "yes", "n": 2.9, "s": 5}"#)?;
/// assert!(c.get(conf::TEST, false)?);          // "yes" → true
/// assert_eq!(c.get("n", 0i64)?, 2);            // float truncated
/// assert_eq!(c.get("s", String::new())?, "5"); // anything → text
/// assert_eq!(c.get("missing", 7usize)?, 7);    // absent → default
/// assert_eq!(c.get("fugue.test", 0i64).unwrap_err().kind(), ErrorKind::InvalidArgument);
/// assert_eq!(c.get_or_throw::<i64>("missing").unwrap_err().kind(), ErrorKind::NotFound);
/// c.set("n", 3);
/// assert_eq!(c.get_value("n"), Some(&serde_json::json!(3)));
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Conf {
    entries: IndexMap<String, Json>,
}

impl Default for Conf {
    /// The global defaults, as [`Conf::new`].
    fn default() -> Self {
        Conf::new()
    }
}

impl Conf {
    /// A conf holding the current global defaults (ENG-CONF-1, ENG-CONF-6).
    pub fn new() -> Self {
        let global = GLOBAL_CONF.read().unwrap_or_else(PoisonError::into_inner);
        Conf { entries: global.clone() }
    }

    /// The built-in defaults of CONFIG.md only (CFG-1, 3, 6, 7, 8, 9, 10, 11),
    /// ignoring anything registered globally.
    pub fn builtin() -> Self {
        Conf { entries: builtin_defaults() }
    }

    /// A conf without any entry.
    pub fn empty() -> Self {
        Conf { entries: IndexMap::new() }
    }

    /// A conf holding exactly the given entries, in order (a later duplicate
    /// key overwrites an earlier one). No defaults are added.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<Json>,
    {
        Conf { entries: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    /// A conf holding exactly the entries of a JSON object map.
    pub fn from_map(map: &serde_json::Map<String, Json>) -> Self {
        Conf { entries: map.iter().map(|(k, v)| (k.clone(), v.clone())).collect() }
    }

    /// A conf from JSON text, which must be an object. No defaults are added.
    ///
    /// # Errors
    /// `ERR-ARG` for invalid JSON or JSON that is not an object.
    pub fn from_json(text: &str) -> Result<Self> {
        match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(map)) => Ok(Conf::from_map(&map)),
            Ok(_) => Err(Error::arg(text, "a conf must be a JSON object")),
            Err(e) => Err(Error::arg(text, format!("invalid conf JSON: {e}"))),
        }
    }

    /// The entries as a JSON object.
    pub fn to_json(&self) -> Json {
        Json::Object(self.entries.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    /// Sets `key` to `value`, returning the previous value.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<Json>) -> Option<Json> {
        self.entries.insert(key.into(), value.into())
    }

    /// This conf with `key` set to `value` (builder style).
    #[must_use]
    pub fn with_entry(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.set(key, value);
        self
    }

    /// Overlays `other`: every entry of `other` is set here, overwriting
    /// existing keys (ENG-CONF-2). New keys are appended in `other`'s order.
    pub fn merge(&mut self, other: &Conf) {
        for (k, v) in &other.entries {
            self.entries.insert(k.clone(), v.clone());
        }
    }

    /// This conf overlaid by `other` ([`merge`](Self::merge), builder style).
    #[must_use]
    pub fn with(mut self, other: &Conf) -> Self {
        self.merge(other);
        self
    }

    /// Removes `key`, returning its value; the order of the other keys is kept.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        self.entries.shift_remove(key)
    }

    /// True when `key` is present (even with a `null` value).
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The raw value of `key`.
    pub fn get_value(&self, key: &str) -> Option<&Json> {
        self.entries.get(key)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True without entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The value of `key` converted to `T` (ENG-CONF-3, 4), or `default` when
    /// the key is absent or `null`.
    ///
    /// # Errors
    /// `ERR-ARG` naming the key, the value and the target type when the value
    /// cannot be converted.
    pub fn get<T: FromConfValue>(&self, key: &str, default: T) -> Result<T> {
        Ok(self.get_or_none(key)?.unwrap_or(default))
    }

    /// The value of `key` converted to `T`, or `None` when absent or `null`
    /// (ENG-CONF-3).
    ///
    /// # Errors
    /// `ERR-ARG` when the value cannot be converted.
    pub fn get_or_none<T: FromConfValue>(&self, key: &str) -> Result<Option<T>> {
        match self.entries.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => T::from_conf_value(v).map(Some).ok_or_else(|| {
                Error::arg(key, format!("conf value `{v}` cannot be read as {}", T::TYPE_NAME))
            }),
        }
    }

    /// The value of `key` converted to `T` (ENG-CONF-3).
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` when the key is absent or `null`; `ERR-ARG` when the
    /// value cannot be converted.
    pub fn get_or_throw<T: FromConfValue>(&self, key: &str) -> Result<T> {
        self.get_or_none(key)?.ok_or_else(|| Error::not_found("conf key", key, self.keys()))
    }
    /// The integer value of `key` when it lies in `min..=max`, or `None` when
    /// the key is absent or `null`. For sizes, counts and thread numbers a
    /// user gives: a value out of range is an error, never silently clamped
    /// or taken as "unlimited".
    ///
    /// `why` says what the bound protects and ends the error message.
    ///
    /// ```
    /// use fugue_core::Conf;
    /// let conf = Conf::empty().with_entry("x.threads", 1_000_000);
    /// let err = conf.get_int_in("x.threads", 1, 1024, "each thread is started up front").unwrap_err();
    /// assert!(err.to_string().contains("from 1 to 1024"));
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// `ERR-ARG` naming the key, the value and the allowed range when the
    /// value is not an integer or lies outside the range.
    pub fn get_int_in(&self, key: &str, min: i64, max: i64, why: &str) -> Result<Option<i64>> {
        let Some(v) = self.get_or_none::<i64>(key)? else {
            return Ok(None);
        };
        if v < min || v > max {
            return Err(Error::arg(
                key,
                format!(
                    "conf value `{v}` is out of range: expected an integer from {min} to {max} ({why})"
                ),
            ));
        }
        Ok(Some(v))
    }
}

impl<K: Into<String>, V: Into<Json>> FromIterator<(K, V)> for Conf {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Conf::from_pairs(iter)
    }
}

impl<K: Into<String>, V: Into<Json>> Extend<(K, V)> for Conf {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.set(k, v);
        }
    }
}

/// A type a conf value can be read as (ENG-CONF-4).
///
/// Implemented for `bool`, `i64`, `i32`, `usize`, `u64`, `f64`, `String` and
/// `serde_json::Value` (the raw value).
pub trait FromConfValue: Sized {
    /// The type's name in error messages (`bool`, `integer`, ...).
    const TYPE_NAME: &'static str;

    /// Converts `value` (never `null` when called by [`Conf`]); `None` when
    /// it cannot be converted.
    fn from_conf_value(value: &Json) -> Option<Self>;
}

impl FromConfValue for bool {
    const TYPE_NAME: &'static str = "bool";

    /// From a boolean, the integers 1 / 0, or text `true/yes/1` /
    /// `false/no/0` in any letter case, surrounding whitespace ignored.
    fn from_conf_value(value: &Json) -> Option<Self> {
        match value {
            Json::Bool(b) => Some(*b),
            Json::Number(n) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Json::String(s) => {
                let t = s.trim().to_ascii_lowercase();
                match t.as_str() {
                    "true" | "yes" | "1" => Some(true),
                    "false" | "no" | "0" => Some(false),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// An integer from a JSON value: integers, integral text, or floats
/// truncated toward zero (ENG-CONF-4); as i128 so every i64 and u64 fits.
fn conf_integer(value: &Json) -> Option<i128> {
    match value {
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Some(i128::from(u))
            } else {
                let f = n.as_f64()?.trunc();
                // outside ±2^64 no target type can hold it anyway
                (f.is_finite() && f.abs() < 18446744073709551616.0).then_some(f as i128)
            }
        }
        Json::String(s) => s.trim().parse::<i128>().ok(),
        _ => None,
    }
}

impl FromConfValue for i64 {
    const TYPE_NAME: &'static str = "a 64-bit integer";

    /// From integers, integral text, or floats (truncated).
    fn from_conf_value(value: &Json) -> Option<Self> {
        conf_integer(value).and_then(|i| i64::try_from(i).ok())
    }
}

impl FromConfValue for i32 {
    const TYPE_NAME: &'static str = "a 32-bit integer";

    /// From integers, integral text, or floats (truncated), in `i32` range.
    fn from_conf_value(value: &Json) -> Option<Self> {
        conf_integer(value).and_then(|i| i32::try_from(i).ok())
    }
}

impl FromConfValue for usize {
    const TYPE_NAME: &'static str = "a non-negative integer";

    /// From non-negative integers, integral text, or floats (truncated).
    fn from_conf_value(value: &Json) -> Option<Self> {
        conf_integer(value).and_then(|i| usize::try_from(i).ok())
    }
}

impl FromConfValue for u64 {
    const TYPE_NAME: &'static str = "a non-negative 64-bit integer";

    /// From non-negative integers, integral text, or floats (truncated).
    fn from_conf_value(value: &Json) -> Option<Self> {
        conf_integer(value).and_then(|i| u64::try_from(i).ok())
    }
}

impl FromConfValue for f64 {
    const TYPE_NAME: &'static str = "a number";

    /// From numbers or numeric text (surrounding whitespace ignored).
    fn from_conf_value(value: &Json) -> Option<Self> {
        match value {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }
}

impl FromConfValue for String {
    const TYPE_NAME: &'static str = "text";

    /// From anything: text as is, any other value as its JSON text
    /// (`true`, `3`, `2.5`, `[1,2]`).
    fn from_conf_value(value: &Json) -> Option<Self> {
        Some(match value {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

impl FromConfValue for Json {
    const TYPE_NAME: &'static str = "a JSON value";

    /// The raw value.
    fn from_conf_value(value: &Json) -> Option<Self> {
        Some(value.clone())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn cfg_global_defaults() {
        let c = Conf::new();
        assert_eq!(c.get(WORKFLOW_CONCURRENCY, 0i64).unwrap(), 1); // CFG-1
        assert!(!c.get(WORKFLOW_AUTO_PERSIST, true).unwrap()); // CFG-3
        assert_eq!(
            c.get(WORKFLOW_EXCEPTION_HIDE, String::new()).unwrap(),
            WORKFLOW_EXCEPTION_HIDE_DEFAULT
        ); // CFG-6
        assert!(WORKFLOW_EXCEPTION_HIDE_DEFAULT.starts_with("fugue.,six,adagio.,"));
        assert!(WORKFLOW_EXCEPTION_HIDE_DEFAULT.ends_with(",_pytest,pytest,fugue_ibis."));
        assert_eq!(c.get(WORKFLOW_EXCEPTION_INJECT, 0i64).unwrap(), 3); // CFG-7
        assert!(c.get(WORKFLOW_EXCEPTION_OPTIMIZE, false).unwrap()); // CFG-8
        assert!(!c.get(SQL_COMPILE_IGNORE_CASE, true).unwrap()); // CFG-9
        assert_eq!(c.get(SQL_COMPILE_DIALECT, String::new()).unwrap(), "spark"); // CFG-10
        assert_eq!(c.get(DEFAULT_PARTITIONS, 0i64).unwrap(), -1); // CFG-11
        // every other key is absent unless set
        for k in
            [WORKFLOW_CHECKPOINT_PATH, WORKFLOW_AUTO_PERSIST_VALUE, RPC_SERVER, TEST, SQL_ENGINE]
        {
            assert!(!c.contains(k), "{k}");
        }
        let b = Conf::builtin();
        assert_eq!(b.len(), 8);
        assert!(b.iter().all(|(k, v)| c.get_value(k) == Some(v)));
        assert_eq!(Conf::default().get(WORKFLOW_CONCURRENCY, 0i64).unwrap(), 1);
    }

    #[test]
    fn eng_conf_1_unknown_keys_kept() {
        let user = Conf::from_pairs([(TEST, json!(true)), ("x.y", json!("z"))]);
        let c = Conf::new().with(&user);
        assert!(c.get(TEST, false).unwrap());
        assert_eq!(c.get_value("x.y"), Some(&json!("z")));
        assert_eq!(c.len(), Conf::new().len() + 2);
    }

    #[test]
    fn eng_conf_2_merge_overwrites() {
        let mut c = Conf::from_pairs([("a", 1), ("b", 2)]);
        c.merge(&Conf::from_pairs([("b", 3), ("c", 4)]));
        assert_eq!(c.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(c.get("b", 0i64).unwrap(), 3);
        let d = Conf::empty().with_entry("k", "v").with(&Conf::from_pairs([("k", "w")]));
        assert_eq!(d.get_or_throw::<String>("k").unwrap(), "w");
        let mut e = Conf::empty();
        e.extend([("p", 1)]);
        assert_eq!(e.remove("p"), Some(json!(1)));
        assert!(e.is_empty());
        let f: Conf = [("q", "r")].into_iter().collect();
        assert!(f.contains("q"));
    }

    #[test]
    fn eng_conf_3_typed_access() {
        let c = Conf::from_pairs([("i", json!(5)), ("n", Json::Null), ("s", json!("abc"))]);
        assert_eq!(c.get("i", 0i64).unwrap(), 5);
        assert_eq!(c.get("missing", 9i64).unwrap(), 9);
        assert_eq!(c.get("n", 9i64).unwrap(), 9); // null = absent
        assert_eq!(c.get_or_none::<i64>("missing").unwrap(), None);
        assert_eq!(c.get_or_none::<i64>("i").unwrap(), Some(5));
        assert_eq!(c.get_or_throw::<i64>("missing").unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(c.get_or_throw::<i64>("n").unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(c.get("s", 0i64).unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(c.get_or_none::<bool>("s").unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(c.get_or_throw::<f64>("s").unwrap_err().kind(), ErrorKind::InvalidArgument);
        let msg = c.get("s", 0i64).unwrap_err().to_string();
        assert!(msg.contains("`s`") && msg.contains("abc") && msg.contains("integer"), "{msg}");
    }

    #[test]
    fn eng_conf_4_conversions() {
        let b = |v: Json| bool::from_conf_value(&v);
        assert_eq!(b(json!(true)), Some(true));
        for t in ["true", "TRUE", "Yes", "1", " yes "] {
            assert_eq!(b(json!(t)), Some(true), "{t}");
        }
        for f in ["false", "No", "0", "FALSE"] {
            assert_eq!(b(json!(f)), Some(false), "{f}");
        }
        assert_eq!(b(json!("maybe")), None);
        assert_eq!(b(json!(2)), None);
        assert_eq!(b(json!(1)), Some(true));

        let i = |v: Json| i64::from_conf_value(&v);
        assert_eq!(i(json!(3)), Some(3));
        assert_eq!(i(json!(" -4 ")), Some(-4));
        assert_eq!(i(json!(2.9)), Some(2));
        assert_eq!(i(json!(-2.9)), Some(-2));
        assert_eq!(i(json!("3.5")), None);
        assert_eq!(i(json!(true)), None);
        assert_eq!(i(json!(u64::MAX)), None);
        assert_eq!(u64::from_conf_value(&json!(u64::MAX)), Some(u64::MAX));
        assert_eq!(usize::from_conf_value(&json!(-1)), None);
        assert_eq!(usize::from_conf_value(&json!("7")), Some(7));
        assert_eq!(i32::from_conf_value(&json!(1i64 << 40)), None);
        assert_eq!(i64::from_conf_value(&json!(1e300)), None);

        let f = |v: Json| f64::from_conf_value(&v);
        assert_eq!(f(json!(2)), Some(2.0));
        assert_eq!(f(json!("2.5")), Some(2.5));
        assert_eq!(f(json!("x")), None);
        assert_eq!(f(json!(false)), None);

        let s = |v: Json| String::from_conf_value(&v);
        assert_eq!(s(json!("a")), Some("a".into()));
        assert_eq!(s(json!(3)), Some("3".into()));
        assert_eq!(s(json!(true)), Some("true".into()));
        assert_eq!(s(json!([1, 2])), Some("[1,2]".into()));
    }

    #[test]
    fn conf_from_json() {
        let c = Conf::from_json(r#"{"a": 1, "b": "x"}"#).unwrap();
        assert_eq!(c.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(c.to_json(), json!({"a": 1, "b": "x"}));
        for bad in ["[1]", "1", "{", "", "null"] {
            assert_eq!(
                Conf::from_json(bad).unwrap_err().kind(),
                ErrorKind::InvalidArgument,
                "{bad}"
            );
        }
        // serde: a plain JSON object
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(text, r#"{"a":1,"b":"x"}"#);
        assert_eq!(serde_json::from_str::<Conf>(&text).unwrap(), c);
        // equality ignores order
        assert_eq!(Conf::from_pairs([("a", 1), ("b", 2)]), Conf::from_pairs([("b", 2), ("a", 1)]));
    }

    #[test]
    fn eng_conf_6_register_global_conf() {
        // keys unique to this test: the registry is process-wide
        let k1 = "fugue.test.conf_rs.k1";
        let k2 = "fugue.test.conf_rs.k2";
        register_global_conf(&Conf::from_pairs([(k1, 1)]), OnDup::Overwrite).unwrap();
        assert_eq!(Conf::new().get(k1, 0i64).unwrap(), 1);
        assert_eq!(global_conf().get(k1, 0i64).unwrap(), 1);
        assert!(!Conf::builtin().contains(k1));

        register_global_conf(&Conf::from_pairs([(k1, 2)]), OnDup::Ignore).unwrap();
        assert_eq!(Conf::new().get(k1, 0i64).unwrap(), 1);

        register_global_conf(&Conf::from_pairs([(k1, 3)]), OnDup::Overwrite).unwrap();
        assert_eq!(Conf::new().get(k1, 0i64).unwrap(), 3);

        // throw is transactional: k2 must not be added when k1 conflicts
        let err =
            register_global_conf(&Conf::from_pairs([(k2, 5), (k1, 4)]), OnDup::Throw).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(!Conf::new().contains(k2));
        assert_eq!(Conf::new().get(k1, 0i64).unwrap(), 3);

        // same value is not a conflict
        register_global_conf(&Conf::from_pairs([(k1, 3), (k2, 5)]), OnDup::Throw).unwrap();
        assert_eq!(Conf::new().get(k2, 0i64).unwrap(), 5);
        assert_eq!(OnDup::default(), OnDup::Overwrite);
    }

    #[test]
    fn eng_conf_6_poisoned_lock_does_not_panic() {
        let k = "fugue.test.conf_rs.poison";
        let _ = std::thread::spawn(|| {
            let _guard = GLOBAL_CONF.write().unwrap_or_else(PoisonError::into_inner);
            panic!("poison the registry on purpose");
        })
        .join();
        register_global_conf(&Conf::from_pairs([(k, true)]), OnDup::Overwrite).unwrap();
        assert!(Conf::new().get(k, false).unwrap());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Length and depth (issue 16): JSON nested up to 1,000 levels and
        /// ~100k characters of entries: a conf or `ERR-ARG`, never a panic
        /// or a stack overflow; bounded integer reads reject out-of-range
        /// values.
        #[test]
        fn prop_conf_long_and_deep(depth in 0usize..=1_000, entries in 0usize..=4_000, v in proptest::num::i64::ANY) {
            let deep = format!("{{\"k\": {}1{}}}", "[".repeat(depth), "]".repeat(depth));
            match Conf::from_json(&deep) {
                Ok(c) => proptest::prop_assert!(c.contains("k")),
                Err(e) => proptest::prop_assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument),
            }
            let body: Vec<String> = (0..entries).map(|i| format!("\"fugue.k{i} é\": {i}")).collect();
            let wide = format!("{{{}}}", body.join(", "));
            proptest::prop_assert!(wide.len() < 120_000);
            let c = Conf::from_json(&wide).unwrap();
            proptest::prop_assert_eq!(c.len(), entries);
            let c = Conf::empty().with_entry("n", v);
            match c.get_int_in("n", 1, 1024, "test") {
                Ok(got) => proptest::prop_assert!(got == Some(v) && (1..=1024).contains(&v)),
                Err(e) => {
                    proptest::prop_assert!(!(1..=1024).contains(&v));
                    proptest::prop_assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
                }
            }
        }

        #[test]
        fn prop_conf_from_json_never_panics(text in ".{0,60}") {
            let _ = Conf::from_json(&text);
        }

        #[test]
        fn prop_conf_getters_never_panic(text in "\\{\"k\": ?(\"[^\"\\\\]{0,8}\"|-?[0-9.e]{1,8}|true|null|\\[\\])\\}") {
            if let Ok(c) = Conf::from_json(&text) {
                let _ = c.get("k", 0i64);
                let _ = c.get("k", 0i32);
                let _ = c.get("k", 0usize);
                let _ = c.get("k", 0u64);
                let _ = c.get("k", 0.0f64);
                let _ = c.get("k", false);
                let _ = c.get("k", String::new());
            }
        }
    }
}
