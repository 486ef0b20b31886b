//! The engine-neutral plan of `take` (ENG-TAKE-1..6); the default
//! operation is the kernel `spi::kernels::take`.

use crate::error::Result;
use crate::partition::{PartitionSpec, parse_presort};
use crate::schema::Schema;

/// What a `take` sorts by and groups by, resolved once for every engine
/// (ENG-TAKE-1..6), see [`plan_take`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakePlan {
    /// `(column, ascending)` sort items: the `presort` argument, or the
    /// spec's presort when the argument is empty (ENG-TAKE-3).
    pub sorts: Vec<(String, bool)>,
    /// The spec's partition keys: `n` rows are taken per key group; none →
    /// `n` rows overall. The spec's `num` and `algo` are ignored (ENG-TAKE-6).
    pub keys: Vec<String>,
}

/// Resolves `take(df, n, presort, na_position, partition_spec)` against the
/// frame's `schema` (ENG-TAKE-1..6).
///
/// # Errors
/// `ERR-SCHEMA-SYNTAX` for a bad presort; `ERR-NOT-FOUND` for a sort or key
/// column missing from `schema`.
pub fn plan_take(
    schema: &Schema,
    presort: &str,
    partition_spec: &PartitionSpec,
) -> Result<TakePlan> {
    // ENG-TAKE-3: the argument replaces the spec's presort.
    let sorts = {
        let parsed = parse_presort(presort)?;
        if parsed.is_empty() { partition_spec.presort().to_vec() } else { parsed }
    };
    for (c, _) in &sorts {
        schema.index_of(c)?;
    }
    for k in partition_spec.partition_by() {
        schema.index_of(k)?;
    }
    Ok(TakePlan { sorts, keys: partition_spec.partition_by().to_vec() })
}
