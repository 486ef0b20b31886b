//! The command line: clap definitions, help texts and examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  fugue engines
  fugue bench                                   # W1-W7, every linked engine, TPC-H SF 0.1 in memory
  fugue bench --sf 1 --workloads W1,W3 --repeat 5 --json bench.json --chart bench.svg
  fugue datagen tpch --sf 1 --out data/sf1
  fugue bench --data data/sf1 --engines native
  fugue sql --table t=data/sf1/orders.parquet \"SELECT o_orderstatus, COUNT(*) AS n FROM t GROUP BY o_orderstatus\"
  fugue --conf fugue.default.partitions=4 bench --workloads W1";

/// fugue: one dataframe API, many engines (native Arrow + rayon, Polars,
/// DataFusion). List the linked engines, generate TPC-H data, benchmark the
/// engines on the standard workloads, run SQL over files.
#[derive(Debug, Parser)]
#[command(name = "fugue", version, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    /// A configuration entry passed into the engine's conf (repeatable), e.g.
    /// `--conf fugue.default.partitions=4`; values that parse as JSON
    /// (numbers, true/false) are typed, others are text.
    #[arg(long = "conf", value_name = "KEY=VALUE", global = true, value_parser = parse_conf)]
    pub conf: Vec<(String, String)>,

    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the execution engines and SQL engines linked into this binary
    /// (name, aliases, crate, version), read from the registry.
    #[command(after_help = "Example:\n  fugue engines")]
    Engines,

    /// Generate data sets as Parquet files.
    Datagen {
        /// The data set.
        #[command(subcommand)]
        kind: DatagenKind,
    },

    /// Run the standard workloads (W1-W7 of WORKLOADS.md) on the linked
    /// engines and compare times and checksums.
    #[command(after_help = BENCH_HELP)]
    Bench(BenchArgs),

    /// Run a SQL query over Parquet, CSV (with header) or JSON files through
    /// an engine's SQL engine.
    #[command(after_help = SQL_HELP)]
    Sql(SqlArgs),
    /// Run a TPC-H pipeline as a FugueWorkflow on every engine, twice: the
    /// second run reuses its deterministic checkpoint. The engines must agree.
    Pipeline(PipelineArgs),
    /// Run a FugueSQL script (spec/FUGUESQL.md) as a workflow on one engine:
    /// PRINT writes to stdout, each YIELD DATAFRAME is summarised at the end.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
}

const RUN_HELP: &str = "\
Examples:
  fugue run script.fsql --engine native
  fugue run script.fsql --param min=2 --param city=paris --conf fugue.workflow.concurrency=2
--param KEY=VALUE binds a template value ({{ KEY }} in the script; JSON
when VALUE parses as JSON, else a string); --conf entries are the
workflow's compile conf and the engine's conf. A syntax error shows the
offending line with a caret and exits with 1.";

/// Arguments of `fugue run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The FugueSQL script file.
    #[arg(value_name = "SCRIPT.fsql")]
    pub script: PathBuf,
    /// The execution engine (name or alias); default: `native` when linked,
    /// else the first linked engine.
    #[arg(long, value_name = "NAME")]
    pub engine: Option<String>,
    /// A template parameter of the script (repeatable; FSQL-TPL): `{{ KEY }}`
    /// in the script renders VALUE. Values that parse as JSON (numbers,
    /// `true`, lists, ...) are JSON, anything else is a string.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_conf)]
    pub params: Vec<(String, String)>,
}

/// Arguments of `fugue pipeline`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// The TPC-H scale factor of the generated input (ignored with `--data`).
    #[arg(long, default_value_t = 0.01)]
    pub sf: f64,
    /// A folder with `lineitem.parquet` and `orders.parquet` (for example
    /// from `fugue datagen tpch`); default: generated into a temp folder.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Engines to run (comma-separated); default: every linked engine.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub engines: Vec<String>,
}

const BENCH_HELP: &str = "\
Workloads: W1 transform (map_dataframe), W2 join, W3 aggregate, W4 take,
W5 io (Parquet load/save/load), W6 set ops, W7 sql (TPC-H Q1 and Q6).
Each engine runs each workload once as a warm-up, then --repeat timed runs
(from loading the input through the materialised local result). The table
shows median/min/max seconds, input rows per second, the ratio to the
fastest engine and the checksum; the run fails (exit code 1) when engines
disagree on a checksum. A workload an engine cannot run (W7 without a SQL
engine) is reported as not supported.

Examples:
  fugue bench
  fugue bench --sf 1 --engines native --workloads W1,W2 --repeat 5
  fugue bench --data data/sf1 --json bench.json --chart bench.svg
  fugue bench --workloads W1 --baselines       # add the hand-written Polars/DataFusion rows";

