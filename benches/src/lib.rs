//! The standard workloads W1–W7 of `shared/bench/WORKLOADS.md`, defined
//! once and shared by `fugue bench` (crate `fugue-cli`) and the criterion
//! benches (`benches/workloads.rs`).
//!
//! Each workload runs through the public fugue API on any engine
//! ([`run`]), from the start of loading its input through its result
//! materialised as local Arrow frames ([`Output`]), and [`checksum`] reduces
//! that result to a [`Checksum`] every engine must agree on: the row count,
//! integer sums exactly, float sums rounded to 6 significant digits.
//!
//! | id | operation | input |
//! |---|---|---|
//! | W1 | transform (`map_dataframe`, per-group function) | lineitem |
//! | W2 | inner join | lineitem, orders |
//! | W3 | aggregate by `l_returnflag, l_linestatus` | lineitem |
//! | W4 | take 2 per `l_suppkey` | lineitem |
//! | W5 | io: load Parquet, save Parquet, load, count | `lineitem.parquet` |
//! | W6 | set ops: distinct, union, subtract | lineitem |
//! | W7 | SQL: TPC-H Q1 and Q6 through the engine's SQL engine | lineitem |
//!
//! Hand-written Polars and DataFusion code for W1, W2, W3, W5 and W7, the
//! baselines the Polars and DataFusion engines are measured against, is in
//! [`baselines`].
//!
//! Data ([`TpchData`]): TPC-H `lineitem` and `orders` generated in-process
//! with `tpchgen` (deterministic per scale factor), or read from
//! `lineitem.parquet` / `orders.parquet` in a folder. `l_quantity`,
//! `l_extendedprice`, `l_discount`, `l_tax` and `o_totalprice` are cast to
//! `double` on load (`l_tax` beyond WORKLOADS.md: only Q1 reads it and no
//! checksum does, so every SQL engine sees one numeric type).

pub mod baselines;
pub mod pipeline;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use fugue::core::arrow::array::{Array, ArrayRef, Float64Array, Int64Array, RecordBatchReader};
use fugue::core::arrow::compute::kernels::numeric::div;
use fugue::core::arrow::compute::{
    SortColumn, SortOptions, cast, lexsort_to_indices, sum, take_record_batch,
};
use fugue::core::arrow::datatypes::{DataType, SchemaRef};
use fugue::core::arrow::record_batch::RecordBatch;
use fugue::core::dataframe::DataFrameRef;
use fugue::core::engine::map_fn;
use fugue::core::engine::{
    EngineRef, JoinType, LoadOptions, NaPosition, SaveOptions, SqlPart, StructuredSql,
};
use fugue::core::expr::functions::{avg, count, sum as sum_of};
use fugue::core::expr::{BinaryOp, ColumnExpr};
use fugue::core::{
    DataFrame, DataFrames, Error, ErrorKind, LocalDataFrame, PartitionSpec, Result, Schema,
    SelectColumns, all_cols, col, lit,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator,
    PartSuppGenerator, RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{
    CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow,
    SupplierArrow,
};

/// Rows per generated batch.
pub const BATCH_ROWS: usize = 8192;

/// The casts applied to `lineitem` on load (see the crate docs).
pub const LINEITEM_CASTS: &str =
    "l_quantity:double,l_extendedprice:double,l_discount:double,l_tax:double";

/// The casts applied to `orders` on load.
pub const ORDERS_CASTS: &str = "o_totalprice:double";

// ---------------------------------------------------------------------------
// TPC-H generation
// ---------------------------------------------------------------------------

/// The eight TPC-H tables `tpchgen` generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TpchTable {
    /// `nation` (25 rows).
    Nation,
    /// `region` (5 rows).
    Region,
    /// `part` (200,000 rows at SF 1).
    Part,
    /// `supplier` (10,000 rows at SF 1).
    Supplier,
    /// `partsupp` (800,000 rows at SF 1).
    PartSupp,
    /// `customer` (150,000 rows at SF 1).
    Customer,
    /// `orders` (1,500,000 rows at SF 1).
    Orders,
    /// `lineitem` (6,001,215 rows at SF 1).
    LineItem,
}

impl TpchTable {
    /// Every table, small ones first.
    pub const ALL: [TpchTable; 8] = [
        TpchTable::Nation,
        TpchTable::Region,
        TpchTable::Supplier,
        TpchTable::Customer,
        TpchTable::Part,
        TpchTable::PartSupp,
        TpchTable::Orders,
        TpchTable::LineItem,
    ];

