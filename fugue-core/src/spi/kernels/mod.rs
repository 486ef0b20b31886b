//! Kernels: every engine operation over local Arrow data, the default
//! implementation any engine falls back on (DESIGN.md, "kernels").
//!
//! Each kernel takes [`LocalDataFrame`](crate::LocalDataFrame)s (Arrow
//! record batches in this process) and returns one; inputs are never
//! mutated and row order is unspecified unless the rule says otherwise
//! (ENG-GEN-8). Hot paths stay columnar: Arrow row format for keys,
//! `take` / `filter` / `concat` kernels, typed accumulators; no value is
//! boxed row by row. From 64 Ki rows the hash kernels (join, distinct,
//! set operations, grouping) and `take` run on every thread of rayon's
//! current pool: rows are encoded and hashed in chunks, hash tables are
//! built per hash partition, and results are put back in input order, so
//! the output is the one-thread pass's, row for row. Validation goes through the same shared rules
//! ([`crate::engine::params`], [`crate::expr`]) every engine uses, so the
//! kernels raise the spec's error kinds.
//!
//! | kernel | rules |
//! |---|---|
//! | [`join`] | ENG-JOIN-1..11 |
//! | [`union`], [`subtract`], [`intersect`], [`distinct`] | ENG-SET-1..6, ENG-DISTINCT-1 |
//! | [`dropna`], [`fillna`] | ENG-DROPNA-1..4, ENG-FILLNA-1..6 |
//! | [`sample`], [`fresh_seed`] | ENG-SAMPLE-1..7 |
//! | [`take`] | ENG-TAKE-1..6 |
//! | [`select`], [`filter`], [`assign`], [`aggregate`] | ENG-SEL-1..8, ENG-FILTER-1, ENG-ASSIGN-1..3, ENG-AGG-1..3 |
//! | [`load`], [`save`], [`save_df`] | ENG-IO-1..10, ENG-PQ, ENG-CSV, ENG-JSON |

mod clean;
mod eval;
mod groupby;
mod hashed;
mod io;
mod join;
mod rowkeys;
mod sample;
mod select;
mod setops;
mod take;
#[cfg(test)]
mod testutil;

pub use clean::{dropna, fillna};
pub(crate) use eval::evaluate_predicate;
pub(crate) use hashed::PARALLEL_MIN_ROWS;
pub use io::{load, save, save_df};
pub use join::join;
pub use sample::{fresh_seed, sample};
pub use select::{aggregate, assign, filter, select};
pub use setops::{distinct, intersect, subtract, union};
pub use take::{HEAP_TAKE_MAX_N, heap_take_applies, take};
