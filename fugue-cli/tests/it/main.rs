//! Integration tests of the `fugue` binary: they run the real executable
//! (`std::process::Command`) and check stdout, stderr and exit codes.
//!
//! Engines come from the registry of this test binary, which links the same
//! `fugue` features as the CLI, so every assertion holds for whatever set of
//! engines is linked (native alone today; Polars and DataFusion once the
//! integrator enables them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use fugue::core::{registered_engines, registered_sql_engines};
use serde_json::Value as Json;
use tpchgen::generators::{LineItemGenerator, OrderGenerator};

mod hostile;

const SF: f64 = 0.002;

fn fugue_cmd(args: &[&str]) -> Output {
    fugue_cmd_with_log(args, None)
}

/// `fugue args` with `RUST_LOG` set to `rust_log`, or unset (the tests
/// check stderr line by line, whatever the caller's environment says).
fn fugue_cmd_with_log(args: &[&str], rust_log: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fugue"));
    cmd.args(args).env("RUST_BACKTRACE", "1").env_remove("RUST_LOG");
    if let Some(filter) = rust_log {
        cmd.env("RUST_LOG", filter);
    }
    cmd.output().expect("the fugue binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failed command: the exit code, one `error: ` line on stderr containing
/// every `needles`, no panic, no backtrace.
fn assert_error(o: &Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}\nstdout: {}", stdout(o));
    assert_eq!(err.lines().count(), 1, "exactly one line on stderr: {err:?}");
    assert!(err.starts_with("error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "`{n}` missing from: {err}");
    }
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

fn engine_names() -> Vec<&'static str> {
    fugue::link_engines();
    registered_engines().iter().map(|e| e.name).collect()
}

// ---------------------------------------------------------------------------
// independent figures of the TPC-H data, straight from tpchgen (no Arrow,
// no fugue)
// ---------------------------------------------------------------------------

struct Expected {
    lineitem_rows: usize,
    orders_rows: usize,
    sum_quantity: i64,
    /// sum over suppliers of n(n+1)/2: the W1 sum(rn).
    w1_sum_rn: i128,
    /// rows of W4: min(2, rows) per supplier.
    w4_rows: usize,
    /// distinct (orderkey, odd suppkey) pairs: W6 rows and sum(orderkey).
    w6_rows: usize,
    w6_sum_orderkey: i128,
}

fn expected(sf: f64) -> Expected {
    let mut per_supp: BTreeMap<i64, i128> = BTreeMap::new();
    let mut odd_pairs = BTreeSet::new();
    let mut rows = 0;
    let mut qty = 0;
    for li in LineItemGenerator::new(sf, 1, 1).iter() {
        rows += 1;
        qty += li.l_quantity;
        *per_supp.entry(li.l_suppkey).or_default() += 1;
        if li.l_suppkey % 2 == 1 {
            odd_pairs.insert((li.l_orderkey, li.l_suppkey));
        }
    }
    Expected {
        lineitem_rows: rows,
        orders_rows: OrderGenerator::new(sf, 1, 1).iter().count(),
        sum_quantity: qty,
        w1_sum_rn: per_supp.values().map(|n| n * (n + 1) / 2).sum(),
        w4_rows: per_supp.values().map(|n| (*n).min(2) as usize).sum(),
        w6_rows: odd_pairs.len(),
        w6_sum_orderkey: odd_pairs.iter().map(|(o, _)| i128::from(*o)).sum(),
    }
}

fn round6(x: f64) -> String {
    format!("{x:.5e}")
}

// ---------------------------------------------------------------------------
// engines
// ---------------------------------------------------------------------------

#[test]
fn engines_lists_what_the_registry_holds() {
    let o = fugue_cmd(&["engines"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("kind"), "{out}");
    for e in registered_engines() {
        let line = out
            .lines()
            .find(|l| l.starts_with("execution") && l.split_whitespace().nth(1) == Some(e.name))
            .unwrap_or_else(|| panic!("engine `{}` missing from:\n{out}", e.name));
        assert!(line.contains(e.origin) && line.contains(e.version), "{line}");
    }
    let sql = registered_sql_engines();
    for e in &sql {
        assert!(
            out.lines()
                .any(|l| l.starts_with("sql") && l.split_whitespace().nth(1) == Some(e.name)),
            "{out}"
        );
    }
    if sql.is_empty() {
        assert!(out.contains("no SQL engine is linked"), "{out}");
    }
    assert!(engine_names().contains(&"native"), "the default feature links native");
}

#[test]
fn help_shows_examples_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["bench", "--help"],
        vec!["sql", "--help"],
        vec!["datagen", "tpch", "--help"],
        vec!["engines", "--help"],
    ] {
        let o = fugue_cmd(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Example"), "{args:?}: {}", stdout(&o));
    }
    let o = fugue_cmd(&["--version"]);
    assert!(stdout(&o).starts_with("fugue "), "{}", stdout(&o));
}

// ---------------------------------------------------------------------------
// datagen, then reading the files back (with the engines and through bench)
// ---------------------------------------------------------------------------

#[test]
fn datagen_tiny_scale_then_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tpch");
    let o = fugue_cmd(&[
        "datagen",
        "tpch",
        "--sf",
        "0.001",
        "--out",
        &out.to_string_lossy(),
        "--tables",
        "all",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let exp = expected(0.001);
    for table in
        ["nation", "region", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
    {
        assert!(out.join(format!("{table}.parquet")).is_file(), "{table}: {}", stdout(&o));
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");

    fugue::link_engines();
    for name in engine_names() {
        let engine = fugue::core::make_engine(name, fugue::Conf::new()).expect("engine");
        let read = |t: &str| {
            let p = out.join(format!("{t}.parquet"));
            let df = engine
                .load_df(&[p.to_string_lossy().as_ref()], &Default::default())
                .expect("load_df");
            df.count().expect("count")
        };
        assert_eq!(read("lineitem"), exp.lineitem_rows, "{name}");
        assert_eq!(read("orders"), exp.orders_rows, "{name}");
        assert_eq!(read("nation"), 25, "{name}");
        assert_eq!(read("region"), 5, "{name}");
    }
    let report = stdout(&o);
    assert!(report.contains("lineitem.parquet") && report.contains("rows"), "{report}");

    // The default table list is lineitem and orders; bench reads them.
    let small = dir.path().join("small");
    let o =
        fugue_cmd(&["datagen", "tpch", "--sf", &SF.to_string(), "--out", &small.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!small.join("nation.parquet").exists());
    let json = dir.path().join("bench.json");
    let o = fugue_cmd(&[
        "bench",
        "--data",
        &small.to_string_lossy(),
        "--workloads",
        "W2,W3,W5",
        "--repeat",
        "1",
        "--json",
        &json.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), stdout(&o));
    let records = read_json(&json);
    let exp = expected(SF);
    for r in records.as_array().expect("array") {
        assert_eq!(r["status"], "ok", "{r}");
        assert!(r["sf"].is_null(), "{r}");
        let rows = r["checksum"]["rows"].as_u64().expect("rows") as usize;
        match r["workload"].as_str() {
            Some("W2") | Some("W5") => assert_eq!(rows, exp.lineitem_rows, "{r}"),
            Some("W3") => {
                assert_eq!(rows, 4, "{r}");
                assert_eq!(r["checksum"]["sums"]["n"], exp.lineitem_rows.to_string());
            }
            other => panic!("unexpected workload {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// bench
// ---------------------------------------------------------------------------

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).expect("the JSON report exists");
    serde_json::from_str(&text).expect("the JSON report parses")
}

#[test]
fn bench_tiny_scale_json_checksums_agree_and_are_right() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("bench.json");
    let chart = dir.path().join("bench.svg");
    let o = fugue_cmd(&[
        "bench",
        "--sf",
        &SF.to_string(),
        "--repeat",
        "2",
        "--json",
        &json.to_string_lossy(),
        "--chart",
        &chart.to_string_lossy(),
        "--conf",
        "fugue.test.dummy=bench",
    ]);
    assert!(o.status.success(), "{}\n{}", stderr(&o), stdout(&o));
    // no log records by default: W7 on polars made Polars warn about its
    // own casts, which the `fugue` command's default filter keeps quiet
    let err = stderr(&o);
    assert!(!err.contains("WARN") && !err.contains("ERROR"), "{err}");
    let out = stdout(&o);
    for wl in ["W1", "W2", "W3", "W4", "W5", "W6", "W7"] {
        assert!(out.lines().any(|l| l.starts_with(wl)), "no table for {wl}:\n{out}");
    }
    let svg = std::fs::read_to_string(&chart).expect("the chart exists");
    assert!(svg.contains("<svg") && svg.contains("W1 transform"), "{}", &svg[..svg.len().min(200)]);

    let records = read_json(&json);
    let records = records.as_array().expect("an array of records");
    let engines = engine_names();
    assert_eq!(records.len(), 7 * engines.len(), "one record per engine and workload");
    let exp = expected(SF);
    let mut by_workload: BTreeMap<String, Vec<&Json>> = BTreeMap::new();
    for r in records {
        assert_eq!(r["sf"], SF, "{r}");
        assert_eq!(r["repeats"], 2, "{r}");
        assert!(engines.contains(&r["engine"].as_str().unwrap_or("")), "{r}");
        let wl = r["workload"].as_str().expect("workload").to_string();
        let rows_in = r["rows_in"].as_u64().expect("rows_in") as usize;
        let expect_in =
            if wl == "W2" { exp.lineitem_rows + exp.orders_rows } else { exp.lineitem_rows };
        assert_eq!(rows_in, expect_in, "{r}");
        match r["status"].as_str() {
            Some("ok") => {
                let (min, med, max) =
                    (r["min_s"].as_f64(), r["median_s"].as_f64(), r["max_s"].as_f64());
                assert!(min <= med && med <= max && min > Some(0.0), "{r}");
                by_workload.entry(wl).or_default().push(r);
            }
            Some("not_supported") => {
                assert_eq!(wl, "W7", "only W7 may be unsupported: {r}");
                assert!(registered_sql_engines().is_empty(), "a SQL engine is linked: {r}");
                let engine = r["engine"].as_str().unwrap_or("");
                assert!(out.contains(&format!("not supported by {engine}: ")), "{out}");
            }
            other => panic!("status {other:?}: {r}"),
        }
    }
    // All engines agree on every checksum.
    for (wl, rs) in &by_workload {
        let first = &rs[0]["checksum"];
        for r in rs {
            assert_eq!(&r["checksum"], first, "{wl}: {} vs {}", r["engine"], rs[0]["engine"]);
        }
    }
    // ... and the checksums are right (computed from tpchgen directly).
    let ck = |wl: &str| by_workload.get(wl).map(|rs| rs[0]["checksum"].clone()).expect("timed");
    let n = exp.lineitem_rows;
    let w1 = ck("W1");
    assert_eq!(w1["rows"], n);
    assert_eq!(w1["sums"]["rn"], exp.w1_sum_rn.to_string());
    let w2 = ck("W2");
    assert_eq!(w2["rows"], n, "every lineitem row has its order");
    assert_eq!(w2["sums"]["l_quantity"], round6(exp.sum_quantity as f64));
    let w3 = ck("W3");
    assert_eq!(w3["rows"], 4, "4 (returnflag, linestatus) groups");
    assert_eq!(w3["sums"]["n"], n.to_string(), "sum(n) = lineitem rows");
    assert_eq!(w3["sums"]["sum_qty"], round6(exp.sum_quantity as f64));
    assert_eq!(ck("W4")["rows"], exp.w4_rows);
    assert_eq!(ck("W5")["rows"], n);
    let w6 = ck("W6");
    assert_eq!(w6["rows"], exp.w6_rows);
    assert_eq!(w6["sums"]["l_orderkey"], exp.w6_sum_orderkey.to_string());
    if !registered_sql_engines().is_empty() {
        let w7 = ck("W7");
        assert_eq!(w7["sums"]["q1_rows"], "4");
        assert_eq!(w7["sums"]["q6_rows"], "1");
    }
}

#[test]
fn bench_selects_engines_and_workloads_and_adds_baselines() {
    let o = fugue_cmd(&[
        "bench",
        "--sf",
        "0.001",
        "--engines",
        "NATIVE",
        "--workloads",
        "transform,w3",
        "--repeat",
        "1",
        "--baselines",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("arrow-lexsort (baseline)"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("W3")), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("W2")), "{out}");
}

/// Issue 15 item 1: `--baselines` from files puts the hand-written Polars and
/// DataFusion programs beside those engines (checksums compared with the
/// engines'), with each engine's overhead over its backend and the peak RSS
/// in the table and the JSON.
#[test]
fn bench_baselines_from_files_add_hand_written_rows_and_peak_rss() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let o = fugue_cmd(&["datagen", "tpch", "--sf", "0.001", "--out", &data.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = dir.path().join("b.json");
    let o = fugue_cmd(&[
        "bench",
        "--data",
        &data.to_string_lossy(),
        "--engines",
        "polars,datafusion",
        "--workloads",
        "W4,W6",
        "--repeat",
        "1",
        "--baselines",
        "--json",
        &json.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for row in ["polars (hand-written)", "datafusion (hand-written)"] {
        assert_eq!(out.lines().filter(|l| l.starts_with(row)).count(), 2, "{out}");
    }
    assert!(out.contains("vs hand-written") && out.contains("peak_rss"), "{out}");
    assert!(out.contains("checksums of W4, W6: all engines that ran agree"), "{out}");
    let records: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parse");
    let rows = records.as_array().expect("array");
    assert_eq!(rows.len(), 8, "{records}");
    assert!(rows.iter().filter(|r| r["baseline"] == true).count() == 4, "{records}");
    if cfg!(target_os = "linux") {
        assert!(rows.iter().all(|r| r["peak_rss_bytes"].as_u64().is_some_and(|b| b > 0)));
    }
}

// ---------------------------------------------------------------------------
// sql
// ---------------------------------------------------------------------------

fn write_csv(dir: &Path) -> String {
    let p = dir.join("people.csv");
    std::fs::write(&p, "name,age,city\nann,31,paris\nbob,25,rome\ncid,47,paris\n").expect("write");
    p.to_string_lossy().into_owned()
}

/// `RUST_LOG` shows the backends' log records on stderr (env_logger
/// syntax); without it a successful command writes nothing there.
#[test]
fn rust_log_shows_the_backends_log_records() {
    // fugue-cli links the facade with `all`: DataFusion is always here.
    let dir = tempfile::tempdir().expect("tempdir");
    let table = format!("people={}", write_csv(dir.path()));
    let query = "SELECT COUNT(*) AS n FROM people";
    let args = ["sql", "--engine", "datafusion", "--table", &table, query];
    let quiet = fugue_cmd_with_log(&args, None);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "nothing on stderr without RUST_LOG");
    let logged = fugue_cmd_with_log(&args, Some("datafusion_optimizer=debug"));
    assert!(logged.status.success(), "{}", stderr(&logged));
    let err = stderr(&logged);
    assert!(err.contains("DEBUG datafusion_optimizer"), "{err}");
    assert_eq!(stdout(&logged), stdout(&quiet), "logs go to stderr only");
}

#[test]
fn sql_over_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write_csv(dir.path());
    let table = format!("people={csv}");
    let query =
        "SELECT city, COUNT(*) AS n, SUM(age) AS total FROM people GROUP BY city ORDER BY city";
    let o = fugue_cmd(&["sql", "--table", &table, query]);
    fugue::link_engines();
    if registered_sql_engines().is_empty() {
        eprintln!(
            "sql_over_a_file: no SQL engine is linked into this build, so only the clear \
             `no SQL engine` error is checked; the success path runs once a SQL engine \
             (feature `datafusion` or `polars`) is linked"
        );
        assert_error(&o, 1, &["no SQL engine is linked", "datafusion", "polars"]);
        return;
    }
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("paris") && out.contains("rome") && out.contains("78"), "{out}");
    assert!(out.trim_end().ends_with("2 rows"), "{out}");

    // --limit, --file and --output.
    let qfile = dir.path().join("q.sql");
    std::fs::write(&qfile, "SELECT name, age FROM people WHERE age > 26 ORDER BY name")
        .expect("write");
    let o =
        fugue_cmd(&["sql", "--table", &table, "--file", &qfile.to_string_lossy(), "--limit", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ann") && !out.contains("cid") && out.contains("2 rows"), "{out}");
    let saved = dir.path().join("out.parquet");
    let o = fugue_cmd(&["sql", "--table", &table, "--output", &saved.to_string_lossy(), query]);
    assert!(o.status.success(), "{}", stderr(&o));
    let engine = fugue::core::make_engine("", fugue::Conf::new()).expect("engine");
    let back =
        engine.load_df(&[saved.to_string_lossy().as_ref()], &Default::default()).expect("load");
    assert_eq!(back.count().expect("count"), 2);

    // A SQL error carries the SQL engine's message.
    let o = fugue_cmd(&["sql", "--table", &table, "SELECT nope FROM people"]);
    assert_error(&o, 1, &["SQL error"]);
}

/// Every way to reach each linked SQL engine: each execution engine with its
/// own SQL facet (`--engine NAME`), and the default engine with each SQL
/// engine (`--conf fugue.sql.engine=NAME`). The CLI links every engine
/// (`fugue` feature `all`), so at least one SQL engine is there.
fn sql_choices() -> Vec<Vec<String>> {
    fugue::link_engines();
    let sql = registered_sql_engines();
    assert!(!sql.is_empty(), "the CLI links feature `all` of `fugue`: a SQL engine must be linked");
    let mut choices: Vec<Vec<String>> =
        engine_names().iter().map(|e| vec!["--engine".to_string(), e.to_string()]).collect();
    choices.extend(
        sql.iter().map(|e| vec!["--conf".to_string(), format!("fugue.sql.engine={}", e.name)]),
    );
    choices
}

/// Runs `fugue sql` with `choice`, the tables (`NAME=PATH`) and `query`;
/// returns the header line (`name:type`) and the printed values of the one
/// result column, in order.
fn sql_column(choice: &[String], tables: &[String], query: &str) -> (String, Vec<String>) {
    let mut args: Vec<&str> = vec!["sql"];
    args.extend(choice.iter().map(String::as_str));
    for t in tables {
        args.extend(["--table", t.as_str()]);
    }
    args.push(query);
    let o = fugue_cmd(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let dashes = lines.iter().position(|l| l.starts_with("---")).expect("a header rule");
    let end = lines.iter().position(|l| l.starts_with("Total count")).expect("a count line");
    let values = lines[dashes + 1..end].iter().map(|v| v.trim().to_string()).collect();
    (lines[dashes - 1].trim().to_string(), values)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Writes `name` with `text` into `dir` and returns `table=PATH`.
fn table_arg(dir: &Path, table: &str, file: &str, text: &str) -> String {
    let p = dir.join(file);
    std::fs::write(&p, text).expect("write");
    format!("{table}={}", p.display())
}

/// Table names in the query are relations only (ENG-SQL-1): a column named
/// like its table, a qualified column, an output column named like the
/// table, on every SQL engine.
#[test]
fn sql_table_names_are_relations_only() {
    let choices = sql_choices();
    let dir = tempfile::tempdir().expect("tempdir");
    let status = table_arg(dir.path(), "status", "status.csv", "status,n\n1,10\n2,20\n3,30\n");
    let t = table_arg(dir.path(), "t", "t.csv", "a,b\n1,x\n2,y\n3,z\n");
    for choice in &choices {
        let (header, values) = sql_column(
            choice,
            std::slice::from_ref(&status),
            "SELECT status FROM status WHERE n > 15 ORDER BY status",
        );
        assert_eq!((header.as_str(), values), ("status:long", strings(&["2", "3"])), "{choice:?}");
        let (header, values) = sql_column(
            choice,
            std::slice::from_ref(&t),
            "SELECT t.a FROM t WHERE t.b <> 'y' ORDER BY t.a",
        );
        assert_eq!((header.as_str(), values), ("a:long", strings(&["1", "3"])), "{choice:?}");
        let (header, values) =
            sql_column(choice, std::slice::from_ref(&t), "SELECT COUNT(*) AS t FROM t");
        // the count's type is the backend's (ENG-SQL-6); its name is `t`
        assert!(header.starts_with("t:"), "{choice:?}: {header}");
        assert_eq!(values, strings(&["3"]), "{choice:?}");
    }
}

/// A table called `by` (backticks, as the default spark dialect requires)
/// next to ORDER BY, and tables `t` and `T`: an exact-case match wins
/// (ENG-SQL-1); `--conf fugue.sql.compile.dialect=generic` reads double
/// quotes as identifiers (ENG-SQL-2).
#[test]
fn sql_keyword_and_case_distinct_table_names() {
    let choices = sql_choices();
    let dir = tempfile::tempdir().expect("tempdir");
    let by = table_arg(dir.path(), "by", "by.csv", "a\n2\n1\n3\n");
    let lower = table_arg(dir.path(), "t", "lower.csv", "a\n1\n2\n3\n");
    let upper = table_arg(dir.path(), "T", "upper.csv", "a\n20\n30\n");
    let both = [lower, upper];
    for choice in &choices {
        let (_, values) =
            sql_column(choice, std::slice::from_ref(&by), "SELECT a FROM `by` ORDER BY a DESC");
        assert_eq!(values, strings(&["3", "2", "1"]), "{choice:?}");
        let (_, values) = sql_column(choice, &both, "SELECT a FROM T ORDER BY a");
        assert_eq!(values, strings(&["20", "30"]), "{choice:?}");
        let (_, values) = sql_column(choice, &both, "SELECT a FROM t ORDER BY a");
        assert_eq!(values, strings(&["1", "2", "3"]), "{choice:?}");
        let mut generic = choice.clone();
        generic.extend(["--conf".to_string(), "fugue.sql.compile.dialect=generic".to_string()]);
        let (_, values) = sql_column(&generic, &both, "SELECT \"a\" FROM \"T\" ORDER BY \"a\"");
        assert_eq!(values, strings(&["20", "30"]), "{generic:?}");
    }
    // SQL that does not parse is one error line naming line and column
    let o = fugue_cmd(&["sql", "--table", &both[0], "SELECT a\nFROM t WHERE a >> > 1"]);
    assert_error(&o, 1, &["SQL error", "does not parse", "Line: 2", "Column:"]);
}

// ---------------------------------------------------------------------------
// error paths
// ---------------------------------------------------------------------------

#[test]
fn unknown_engine_lists_the_linked_ones() {
    let names = engine_names();
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let mut needles = vec!["unknown execution engine `nope`"];
    needles.extend(listed.iter().map(String::as_str));
    assert_error(&fugue_cmd(&["bench", "--engines", "nope", "--sf", "0.001"]), 1, &needles);
    assert_error(&fugue_cmd(&["sql", "--engine", "nope", "SELECT 1"]), 1, &needles);
}

#[test]
fn bad_paths_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.parquet");
    let table = format!("t={}", missing.display());
    assert_error(
        &fugue_cmd(&["sql", "--table", &table, "SELECT 1"]),
        1,
        &["table `t`", "does not exist"],
    );
    assert_error(
        &fugue_cmd(&["sql", "--table", "t=data.xyz", "SELECT 1"]),
        1,
        &["table `t`", "data.xyz"],
    );
    let qfile = dir.path().join("none.sql");
    assert_error(
        &fugue_cmd(&["sql", "--file", &qfile.to_string_lossy()]),
        1,
        &["cannot read the query file"],
    );
    assert_error(
        &fugue_cmd(&["bench", "--data", &dir.path().to_string_lossy(), "--workloads", "W3"]),
        1,
        &["lineitem.parquet", "not found"],
    );
    let json = dir.path().join("no/such/dir/b.json");
    assert_error(
        &fugue_cmd(&[
            "bench",
            "--sf",
            "0.001",
            "--workloads",
            "W3",
            "--repeat",
            "1",
            "--json",
            &json.to_string_lossy(),
        ]),
        1,
        &["cannot write", "b.json"],
    );
    // datagen into a path that is a file
    let file = dir.path().join("afile");
    std::fs::write(&file, "x").expect("write");
    assert_error(
        &fugue_cmd(&["datagen", "tpch", "--sf", "0.001", "--out", &file.to_string_lossy()]),
        1,
        &["cannot create the output folder"],
    );
}

#[test]
fn bad_arguments_are_one_line_errors() {
    assert_error(&fugue_cmd(&["bench", "--workloads", "W9"]), 1, &["unknown workload `W9`", "W1"]);
    assert_error(&fugue_cmd(&["bench", "--sf=0"]), 1, &["scale factor `0`"]);
    assert_error(&fugue_cmd(&["bench", "--repeat", "0"]), 2, &["--repeat"]);
    assert_error(&fugue_cmd(&["bench", "--sf", "0.1", "--data", "x"]), 2, &["--data"]);
    assert_error(
        &fugue_cmd(&["datagen", "tpch", "--out", "x", "--tables", "bogus"]),
        1,
        &["unknown TPC-H table `bogus`"],
    );
    assert_error(
        &fugue_cmd(&["datagen", "tpch", "--sf=-1", "--out", "x"]),
        1,
        &["scale factor `-1`"],
    );
    assert_error(&fugue_cmd(&["--conf", "novalue", "engines"]), 2, &["KEY=VALUE"]);
    assert_error(&fugue_cmd(&["sql", "--table", "noequals", "SELECT 1"]), 2, &["NAME=PATH"]);
    assert_error(&fugue_cmd(&["sql"]), 2, &["QUERY"]);
    assert_error(&fugue_cmd(&["frobnicate"]), 2, &["frobnicate"]);
    let o = fugue_cmd(&[]);
    assert_eq!(o.status.code(), Some(2), "no command is a usage error");
}

/// `fugue pipeline` (issue 12): the TPC-H workflow runs twice on every
/// linked engine (the second run reuses its deterministic checkpoint) and
/// the engines agree; the DAG is explained first.
#[test]
fn pipeline_runs_on_every_engine_and_they_agree() {
    let o = fugue_cmd(&["pipeline", "--sf", "0.002"]);
    let out = stdout(&o);
    assert!(o.status.success(), "stdout: {out}\nstderr: {}", stderr(&o));
    assert!(out.contains("[process] transform"), "explain printed: {out}");
    for e in registered_engines() {
        assert!(out.contains(e.name), "a row for `{}`: {out}", e.name);
    }
    assert!(out.contains("1-URGENT") && out.contains("5-LOW"), "the result: {out}");
    if registered_engines().len() > 1 {
        assert!(out.contains("every engine agrees"), "{out}");
    }
}

/// `fugue run SCRIPT.fsql` (issue 13): PRINT on stdout, YIELD summaries at
/// the end, on every linked engine; a syntax error shows the caret display
/// (FSQL-RUST-ERR-1/2, FSQL-EX-5) and ends with one `error:` line, exit 1;
/// unknown engines and missing scripts are one-line errors.
#[test]
fn run_fugue_sql_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("s.fsql");
    std::fs::write(
        &script,
        "a = CREATE [[1,\"x\"],[2,\"y\"],[3,\"z\"]] SCHEMA k:int,v:str\n\
         TAKE 2 ROWS PRESORT k DESC YIELD DATAFRAME AS top\n\
         PRINT TITLE \"hello run\"\n\
         DROP COLUMNS v FROM a YIELD DATAFRAME AS ks\n",
    )
    .expect("write script");
    let s = script.to_str().expect("utf-8 path");
    for engine in engine_names() {
        let o = fugue_cmd(&["run", s, "--engine", engine]);
        let out = stdout(&o);
        assert!(o.status.success(), "{engine}: {}", stderr(&o));
        assert!(out.contains("hello run"), "{engine}: {out}");
        let top = out.find("yield top: k:int,v:str (2 rows)").expect("top summary");
        let ks = out.find("yield ks: k:int (3 rows)").expect("ks summary");
        assert!(out.find("hello run").expect("print") < top && top < ks, "{out}");
    }

    std::fs::write(&script, "CREATE [[0]] SCHEMA a:int;").expect("write script");
    let o = fugue_cmd(&["run", s]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: ") && last.contains("line 1, column 26"), "{err}");
    assert!(err.contains("CREATE [[0]] SCHEMA a:int;") && err.contains('^'), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    std::fs::write(&script, "CREATE [[0]] SCHEMA a:int").expect("write script");
    assert_error(&fugue_cmd(&["run", s, "--engine", "nope"]), 1, &["nope"]);
    let missing = dir.path().join("missing.fsql");
    assert_error(&fugue_cmd(&["run", missing.to_str().unwrap_or("")]), 1, &["cannot read"]);
}

/// `fugue run --param KEY=VALUE` binds template values (FSQL-TPL-1/2/4:
/// JSON values, strings otherwise); a missing one is a one-line template
/// error (FSQL-TPL-6); `--conf` reaches the run
/// (`fugue.workflow.checkpoint.path` for a deterministic checkpoint).
#[test]
fn run_with_params_and_conf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("p.fsql");
    std::fs::write(
        &script,
        "CREATE [[1,\"a\"],[2,\"b\"],[3,\"c\"]] SCHEMA k:int,v:str\n\
         SELECT * WHERE k >= {{min}} AND v <> '{{skip}}' YIELD DATAFRAME AS out\n\
         {% if show %}PRINT TITLE \"shown\"{% endif %}\n",
    )
    .expect("write script");
    let s = script.to_str().expect("utf-8 path");
    let o = fugue_cmd(&["run", s, "--param", "min=2", "--param", "skip=c", "--param", "show=true"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("yield out: k:int,v:str (1 row)"), "{out}");
    assert!(out.contains("shown"), "{out}");
    let o =
        fugue_cmd(&["run", s, "--param", "min=1", "--param", "skip=x", "--param", "show=false"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("yield out: k:int,v:str (3 rows)") && !out.contains("shown"), "{out}");
    assert_error(
        &fugue_cmd(&["run", s, "--param", "skip=c", "--param", "show=true"]),
        1,
        &["template", "`min`", "line 2"],
    );

    std::fs::write(&script, "CREATE [[1]] SCHEMA a:int DETERMINISTIC CHECKPOINT \"v1\"\n")
        .expect("write script");
    let o = fugue_cmd(&["run", s]);
    assert_eq!(o.status.code(), Some(1), "no checkpoint path: {}", stderr(&o));
    let ckpt = dir.path().join("ckpt");
    std::fs::create_dir(&ckpt).expect("mkdir");
    let conf = format!("fugue.workflow.checkpoint.path={}", ckpt.display());
    let o = fugue_cmd(&["--conf", &conf, "run", s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_dir(&ckpt).expect("read ckpt").count() > 0, "a checkpoint file");
}

/// `fugue sql` runs FugueSQL too (issue 13): the tables are bound as
/// dataframes (FSQL-SCOPE-8) and the script's last dataframe is printed
/// (FSQL-API-3); FugueSQL errors are one line.
#[test]
fn sql_runs_fugue_sql_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let table = format!("people={}", write_csv(dir.path()));
    let o = fugue_cmd(&[
        "sql",
        "--table",
        &table,
        "TAKE 1 ROW FROM people PREPARTITION BY city PRESORT age DESC",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("cid") && out.contains("bob") && !out.contains("ann"), "{out}");
    assert!(out.trim_end().ends_with("2 rows"), "{out}");
    let o = fugue_cmd(&[
        "sql",
        "--table",
        &table,
        "SELECT name, age FROM people WHERE age > 26\nTAKE 1 ROW PRESORT age",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ann") && !out.contains("cid") && !out.contains("bob"), "{out}");
    assert_error(
        &fugue_cmd(&["sql", "--table", &table, "TAKE 1 ROW FROM nope"]),
        1,
        &["FugueSQL error", "nope"],
    );
    // Neither plain SQL nor FugueSQL: both errors on one line.
    assert_error(
        &fugue_cmd(&["sql", "--table", &table, "TAKE x ROWS FROM people"]),
        1,
        &["SQL error", "as FugueSQL", "line 1, column 6"],
    );
}

/// Issue 13: the repository's TPC-H FugueSQL script (load, transform by key
/// with the registered `share_and_rank`, join, aggregate, save, print) runs
/// on every engine with the same output and writes the same result file.
#[test]
fn tpch_fsql_example_prints_the_same_table_on_every_engine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let o = fugue_cmd(&["datagen", "tpch", "--sf", "0.001", "--out", &data.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../fugue-sql/examples/tpch.fsql");
    let mut printed = Vec::new();
    for engine in ["native", "polars", "datafusion"] {
        let out = dir.path().join(engine);
        std::fs::create_dir(&out).expect("mkdir");
        let o = fugue_cmd(&[
            "run",
            script,
            "--engine",
            engine,
            "--param",
            &format!("data={}", data.display()),
            "--param",
            &format!("out={}", out.display()),
        ]);
        assert!(o.status.success(), "{engine}: {}", stderr(&o));
        assert!(out.join("by_priority.parquet").exists(), "{engine} saved its result");
        printed.push((engine, stdout(&o)));
    }
    let (_, first) = &printed[0];
    assert!(first.contains("top-10 lines per supplier, by order priority"), "{first}");
    assert!(first.contains("1-URGENT") && first.contains("5-LOW"), "{first}");
    for (engine, text) in &printed[1..] {
        assert_eq!(text, first, "{engine} prints another table than native");
    }
}