    /// The table name (`lineitem`), also the stem of its file name.
    pub fn name(self) -> &'static str {
        match self {
            TpchTable::Nation => "nation",
            TpchTable::Region => "region",
            TpchTable::Part => "part",
            TpchTable::Supplier => "supplier",
            TpchTable::PartSupp => "partsupp",
            TpchTable::Customer => "customer",
            TpchTable::Orders => "orders",
            TpchTable::LineItem => "lineitem",
        }
    }

    /// The table called `name` (case-insensitive).
    ///
    /// # Errors
    /// `ERR-ARG` for an unknown name, listing the known ones.
    pub fn parse(name: &str) -> Result<TpchTable> {
        let lower = name.trim().to_ascii_lowercase();
        TpchTable::ALL.into_iter().find(|t| t.name() == lower).ok_or_else(|| {
            let known: Vec<&str> = TpchTable::ALL.iter().map(|t| t.name()).collect();
            Error::arg(
                "tables",
                format!("unknown TPC-H table `{name}`; known: {}, all", known.join(", ")),
            )
        })
    }

    /// The number of rows at scale factor `sf`: exact for every table but
    /// `lineitem`, whose count is only known once generated (estimated as
    /// 4 lines per order, the TPC-H mean).
    pub fn estimated_rows(self, sf: f64) -> u64 {
        let n = match self {
            TpchTable::Nation => 25,
            TpchTable::Region => 5,
            TpchTable::Part => PartGenerator::calculate_row_count(sf, 1, 1),
            TpchTable::Supplier => SupplierGenerator::calculate_row_count(sf, 1, 1),
            TpchTable::PartSupp => PartSuppGenerator::calculate_row_count(sf, 1, 1),
            TpchTable::Customer => CustomerGenerator::calculate_row_count(sf, 1, 1),
            TpchTable::Orders => OrderGenerator::calculate_row_count(sf, 1, 1),
            TpchTable::LineItem => OrderGenerator::calculate_row_count(sf, 1, 1) * 4,
        };
        u64::try_from(n).unwrap_or(0)
    }

    /// A streaming generator of the table at scale factor `sf`, in batches
    /// of [`BATCH_ROWS`] (memory does not grow with `sf`).
    pub fn generator(self, sf: f64) -> Box<dyn RecordBatchReader + Send> {
        match self {
            TpchTable::Nation => Box::new(
                NationArrow::new(NationGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
            TpchTable::Region => Box::new(
                RegionArrow::new(RegionGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
            TpchTable::Part => {
                Box::new(PartArrow::new(PartGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS))
            }
            TpchTable::Supplier => Box::new(
                SupplierArrow::new(SupplierGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
            TpchTable::PartSupp => Box::new(
                PartSuppArrow::new(PartSuppGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
            TpchTable::Customer => Box::new(
                CustomerArrow::new(CustomerGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
            TpchTable::Orders => {
                Box::new(OrderArrow::new(OrderGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS))
            }
            TpchTable::LineItem => Box::new(
                LineItemArrow::new(LineItemGenerator::new(sf, 1, 1)).with_batch_size(BATCH_ROWS),
            ),
        }
    }
}

/// The largest scale factor written to files (`fugue datagen`): SF 1000
/// is 6 billion lineitem rows, about 1 TB of Parquet; TPC-H row counts
/// beyond it no longer fit the generators' arithmetic.
pub const MAX_SF: f64 = 1000.0;

/// The largest scale factor generated in memory ([`TpchData::generate`],
/// `fugue bench` without `--data`): SF 100 is 600 million lineitem rows,
/// tens of GB of Arrow data.
pub const MAX_SF_IN_MEMORY: f64 = 100.0;

/// Checks a scale factor: finite, positive and at most [`MAX_SF`].
///
/// # Errors
/// `ERR-ARG` otherwise, naming the value and the range.
pub fn check_sf(sf: f64) -> Result<()> {
    check_sf_up_to(sf, MAX_SF, "TPC-H files")
}

/// Checks a scale factor for data generated in memory: as [`check_sf`],
/// at most [`MAX_SF_IN_MEMORY`].
///
/// # Errors
/// `ERR-ARG` otherwise, naming the value and the range.
pub fn check_sf_in_memory(sf: f64) -> Result<()> {
    check_sf_up_to(
        sf,
        MAX_SF_IN_MEMORY,
        "TPC-H data in memory (larger: write files with `fugue datagen tpch` and pass `--data`)",
    )
}

fn check_sf_up_to(sf: f64, max: f64, what: &str) -> Result<()> {
    if !(sf.is_finite() && sf > 0.0) {
        return Err(Error::arg("sf", format!("scale factor `{sf}` must be a positive number")));
    }
    if sf > max {
        return Err(Error::arg(
            "sf",
            format!("scale factor `{sf}` is too large: at most {max} for {what}"),
        ));
    }
    Ok(())
}

/// Streams `table` at scale factor `sf` into the Parquet file `path`
/// (snappy), one generated batch at a time, calling `progress` with the rows
/// of each batch written. Memory stays constant: a batch is written and
/// dropped before the next is generated. Returns the rows written.
///
/// # Errors
/// `ERR-ARG` for a bad `sf`; IO and Parquet errors (creating or writing the
/// file).
pub fn write_tpch_parquet(
    table: TpchTable,
    sf: f64,
    path: &Path,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    check_sf(sf)?;
    let generator = table.generator(sf);
    let schema: SchemaRef = generator.schema();
    let file = File::create(path)
        .map_err(|e| Error::io(format!("cannot create `{}`", path.display()), e))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let pq = |op: &'static str| {
        let path = path.display().to_string();
        move |e: parquet::errors::ParquetError| {
            Error::backend("parquet", format!("{op} `{path}`"), e)
        }
    };
    let mut writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(pq("create"))?;
    let mut rows = 0u64;
    for batch in generator {
        let batch = batch?;
        let n = batch.num_rows() as u64;
        writer.write(&batch).map_err(pq("write"))?;
        rows += n;
        progress(n);
    }
    writer.close().map_err(pq("close"))?;
    Ok(rows)
}

fn generate_local(table: TpchTable, sf: f64, casts: &str) -> Result<LocalDataFrame> {
    check_sf(sf)?;
    let batches = table.generator(sf).collect::<std::result::Result<Vec<RecordBatch>, _>>()?;
    let df = LocalDataFrame::from_batches(batches)?;
    df.alter_columns(&casts.parse()?)?.as_local_bounded()
}

/// TPC-H `lineitem` at scale factor `sf` in memory (6,001,215 rows at SF
/// 1), with [`LINEITEM_CASTS`] applied.
///
/// # Errors
/// `ERR-ARG` for a bad `sf`; Arrow errors of the generator or the casts.
pub fn lineitem(sf: f64) -> Result<LocalDataFrame> {
    generate_local(TpchTable::LineItem, sf, LINEITEM_CASTS)
}

/// TPC-H `orders` at scale factor `sf` in memory (1,500,000 rows at SF 1),
/// with [`ORDERS_CASTS`] applied.
///
/// # Errors
/// `ERR-ARG` for a bad `sf`; Arrow errors of the generator or the casts.
pub fn orders(sf: f64) -> Result<LocalDataFrame> {
    generate_local(TpchTable::Orders, sf, ORDERS_CASTS)
}

// ---------------------------------------------------------------------------
// Data of a run
// ---------------------------------------------------------------------------

/// Where a workload table comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Generated in memory, casts applied: taken with `engine.to_df`.
    Memory(DataFrameRef),
    /// A Parquet file: read with `engine.load_df`, then cast.
    Parquet(PathBuf),
}

/// The input of a run: `lineitem` and `orders`, in memory or as Parquet
/// files, and the `lineitem` Parquet file W5 reads.
#[derive(Debug)]
pub struct TpchData {
    /// The scale factor when generated, `None` when read from a folder.
    pub sf: Option<f64>,
    /// `lineitem`.
    pub lineitem: Source,
    /// `orders`.
    pub orders: Source,
    /// Rows of `lineitem`.
    pub lineitem_rows: usize,
    /// Rows of `orders`.
    pub orders_rows: usize,
    /// The `lineitem` Parquet file of W5: the folder's file, or written to
    /// `scratch` on first use for generated data.
    lineitem_parquet: OnceLock<PathBuf>,
    /// Temporary folder owned by this value (W5's files), removed on drop.
    scratch: tempfile::TempDir,
}

impl TpchData {
    /// Generates `lineitem` and `orders` at scale factor `sf` in memory.
    ///
    /// # Errors
    /// `ERR-ARG` for a bad `sf` (above [`MAX_SF_IN_MEMORY`] too); generator
    /// errors; IO errors creating the scratch folder.
    pub fn generate(sf: f64) -> Result<TpchData> {
        check_sf_in_memory(sf)?;
        let li = lineitem(sf)?;
        let ord = orders(sf)?;
        Ok(TpchData {
            sf: Some(sf),
            lineitem_rows: li.num_rows(),
            orders_rows: ord.num_rows(),
            lineitem: Source::Memory(Arc::new(li)),
            orders: Source::Memory(Arc::new(ord)),
            lineitem_parquet: OnceLock::new(),
            scratch: scratch()?,
        })
    }

    /// Uses `dir/lineitem.parquet` and `dir/orders.parquet` (as written by
    /// `fugue datagen tpch`); row counts come from the Parquet footers.
    ///
    /// # Errors
    /// `ERR-NOT-FOUND` when a file is missing; Parquet errors reading a footer.
    pub fn from_dir(dir: &Path) -> Result<TpchData> {
        let li = dir.join("lineitem.parquet");
        let ord = dir.join("orders.parquet");
        let lineitem_rows = parquet_rows(&li)?;
        let orders_rows = parquet_rows(&ord)?;
        let parquet = OnceLock::new();
        let _ = parquet.set(li.clone());
        Ok(TpchData {
            sf: None,
            lineitem: Source::Parquet(li),
            orders: Source::Parquet(ord),
            lineitem_rows,
            orders_rows,
            lineitem_parquet: parquet,
            scratch: scratch()?,
        })
    }

    /// The `lineitem` Parquet file W5 loads; for generated data it is
    /// written (not timed) on the first call.
    ///
    /// # Errors
    /// IO and Parquet errors while writing it.
    pub fn lineitem_parquet(&self) -> Result<PathBuf> {
        if let Some(p) = self.lineitem_parquet.get() {
            return Ok(p.clone());
        }
        let sf = self.sf.unwrap_or(0.0);
        let path = self.scratch.path().join("lineitem.parquet");
        write_tpch_parquet(TpchTable::LineItem, sf, &path, |_| {})?;
        Ok(self.lineitem_parquet.get_or_init(|| path).clone())
    }

    /// A fresh, empty folder inside this value's scratch folder.
    ///
    /// # Errors
    /// IO errors.
    pub fn fresh_dir(&self) -> Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix("run-")
            .tempdir_in(self.scratch.path())
            .map_err(|e| Error::io("cannot create a temporary folder", e))
    }
}

fn scratch() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("fugue-bench-")
        .tempdir()
        .map_err(|e| Error::io("cannot create a temporary folder", e))
}

fn parquet_rows(path: &Path) -> Result<usize> {
    let file = File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::not_found("file", path.display().to_string(), Vec::<String>::new())
        } else {
            Error::io(format!("cannot open `{}`", path.display()), e)
        }
    })?;
    let reader =
        parquet::file::serialized_reader::SerializedFileReader::new(file).map_err(|e| {
            Error::backend("parquet", format!("read the footer of `{}`", path.display()), e)
        })?;
    use parquet::file::reader::FileReader;
    let rows = reader.metadata().file_metadata().num_rows();
    Ok(usize::try_from(rows).unwrap_or(0))
}

/// A frame of `engine` from `source`: memory frames with `to_df`, Parquet
/// files with `load_df` followed by the `casts` (timed as part of a workload).
///
/// # Errors
/// Engine errors loading or converting.
pub fn load(engine: &EngineRef, source: &Source, casts: &str) -> Result<DataFrameRef> {
    match source {
        Source::Memory(df) => engine.to_df(df),
        Source::Parquet(path) => {
            let p = path.to_string_lossy();
            let df = engine.load_df(&[p.as_ref()], &LoadOptions::default())?;
            df.alter_columns(&casts.parse()?)
        }
    }
}

// ---------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------

/// The standard workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    /// Partitioned transform through `map_dataframe`.
    W1,
    /// Inner join of lineitem and orders.
    W2,
    /// Aggregation of lineitem.
    W3,
    /// Top 2 per supplier.
    W4,
    /// Parquet load, save, load, count.
    W5,
    /// distinct, union, subtract.
    W6,
    /// TPC-H Q1 and Q6 through the SQL engine.
    W7,
}

impl Workload {
    /// Every workload in order.
    pub const ALL: [Workload; 7] = [
        Workload::W1,
        Workload::W2,
        Workload::W3,
        Workload::W4,
        Workload::W5,
        Workload::W6,
        Workload::W7,
    ];

    /// `W1` .. `W7`.
    pub fn id(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W3 => "W3",
            Workload::W4 => "W4",
            Workload::W5 => "W5",
            Workload::W6 => "W6",
            Workload::W7 => "W7",
        }
    }

    /// A short name of the operation (`transform`, `join`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "transform",
            Workload::W2 => "join",
            Workload::W3 => "aggregate",
            Workload::W4 => "take",
            Workload::W5 => "io",
            Workload::W6 => "set_ops",
            Workload::W7 => "sql",
        }
    }

    /// One line describing what is run.
    pub fn description(self) -> &'static str {
        match self {
            Workload::W1 => {
                "map_dataframe by l_suppkey, presort l_shipdate, l_orderkey; adds qty_share, rn"
            }
            Workload::W2 => "lineitem inner join orders on orderkey",
            Workload::W3 => "lineitem aggregated by l_returnflag, l_linestatus",
            Workload::W4 => "top 2 lineitem rows per l_suppkey by l_extendedprice desc",
            Workload::W5 => "load lineitem Parquet, save Parquet, load it again, count",
            Workload::W6 => "distinct pairs, union distinct, subtract even l_suppkey",
            Workload::W7 => "TPC-H Q1 and Q6 through the engine's SQL engine",
        }
    }

    /// The workload with this id (`w3`, `W3`) or name (`aggregate`).
    ///
    /// # Errors
    /// `ERR-ARG` for an unknown workload, listing the known ones.
    pub fn parse(text: &str) -> Result<Workload> {
        let t = text.trim();
        Workload::ALL
            .into_iter()
            .find(|w| w.id().eq_ignore_ascii_case(t) || w.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                let known: Vec<String> =
                    Workload::ALL.iter().map(|w| format!("{} ({})", w.id(), w.name())).collect();
                Error::arg(
                    "workloads",
                    format!("unknown workload `{t}`; known: {}", known.join(", ")),
                )
            })
    }

    /// Input rows the workload reads (for rows per second).
    pub fn rows_in(self, data: &TpchData) -> usize {
        match self {
            Workload::W2 => data.lineitem_rows + data.orders_rows,
            _ => data.lineitem_rows,
        }
    }
}

