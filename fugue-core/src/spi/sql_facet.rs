//! The lazily built SQL facet of an execution engine (ENG-GEN-5, ENG-SQL-4),
//! shared by every engine instead of a copy per engine.

use std::sync::{Arc, OnceLock, Weak};

use crate::conf::{Conf, SQL_ENGINE};
use crate::engine::SqlEngineRef;
use crate::error::Result;

/// Where an engine keeps its SQL facet: built on first use, then shared by
/// every clone of the engine (ENG-GEN-5).
///
/// User handles own the facet; the engine handle given to the facet itself
/// holds a [`SqlFacetSlot::borrowed`] slot that only points to it, so the
/// engine and its SQL facet never keep each other alive.
///
/// ```
/// use fugue_core::spi::SqlFacetSlot;
/// let slot = SqlFacetSlot::new();
/// let engine_side = slot.clone();
/// assert!(slot.get().is_none() && engine_side.get().is_none());
/// ```
#[derive(Clone, Debug)]
pub struct SqlFacetSlot(Slot);

#[derive(Clone, Debug)]
enum Slot {
    Owned(Arc<OnceLock<SqlEngineRef>>),
    Borrowed(Weak<OnceLock<SqlEngineRef>>),
}

impl Default for SqlFacetSlot {
    fn default() -> Self {
        Self::new()
    }
}

impl SqlFacetSlot {
    /// An empty slot owned by a user's engine handle.
    pub fn new() -> Self {
        SqlFacetSlot(Slot::Owned(Arc::new(OnceLock::new())))
    }

    fn cell(&self) -> Option<Arc<OnceLock<SqlEngineRef>>> {
        match &self.0 {
            Slot::Owned(cell) => Some(Arc::clone(cell)),
            Slot::Borrowed(cell) => cell.upgrade(),
        }
    }

    /// A slot that points to this one without owning it: give it to the
    /// engine handle the SQL facet is bound to.
    pub fn borrowed(&self) -> Self {
        SqlFacetSlot(Slot::Borrowed(self.cell().as_ref().map(Arc::downgrade).unwrap_or_default()))
    }

    /// The facet when it was built already.
    pub fn get(&self) -> Option<SqlEngineRef> {
        self.cell().and_then(|c| c.get().cloned())
    }

    /// The facet, built by `build` on first use. `build` receives a
    /// [`SqlFacetSlot::borrowed`] slot for the engine handle it binds the
    /// facet to. When two threads build at once, the first stored facet
    /// wins and both get it.
    ///
    /// # Errors
    /// The error of `build`.
    pub fn get_or_build(
        &self,
        build: impl FnOnce(SqlFacetSlot) -> Result<SqlEngineRef>,
    ) -> Result<SqlEngineRef> {
        if let Some(sql) = self.get() {
            return Ok(sql);
        }
        let sql = build(self.borrowed())?;
        Ok(match self.cell() {
            Some(cell) => Arc::clone(cell.get_or_init(|| sql)),
            None => sql,
        })
    }
}

/// The SQL engine an engine should bind: `fugue.sql.engine` when set and not
/// blank (CFG-10, ENG-SQL-4), else `default`.
///
/// # Errors
/// `ERR-ARG` when the conf value is not a string.
pub fn configured_sql_engine(conf: &Conf, default: Option<&str>) -> Result<Option<String>> {
    let configured: Option<String> = conf.get_or_none(SQL_ENGINE)?;
    Ok(configured.filter(|n| !n.trim().is_empty()).or_else(|| default.map(str::to_string)))
}