const SQL_HELP: &str = "\
Each --table NAME=PATH registers a file as a table (format from the
extension: .parquet, .csv with a header line, .json). The query runs
through the SQL engine of the chosen execution engine; without --output the
first --limit rows and the row count are printed, with --output the whole
result is saved (format from the extension). Relation names (FROM, JOIN)
equal to a --table NAME refer to that file (the exact case first; quote
keyword names, e.g. `by`); the query is parsed in the dialect of
--conf fugue.sql.compile.dialect (default spark). A text that is not plain
SQL but FugueSQL (spec/FUGUESQL.md) runs as a FugueSQL script: the tables
are bound as dataframes by NAME and the script's last dataframe is the
result (PRINT statements write to stdout as well).

Examples:
  fugue sql --table t=data/sf1/orders.parquet \"SELECT COUNT(*) AS n FROM t\"
  fugue sql --engine datafusion --table a=a.csv --table b=b.json --file query.sql --limit 5
  fugue sql --table t=in.parquet --output out.csv \"SELECT * FROM t WHERE x > 1\"
  fugue sql --table t=in.parquet \"TAKE 3 ROWS FROM t PREPARTITION BY k PRESORT x DESC\"";

/// The data sets of `fugue datagen`.
#[derive(Debug, Subcommand)]
pub enum DatagenKind {
    /// TPC-H tables (tpchgen), streamed batch by batch to Parquet files
    /// `OUT/<table>.parquet` with constant memory.
    #[command(after_help = "Examples:\n  fugue datagen tpch --sf 1 --out data/sf1\n  \
                            fugue datagen tpch --sf 0.1 --out data/sf01 --tables all")]
    Tpch(TpchArgs),
}

/// Arguments of `fugue datagen tpch`.
#[derive(Debug, Args)]
pub struct TpchArgs {
    /// The TPC-H scale factor (1 = 6,001,215 lineitem rows; at most 1000).
    #[arg(long, default_value_t = 1.0)]
    pub sf: f64,
    /// The output folder (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The tables: `all`, or a comma-separated list of nation, region,
    /// supplier, customer, part, partsupp, orders, lineitem.
    #[arg(long, default_value = "lineitem,orders")]
    pub tables: String,
}

/// Arguments of `fugue bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Engines to run (comma-separated names or aliases); default: every
    /// linked engine.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub engines: Vec<String>,
    /// Workloads to run (comma-separated ids or names: W1 or transform);
    /// default: W1-W7.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub workloads: Vec<String>,
    /// Timed runs per engine and workload, after one warm-up run (1 to 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// TPC-H scale factor of the data generated in memory (at most 100).
    #[arg(long, default_value_t = 0.1, conflicts_with = "data")]
    pub sf: f64,
    /// Read lineitem.parquet and orders.parquet from this folder instead of
    /// generating data (see `fugue datagen tpch`).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Write one JSON record per engine and workload to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Draw a grouped bar chart of the median seconds to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Also time the hand-written programs of the backends for the same work
    /// (Polars and DataFusion, beside those engines, W1-W7; from the
    /// same files with --data) and W1's plain Arrow lexsort, as extra rows;
    /// the `vs hand-written` column is each engine's overhead over its
    /// backend.
    #[arg(long)]
    pub baselines: bool,
}

/// Arguments of `fugue sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The execution engine whose SQL engine runs the query (name or alias);
    /// default: `native` when linked, else the first linked engine.
    #[arg(long, value_name = "NAME")]
    pub engine: Option<String>,
    /// Register a file as a table (repeatable).
    #[arg(long = "table", value_name = "NAME=PATH", value_parser = parse_table)]
    pub tables: Vec<(String, String)>,
    /// Rows to print (0 to 1,000,000).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub limit: u32,
    /// Save the whole result to this file (format from the extension)
    /// instead of printing it.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Read the query from this file.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// The query.
    #[arg(required_unless_present = "file")]
    pub query: Option<String>,
}

fn split_pair(s: &str, what: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected {what}, got `{s}`")),
    }
}

fn parse_conf(s: &str) -> Result<(String, String), String> {
    split_pair(s, "KEY=VALUE")
}

fn parse_table(s: &str) -> Result<(String, String), String> {
    let (name, path) = split_pair(s, "NAME=PATH")?;
    if path.trim().is_empty() {
        return Err(format!("expected NAME=PATH, got `{s}` (the path is empty)"));
    }
    Ok((name, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pairs_parse() {
        assert_eq!(parse_conf("a.b=1"), Ok(("a.b".into(), "1".into())));
        assert_eq!(parse_conf("a=x=y"), Ok(("a".into(), "x=y".into())));
        assert!(parse_conf("novalue").is_err());
        assert!(parse_conf("=1").is_err());
        assert!(parse_table("t=").is_err());
    }
}