/// The materialised result of one workload run: named local frames (one for
/// most workloads; `q1` and `q6` for W7; a one-row `count` for W5).
#[derive(Debug, Clone)]
pub struct Output {
    /// The result frames, in a fixed order.
    pub frames: Vec<(String, LocalDataFrame)>,
}

impl Output {
    fn one(df: LocalDataFrame) -> Output {
        Output { frames: vec![("result".into(), df)] }
    }

    fn first(&self) -> Result<&LocalDataFrame> {
        self.frames.first().map(|(_, df)| df).ok_or_else(|| Error::user("empty workload output"))
    }

    /// Rows over all result frames.
    pub fn num_rows(&self) -> usize {
        self.frames.iter().map(|(_, df)| df.num_rows()).sum()
    }
}

/// Runs `workload` on `engine` over `data`: the timed span, from loading the
/// input through the result materialised locally.
///
/// # Errors
/// The engine's errors; for W7, `ERR-NOT-SUPPORTED` / `ERR-PLUGIN` when the
/// engine has no SQL engine (see [`is_not_supported`]).
pub fn run(workload: Workload, engine: &EngineRef, data: &TpchData) -> Result<Output> {
    let li = || load(engine, &data.lineitem, LINEITEM_CASTS);
    let ord = || load(engine, &data.orders, ORDERS_CASTS);
    run_inner(workload, engine, data, li, ord)
}

