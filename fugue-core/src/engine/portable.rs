//! Maps another process can rebuild: the user functions of
//! `map_dataframe` described by a [`MapRecipe`] (a registered builder's name
//! and a JSON payload) instead of a closure, which cannot leave its process.
//!
//! Engines that run user code in their own process ignore recipes. A
//! distributed engine (Ballista) sends the recipe with the plan and every
//! executor rebuilds the functions with [`MapRecipe::build`] from the
//! builders linked into *its* binary:
//!
//! - `fugue-api` registers the builders of extensions registered by name
//!   (a transformer's registry name, params, partition spec and output
//!   schema travel; the executor finds the transformer in its own registry);
//! - [`local_recipe`] keeps a closure in a table of this process and
//!   describes it by its id: only an executor inside this process (a
//!   standalone cluster) can run it, any other gets `ERR-NOT-SUPPORTED`
//!   naming the fix (register the extension by name).
//!
//! ```
//! use fugue_core::engine::portable::{MapRecipe, local_recipe};
//! use fugue_core::engine::map_fn;
//!
//! let local = local_recipe(map_fn(|_, df| Ok(df)), None);
//! assert!(local.recipe().build().is_ok()); // this process holds the closure
//! let bytes = local.recipe().to_bytes()?;
//! assert_eq!(&MapRecipe::from_bytes(&bytes)?, local.recipe());
//! let recipe = local.recipe().clone();
//! drop(local); // the closure is gone: the recipe no longer builds
//! assert!(recipe.build().is_err());
//! # Ok::<(), fugue_core::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::map::{MapFn, OnInitFn};
use crate::error::{Error, Result};

/// The builder name of [`local_recipe`]s.
pub const LOCAL_BUILDER: &str = "fugue.local";

/// How a process rebuilds the user functions of a map: the name of a
/// [`MapBuilder`] linked into that process and the payload it reads.
/// Serialises as JSON (`{"builder": .., "payload": ..}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapRecipe {
    /// The name a [`MapBuilder`] is registered under.
    pub builder: String,
    /// What the builder needs (its own format).
    pub payload: Json,
}

/// The functions a [`MapRecipe`] builds: what `map_dataframe` takes.
#[derive(Clone)]
pub struct BuiltMap {
    /// The per-partition function (ENG-MAP-2).
    pub map_fn: MapFn,
    /// The per-physical-partition initialiser (ENG-MAP-4).
    pub on_init: Option<OnInitFn>,
}

impl fmt::Debug for BuiltMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuiltMap").field("on_init", &self.on_init.is_some()).finish()
    }
}

/// A link-time builder of map functions, submitted with
/// `inventory::submit!` by the crate that defines the payload format.
#[derive(Debug)]
pub struct MapBuilder {
    /// Its name (the recipe's `builder`); unique across linked crates.
    pub name: &'static str,
    /// The crate that registers it (`module_path!()`), for duplicate errors.
    pub origin: &'static str,
    /// Builds the functions from a payload.
    pub build: fn(&Json) -> Result<BuiltMap>,
}

inventory::collect!(MapBuilder);

impl MapRecipe {
    /// A recipe for the builder `builder`.
    pub fn new(builder: impl Into<String>, payload: Json) -> Self {
        MapRecipe { builder: builder.into(), payload }
    }

    /// Whether only this process can build it (a [`local_recipe`]).
    pub fn is_process_local(&self) -> bool {
        self.builder == LOCAL_BUILDER
    }

