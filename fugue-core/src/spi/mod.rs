//! The backend-author interface: what a backend needs to implement
//! [`ExecutionEngine`](crate::ExecutionEngine) and nothing a user calls.
//!
//! - [`kernels`]: every operation over local Arrow data (join, set
//!   operations, distinct, dropna/fillna, sample, select/filter/assign/
//!   aggregate, Parquet/CSV/JSON load and save). The default methods of
//!   [`ExecutionEngine`](crate::ExecutionEngine) materialise their inputs,
//!   run these kernels and convert the result back with `to_df`, so a new
//!   backend only overrides what it can do better in its own engine.
//!
//! - [`layout`]: physical partition layouts per a partition spec (hash,
//!   rand, even, coarse, contiguous; PA-1..8) over local Arrow partitions.
//!
//! - [`SqlFacetSlot`], [`configured_sql_engine`]: the lazily built SQL facet
//!   every engine keeps (ENG-GEN-5, ENG-SQL-4).
//!
//! - [`typed`], [`select`], [`types`]: expressions resolved against a schema
//!   into a typed tree, and select/filter/assign/aggregate plans
//!   (ENG-EXPR-*, ENG-SEL-*); an engine's compiler is a plain match over them.
//! - [`map`], [`plan`]: the map machinery and operation planning.
//!
//! A user of fugue-rs never needs this module: the engines, the
//! [`DataFrame`](crate::DataFrame) API and the conformance suite are the
//! user-facing surface.

pub mod kernels;
pub mod layout;
pub mod select;
pub mod typed;
pub mod types;

/// The map machinery engines build `map_dataframe` from: the reference
/// per-partition algorithm ([`map::map_physical_partition`], PG-1..8,
/// ENG-MAP-1..12), user-code calls that turn errors and panics into
/// `ERR-USER` with the partition keys ([`map::call_user`]), output schema
/// checks, and the sort / range helpers the layouts use.
pub mod map {
    pub use crate::engine::map::{
        MapFn, OnInitFn, call_user, check_map_output_schema, check_output_schema,
        contiguous_chunks, contiguous_ranges, key_ranges, map_local, map_physical_partition,
        sort_batch,
    };
}

/// Load and save for backends: the file listing, format inference, schema
/// inference for csv/json, the arrow-rs Parquet reader, Hive folder names,
/// crash-safe save targets and the load/save plans every engine reads
/// (ENG-IO-1..10, ENG-PQ, ENG-CSV, ENG-JSON).
pub mod io {
    pub use crate::io::csv::{CsvLoadSchema, csv_load_schema};
    pub use crate::io::format::resolve_format;
    pub use crate::io::hive::{HIVE_DEFAULT_PARTITION, hive_dir, hive_segment, parse_hive_segment};
    pub use crate::io::json::json_load_schema;
    pub use crate::io::listing::{DataFile, is_folder_data_file, is_hidden_name, list_load_files};
    pub use crate::io::options::check_csv_load_args;
    pub use crate::io::parquet_file::{ParquetFile, read_parquet_file};
    pub use crate::io::parquet_scan::ParquetScan;
    pub use crate::io::plan::{
        SavePlan, append_load_options, check_append_schema, files_disagree, gzip_not_supported,
        plan_load, plan_save,
    };
    pub use crate::io::save::{PathKind, SaveTarget};
    pub use crate::io::select::select_batch;
}

/// Value conversions over Arrow data: Fugue's cast rules on whole arrays
/// (DF-CAST), rows in (DF-VAL) and out (DF-OUT).
pub mod value {
    pub use crate::value::cast::{cast_array, nested_types_equivalent};
    pub use crate::value::ingest::rows_to_batch;
    pub use crate::value::output::{batch_rows, row_at, value_at, value_type_matches};
}

/// The checks every engine's frame runs for its column operations, so the
/// errors agree (DF-KIND-1, DF-OP-10..14).
pub mod frame {
    pub use crate::dataframe::check_dataframe_schema;
    pub use crate::dataframe::ops::{
        alter_columns_schema, drop_columns_schema, rename_schema, select_columns_schema,
    };
}

/// Operation planning every engine reads instead of deciding itself: join
/// keys, output schema and the common key types (ENG-JOIN-*), set-operation
/// schema checks (ENG-SET-1), dropna/fillna columns (ENG-DROPNA, ENG-FILLNA),
/// take (ENG-TAKE-*).
pub mod plan {
    pub use crate::engine::params::{
        JoinPlan, check_set_schemas, dropna_columns, fillna_plan, join_key_type, plan_join,
    };
    pub use crate::engine::take::{TakePlan, plan_take};
}
mod sql_facet;

pub use sql_facet::{SqlFacetSlot, configured_sql_engine};