/// `lineitem` and `orders` as frames that are already the engine's own
/// (e.g. Polars frames built outside the timed span), for
/// [`run_on_frames`].
#[derive(Debug, Clone)]
pub struct Frames {
    /// `lineitem`, casts of [`LINEITEM_CASTS`] applied.
    pub lineitem: DataFrameRef,
    /// `orders`, casts of [`ORDERS_CASTS`] applied.
    pub orders: DataFrameRef,
}

/// Runs `workload` on `engine` starting from `frames` instead of loading
/// `data`'s tables (W5 still reads `data`'s Parquet file): with frames of
/// the engine's own kind, `to_df` returns them as they are, so the timed
/// span is the fugue operations alone — the same input a hand-written
/// baseline starts from.
///
/// # Errors
/// As [`run`].
pub fn run_on_frames(
    workload: Workload,
    engine: &EngineRef,
    data: &TpchData,
    frames: &Frames,
) -> Result<Output> {
    let li = || Ok(frames.lineitem.clone());
    let ord = || Ok(frames.orders.clone());
    run_inner(workload, engine, data, li, ord)
}

fn run_inner(
    workload: Workload,
    engine: &EngineRef,
    data: &TpchData,
    li: impl Fn() -> Result<DataFrameRef>,
    ord: impl Fn() -> Result<DataFrameRef>,
) -> Result<Output> {
    match workload {
        Workload::W1 => Ok(Output::one(w1_transform(engine, &li()?)?)),
        Workload::W2 => {
            let ord = ord()?;
            Ok(Output::one(w2_join(engine, &li()?, &ord)?))
        }
        Workload::W3 => Ok(Output::one(w3_aggregate(engine, &li()?)?)),
        Workload::W4 => Ok(Output::one(w4_take(engine, &li()?)?)),
        Workload::W5 => {
            let src = data.lineitem_parquet()?;
            let dir = data.fresh_dir()?;
            Ok(Output::one(w5_io(engine, &src, &dir.path().join("lineitem.parquet"))?))
        }
        Workload::W6 => Ok(Output::one(w6_set_ops(engine, &li()?)?)),
        Workload::W7 => {
            // Ask for the SQL engine before loading, so an engine without
            // one fails fast.
            let _ = engine.sql_engine()?;
            w7_sql(engine, &li()?)
        }
    }
}