    /// The recipe as bytes (JSON).
    ///
    /// # Errors
    /// `ERR-INTERNAL` if the payload cannot be written (it is JSON already).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self)
            .map_err(|e| Error::internal(format!("writing a map recipe failed: {e}")))
    }

    /// A recipe from [`to_bytes`](Self::to_bytes) output.
    ///
    /// # Errors
    /// `ERR-ARG` for bytes that are not a recipe.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes)
            .map_err(|e| Error::arg("map recipe", format!("not a map recipe: {e}")))
    }

    /// Builds the functions with the builder of this process.
    ///
    /// # Errors
    /// `ERR-NOT-SUPPORTED` for a [`local_recipe`] of another process or
    /// one already dropped, naming the fix (register the extension by
    /// name); `ERR-PLUGIN` when no builder of that name is linked into this
    /// process; the builder's errors (e.g. an extension name this process
    /// does not know).
    pub fn build(&self) -> Result<BuiltMap> {
        if self.is_process_local() {
            return build_local(&self.payload);
        }
        let mut found =
            inventory::iter::<MapBuilder>.into_iter().filter(|b| b.name == self.builder);
        match (found.next(), found.next()) {
            (Some(b), None) => (b.build)(&self.payload),
            (Some(first), Some(second)) => Err(Error::DuplicateEngine {
                what: "map builder",
                name: self.builder.clone(),
                first: first.origin,
                second: second.origin,
            }),
            (None, _) => {
                let mut names: Vec<&str> =
                    inventory::iter::<MapBuilder>.into_iter().map(|b| b.name).collect();
                names.push(LOCAL_BUILDER);
                names.sort_unstable();
                Err(Error::UnknownEngine {
                    what: "map builder",
                    name: self.builder.clone(),
                    registered: names.join(", "),
                    hint: format!(
                        "the process (pid {}) that runs the map must link the crate that \
                         registers it (fugue-api for extensions registered by name)",
                        std::process::id()
                    ),
                })
            }
        }
    }
}

fn local_maps() -> &'static Mutex<HashMap<u64, BuiltMap>> {
    static MAPS: OnceLock<Mutex<HashMap<u64, BuiltMap>>> = OnceLock::new();
    MAPS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn build_local(payload: &Json) -> Result<BuiltMap> {
    let pid = payload.get("pid").and_then(Json::as_u64);
    let id = payload.get("id").and_then(Json::as_u64);
    let (Some(pid), Some(id)) = (pid, id) else {
        return Err(Error::arg(
            "map recipe",
            format!("a local map recipe needs pid and id: {payload}"),
        ));
    };
    let fix = "register the extension by name (`fugue_api::register_transformer!` and its \
               siblings) and use it by that name, so executors can rebuild it";
    if pid != u64::from(std::process::id()) {
        return Err(Error::not_supported(format!(
            "this map is a closure of process {pid} and cannot run in process {} (a closure \
             cannot cross processes): {fix}",
            std::process::id()
        )));
    }
    local_maps().lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned().ok_or_else(|| {
        Error::not_supported(format!(
            "the closure of this map (local map {id}) was dropped before the map ran: {fix}"
        ))
    })
}

/// A closure held in this process's table of local maps, described by a
/// [`MapRecipe`] (builder [`LOCAL_BUILDER`]); removed from the table when
/// this handle is dropped.
pub struct LocalMap {
    id: u64,
    recipe: MapRecipe,
}

impl fmt::Debug for LocalMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalMap").field("id", &self.id).finish()
    }
}

impl LocalMap {
    /// The recipe (builds only in this process, while this handle lives).
    pub fn recipe(&self) -> &MapRecipe {
        &self.recipe
    }
}

impl Drop for LocalMap {
    fn drop(&mut self) {
        local_maps().lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

/// Keeps `map_fn`/`on_init` in this process's table of local maps and
/// returns the handle whose recipe finds them (see the module docs).
pub fn local_recipe(map_fn: MapFn, on_init: Option<OnInitFn>) -> LocalMap {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    local_maps()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, BuiltMap { map_fn, on_init });
    let recipe = MapRecipe::new(LOCAL_BUILDER, json!({ "pid": std::process::id(), "id": id }));
    LocalMap { id, recipe }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::map_fn;

    #[test]
    fn a_local_recipe_builds_here_only_while_held() {
        let local = local_recipe(map_fn(|_, df| Ok(df)), None);
        let recipe = local.recipe().clone();
        assert!(recipe.is_process_local());
        assert!(recipe.build().is_ok());
        let mut other = recipe.clone();
        other.payload["pid"] = json!(u64::from(std::process::id()) + 1);
        let err = other.build().err().map(|e| (e.kind(), e.to_string()));
        assert!(
            matches!(&err, Some((crate::ErrorKind::NotSupported, m)) if m.contains("register the extension by name")),
            "{err:?}"
        );
        drop(local);
        assert_eq!(recipe.build().err().map(|e| e.kind()), Some(crate::ErrorKind::NotSupported));
    }

    #[test]
    fn an_unknown_builder_is_a_plugin_error() {
        let err = MapRecipe::new("nobody.builds.this", json!({})).build().err();
        assert_eq!(err.map(|e| e.kind()), Some(crate::ErrorKind::Plugin));
        assert!(MapRecipe::from_bytes(b"{\"builder\":1}").is_err());
    }
}