/// The checksum of a workload's output.
///
/// # Errors
/// Missing or mistyped columns in the output.
pub fn checksum(workload: Workload, output: &Output) -> Result<Checksum> {
    match workload {
        Workload::W1 => w1_checksum(output.first()?),
        Workload::W2 => w2_checksum(output.first()?),
        Workload::W3 => w3_checksum(output.first()?),
        Workload::W4 => w4_checksum(output.first()?),
        Workload::W5 => w5_checksum(output.first()?),
        Workload::W6 => w6_checksum(output.first()?),
        Workload::W7 => w7_checksum(output),
    }
}

/// True when `err` means "this engine cannot run this workload" (no SQL
/// engine, an unsupported operation) rather than a failure.
pub fn is_not_supported(err: &Error) -> bool {
    matches!(err.kind(), ErrorKind::NotSupported | ErrorKind::Plugin)
}

// ---------------------------------------------------------------------------
// Checksums
// ---------------------------------------------------------------------------

/// What a workload's result must agree on across engines: the row count,
/// exact integer sums and float sums rounded to 6 significant digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    /// Rows of the result.
    pub rows: usize,
    /// Named sums, in a fixed order: integers exactly, floats rounded to 6
    /// significant digits (`1.23457e6`).
    pub sums: Vec<(String, String)>,
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rows={}", self.rows)?;
        for (k, v) in &self.sums {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

/// `x` rounded to 6 significant digits, in scientific notation.
pub fn round6(x: f64) -> String {
    format!("{x:.5e}")
}

fn column_as(batch: &RecordBatch, name: &str, to: &DataType) -> Result<ArrayRef> {
    let schema = batch.schema();
    let idx = schema.index_of(name).map_err(|_| {
        Error::not_found("column", name, schema.fields().iter().map(|f| f.name().clone()))
    })?;
    let c = batch.column(idx);
    if c.data_type() == to { Ok(c.clone()) } else { Ok(cast(c, to)?) }
}

fn float_sum(batch: &RecordBatch, name: &str) -> Result<f64> {
    let c = column_as(batch, name, &DataType::Float64)?;
    let a = c
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Error::user(format!("column `{name}` is not double after a cast")))?;
    Ok(sum(a).unwrap_or(0.0))
}

fn int_column(batch: &RecordBatch, name: &str) -> Result<Int64Array> {
    let c = column_as(batch, name, &DataType::Int64)?;
    c.as_any()
        .downcast_ref::<Int64Array>()
        .cloned()
        .ok_or_else(|| Error::user(format!("column `{name}` is not long after a cast")))
}

fn int_sum(batch: &RecordBatch, name: &str) -> Result<i128> {
    Ok(int_column(batch, name)?.iter().flatten().map(i128::from).sum())
}

// ---------------------------------------------------------------------------
// W1 transform
// ---------------------------------------------------------------------------

/// W1: partition lineitem by `l_suppkey`, presort `l_shipdate, l_orderkey`;
/// per group add `qty_share = l_quantity / sum(l_quantity)` and `rn` (1-based
/// row number in presort order). Output `*,qty_share:double,rn:long`.
///
/// A closure over `map_dataframe`; on a distributed engine the transformer
/// registered as `share_and_rank` (the same function, found by name on the
/// executors), with `l_quantity` cast to double first.
///
/// # Errors
/// Engine errors.
pub fn w1_transform(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let input = engine.to_df(lineitem)?.select_columns(&[
        "l_orderkey",
        "l_suppkey",
        "l_quantity",
        "l_shipdate",
    ])?;
    let spec = PartitionSpec::builder()
        .by(["l_suppkey"])
        .presort("l_shipdate asc, l_orderkey asc")
        .build()?;
    let output: Schema = input.schema().transform("*,qty_share:double,rn:long")?;
    if engine.capabilities().distributed {
        // executors in other processes cannot call a closure: they rebuild
        // the function registered by name (`share_and_rank`, the same body)
        let input = input.alter_columns(&Schema::parse("l_quantity:double")?)?;
        let out = fugue::api::transform(input, "share_and_rank")
            .partition(spec)
            .engine(engine.clone())
            .run()?;
        return out.as_local_bounded();
    }
    let out_schema = output.clone();
    let f = map_fn(move |_cursor, part: LocalDataFrame| {
        let batch = part.to_batch()?;
        let qty = column_as(&batch, "l_quantity", &DataType::Float64)?;
        let qty = qty
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| Error::user("l_quantity is not double"))?;
        let total = sum(qty).unwrap_or(0.0);
        let share: ArrayRef = div(qty, &Float64Array::new_scalar(total))?;
        let rn: ArrayRef = Arc::new(Int64Array::from_iter_values(1..=batch.num_rows() as i64));
        let mut columns = batch.columns().to_vec();
        columns.extend([share, rn]);
        LocalDataFrame::new(
            out_schema.clone(),
            vec![RecordBatch::try_new(out_schema.arrow().clone(), columns)?],
        )
    });
    engine.map_dataframe(&input, f, &output, &spec, None)?.as_local_bounded()
}

/// W1's checksum: rows, sum(rn), sum(qty_share), and the exact
/// sum(rn × l_orderkey) that checks the presort order.
///
/// # Errors
/// Missing or mistyped columns.
pub fn w1_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    let rn = int_column(&b, "rn")?;
    let ok = int_column(&b, "l_orderkey")?;
    let weighted: i128 = rn
        .iter()
        .zip(ok.iter())
        .map(|(r, o)| i128::from(r.unwrap_or(0)) * i128::from(o.unwrap_or(0)))
        .sum();
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![
            ("rn".into(), int_sum(&b, "rn")?.to_string()),
            ("qty_share".into(), round6(float_sum(&b, "qty_share")?)),
            ("rn_x_orderkey".into(), weighted.to_string()),
        ],
    })
}

/// The plain-Arrow core of W1, the baseline the native engine is measured
/// against: lexsort the four W1 columns by `(l_suppkey, l_shipdate,
/// l_orderkey)` and gather them. Returns the rows gathered.
///
/// # Errors
/// Missing columns; Arrow errors.
pub fn w1_lexsort_baseline(lineitem: &LocalDataFrame) -> Result<usize> {
    let batch = lineitem.to_batch()?;
    let idx = |n: &str| batch.schema().index_of(n).map_err(Error::from);
    let (s, d, o, q) =
        (idx("l_suppkey")?, idx("l_shipdate")?, idx("l_orderkey")?, idx("l_quantity")?);
    let four = batch.project(&[o, s, q, d])?;
    let cols: Vec<SortColumn> = [s, d, o]
        .iter()
        .map(|&i| SortColumn {
            values: batch.column(i).clone(),
            options: Some(SortOptions::default()),
        })
        .collect();
    let indices = lexsort_to_indices(&cols, None)?;
    Ok(take_record_batch(&four, &indices)?.num_rows())
}

// ---------------------------------------------------------------------------
// W2 join
// ---------------------------------------------------------------------------

/// W2: lineitem (`l_orderkey` → `orderkey`, `l_quantity`) inner join orders
/// (`o_orderkey` → `orderkey`, `o_totalprice`) on `orderkey`.
///
/// # Errors
/// Engine errors.
pub fn w2_join(
    engine: &EngineRef,
    lineitem: &DataFrameRef,
    orders: &DataFrameRef,
) -> Result<LocalDataFrame> {
    let l = engine
        .to_df(lineitem)?
        .select_columns(&["l_orderkey", "l_quantity"])?
        .rename(&[("l_orderkey", "orderkey")])?;
    let o = engine
        .to_df(orders)?
        .select_columns(&["o_orderkey", "o_totalprice"])?
        .rename(&[("o_orderkey", "orderkey")])?;
    engine.join(&l, &o, JoinType::Inner, &["orderkey"])?.as_local_bounded()
}

/// W2's checksum: rows and sum(l_quantity).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w2_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![("l_quantity".into(), round6(float_sum(&b, "l_quantity")?))],
    })
}

// ---------------------------------------------------------------------------
// W3 aggregate
// ---------------------------------------------------------------------------

/// W3: lineitem grouped by `l_returnflag, l_linestatus` with
/// `sum(l_quantity) sum_qty, sum(l_extendedprice) sum_price,
/// avg(l_discount) avg_disc, count(*) n`.
///
/// # Errors
/// Engine errors.
pub fn w3_aggregate(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let df = engine.to_df(lineitem)?;
    let cols = SelectColumns::new(
        vec![
            col("l_returnflag"),
            col("l_linestatus"),
            sum_of(col("l_quantity")).alias("sum_qty"),
            sum_of(col("l_extendedprice")).alias("sum_price"),
            avg(col("l_discount")).alias("avg_disc"),
            count(all_cols()).alias("n"),
        ],
        false,
    )?;
    engine.select(&df, &cols, None, None)?.as_local_bounded()
}

/// W3's checksum: rows, sum(sum_qty), sum(n).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w3_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![
            ("sum_qty".into(), round6(float_sum(&b, "sum_qty")?)),
            ("n".into(), int_sum(&b, "n")?.to_string()),
        ],
    })
}

// ---------------------------------------------------------------------------
// W4 take
// ---------------------------------------------------------------------------

/// W4: the top 2 rows of lineitem per `l_suppkey` by `l_extendedprice desc`;
/// columns `l_suppkey, l_orderkey, l_extendedprice`.
///
/// # Errors
/// Engine errors.
pub fn w4_take(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let df =
        engine.to_df(lineitem)?.select_columns(&["l_suppkey", "l_orderkey", "l_extendedprice"])?;
    let spec = PartitionSpec::by(["l_suppkey"])?;
    engine.take(&df, 2, "l_extendedprice desc", NaPosition::Last, &spec)?.as_local_bounded()
}

/// W4's checksum: rows and sum(l_extendedprice).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w4_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![("l_extendedprice".into(), round6(float_sum(&b, "l_extendedprice")?))],
    })
}

// ---------------------------------------------------------------------------
// W5 io
// ---------------------------------------------------------------------------

/// W5: load the Parquet file `src` (all columns), save it as Parquet to
/// `dst` (a fresh path), load `dst` and count. Returns a one-row frame
/// `n:long`.
///
/// # Errors
/// Engine IO errors.
pub fn w5_io(engine: &EngineRef, src: &Path, dst: &Path) -> Result<LocalDataFrame> {
    let src = src.to_string_lossy();
    let dst = dst.to_string_lossy();
    let df = engine.load_df(&[src.as_ref()], &LoadOptions::default())?;
    let save = SaveOptions { force_single: true, ..SaveOptions::default() };
    engine.save_df(&df, dst.as_ref(), &save)?;
    let back = engine.load_df(&[dst.as_ref()], &LoadOptions::default())?;
    let n = i64::try_from(back.count()?).map_err(|_| Error::user("row count overflows"))?;
    let schema: Schema = "n:long".parse()?;
    let batch = RecordBatch::try_new(
        schema.arrow().clone(),
        vec![Arc::new(Int64Array::from(vec![n])) as ArrayRef],
    )?;
    LocalDataFrame::new(schema, vec![batch])
}

/// W5's checksum: the rows counted (`rows` is that count).
///
/// # Errors
/// A result without its `n` column.
pub fn w5_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    let n = int_sum(&b, "n")?;
    Ok(Checksum { rows: usize::try_from(n).unwrap_or(0), sums: vec![] })
}

// ---------------------------------------------------------------------------
// W6 set ops
// ---------------------------------------------------------------------------

/// W6: the distinct `(l_orderkey, l_suppkey)` pairs of lineitem, union
/// (distinct) with the pairs of rows where `l_quantity > 25`, minus
/// (distinct) the pairs whose `l_suppkey` is even.
///
/// Evenness is `l_suppkey = cast(l_suppkey / 2 as long) * 2` (the
/// expression language has no modulo; keys are positive, so the cast
/// truncates like a floor).
///
/// # Errors
/// Engine errors.
pub fn w6_set_ops(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<LocalDataFrame> {
    let li = engine.to_df(lineitem)?;
    let pairs_of = |df: &DataFrameRef| df.select_columns(&["l_orderkey", "l_suppkey"]);
    let pairs = pairs_of(&li)?;
    let distinct = engine.distinct(&pairs)?;
    let big = pairs_of(&engine.filter(&li, &col("l_quantity").gt(lit(25.0)))?)?;
    let union = engine.union(&distinct, &big, true)?;
    let half = ColumnExpr::binary(BinaryOp::Div, col("l_suppkey"), lit(2i64)).cast(DataType::Int64);
    let even_cond = col("l_suppkey").eq(ColumnExpr::binary(BinaryOp::Mul, half, lit(2i64)));
    let even = engine.filter(&pairs, &even_cond)?;
    engine.subtract(&union, &even, true)?.as_local_bounded()
}

/// W6's checksum: rows and sum(l_orderkey).
///
/// # Errors
/// Missing or mistyped columns.
pub fn w6_checksum(result: &LocalDataFrame) -> Result<Checksum> {
    let b = result.to_batch()?;
    Ok(Checksum {
        rows: b.num_rows(),
        sums: vec![("l_orderkey".into(), int_sum(&b, "l_orderkey")?.to_string())],
    })
}

// ---------------------------------------------------------------------------
// W7 sql
// ---------------------------------------------------------------------------

/// TPC-H Q1, the shipdate cut-off written as `DATE '1998-09-02'`; the table
/// is the frame registered as `lineitem`.
pub const Q1: [&str; 2] = [
    "SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty, \
     SUM(l_extendedprice) AS sum_base_price, \
     SUM(l_extendedprice * (1 - l_discount)) AS sum_disc_price, \
     SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, \
     AVG(l_quantity) AS avg_qty, AVG(l_extendedprice) AS avg_price, \
     AVG(l_discount) AS avg_disc, COUNT(*) AS count_order FROM",
    "WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus \
     ORDER BY l_returnflag, l_linestatus",
];

/// TPC-H Q6; the table is the frame registered as `lineitem`.
pub const Q6: [&str; 2] = [
    "SELECT SUM(l_extendedprice * l_discount) AS revenue FROM",
    "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' \
     AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24",
];

fn over_lineitem(q: [&str; 2]) -> StructuredSql {
    StructuredSql {
        parts: vec![
            SqlPart::Text(q[0].into()),
            SqlPart::Table("lineitem".into()),
            SqlPart::Text(q[1].into()),
        ],
        dialect: "spark".into(),
    }
}

/// W7: Q1 and Q6 over `lineitem` through `engine.sql_engine()`. The output
/// holds the frames `q1` and `q6`.
///
/// # Errors
/// `ERR-NOT-SUPPORTED` / `ERR-PLUGIN` when the engine has no SQL engine; the
/// SQL engine's errors.
pub fn w7_sql(engine: &EngineRef, lineitem: &DataFrameRef) -> Result<Output> {
    let sql = engine.sql_engine()?;
    let dfs = DataFrames::named([("lineitem", engine.to_df(lineitem)?)])?;
    let q1 = sql.select(&dfs, &over_lineitem(Q1))?.as_local_bounded()?;
    let q6 = sql.select(&dfs, &over_lineitem(Q6))?.as_local_bounded()?;
    Ok(Output { frames: vec![("q1".into(), q1), ("q6".into(), q6)] })
}

/// W7's checksum: per query its rows and the sum of its first numeric column
/// (Q1 `sum_qty`, Q6 `revenue`); `rows` is the total.
///
/// # Errors
/// Missing frames or columns.
pub fn w7_checksum(output: &Output) -> Result<Checksum> {
    let frame = |name: &str| {
        output
            .frames
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, df)| df)
            .ok_or_else(|| Error::user(format!("W7 output has no `{name}` frame")))
    };
    let q1 = frame("q1")?.to_batch()?;
    let q6 = frame("q6")?.to_batch()?;
    Ok(Checksum {
        rows: q1.num_rows() + q6.num_rows(),
        sums: vec![
            ("q1_rows".into(), q1.num_rows().to_string()),
            ("q1_sum_qty".into(), round6(float_sum(&q1, "sum_qty")?)),
            ("q6_rows".into(), q6.num_rows().to_string()),
            ("q6_revenue".into(), round6(float_sum(&q6, "revenue")?)),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fugue::core::Conf;

    fn native() -> Option<EngineRef> {
        fugue::link_engines();
        fugue::core::make_engine("native", Conf::new()).ok()
    }

    #[test]
    fn round6_keeps_six_significant_digits() {
        assert_eq!(round6(1234567.0), "1.23457e6");
        assert_eq!(round6(0.0), "0.00000e0");
    }

    #[test]
    fn workload_names_parse() {
        assert_eq!(Workload::parse("w3").ok(), Some(Workload::W3));
        assert_eq!(Workload::parse("JOIN").ok(), Some(Workload::W2));
        let err = Workload::parse("W9").err().map(|e| e.kind());
        assert_eq!(err, Some(ErrorKind::InvalidArgument));
        assert_eq!(TpchTable::parse("LineItem").ok(), Some(TpchTable::LineItem));
        assert!(TpchTable::parse("nope").is_err());
        assert!(check_sf(0.0).is_err() && check_sf(f64::NAN).is_err() && check_sf(0.01).is_ok());
        assert!(check_sf(2e12).is_err() && check_sf(f64::INFINITY).is_err());
        assert!(check_sf(MAX_SF).is_ok() && check_sf_in_memory(MAX_SF).is_err());
        assert!(TpchData::generate(1e9).is_err());
    }

    /// Every workload on the native engine at a tiny scale, with checksums
    /// checked against independent computations over the generated data.
    #[test]
    fn workloads_on_native_match_independent_checksums() {
        let Some(engine) = native() else { return };
        let data = TpchData::generate(0.001).expect("data");
        let Source::Memory(li) = &data.lineitem else { panic!("memory data") };
        let li = li.as_local_bounded().expect("local");
        let lb = li.to_batch().expect("batch");
        let n = data.lineitem_rows;

        let w1 = checksum(Workload::W1, &run(Workload::W1, &engine, &data).expect("w1")).unwrap();
        assert_eq!(w1.rows, n);
        let w3 = checksum(Workload::W3, &run(Workload::W3, &engine, &data).expect("w3")).unwrap();
        assert_eq!(w3.rows, 4);
        assert_eq!(w3.sums[1].1, n.to_string());
        assert_eq!(w3.sums[0].1, round6(float_sum(&lb, "l_quantity").unwrap()));
        let w2 = checksum(Workload::W2, &run(Workload::W2, &engine, &data).expect("w2")).unwrap();
        assert_eq!(w2.rows, n, "every lineitem row has its order");
        let w5 = checksum(Workload::W5, &run(Workload::W5, &engine, &data).expect("w5")).unwrap();
        assert_eq!(w5.rows, n);
        let w6 = checksum(Workload::W6, &run(Workload::W6, &engine, &data).expect("w6")).unwrap();
        let ok = int_column(&lb, "l_orderkey").unwrap();
        let sk = int_column(&lb, "l_suppkey").unwrap();
        let odd: std::collections::BTreeSet<(i64, i64)> = ok
            .iter()
            .zip(sk.iter())
            .filter_map(|(o, s)| Some((o?, s?)))
            .filter(|(_, s)| s % 2 == 1)
            .collect();
        assert_eq!(w6.rows, odd.len());
        assert_eq!(w6.sums[0].1, odd.iter().map(|(o, _)| i128::from(*o)).sum::<i128>().to_string());
        let w4 = checksum(Workload::W4, &run(Workload::W4, &engine, &data).expect("w4")).unwrap();
        assert!(w4.rows > 0);
        match run(Workload::W7, &engine, &data) {
            Ok(out) => assert_eq!(checksum(Workload::W7, &out).unwrap().sums[0].1, "4"),
            Err(e) => assert!(is_not_supported(&e), "{e}"),
        }
        assert_eq!(w1_lexsort_baseline(&li).unwrap(), n);
    }
}
