//! Hostile input (issue 16): every case is one `error:` line on stderr and
//! exit code 1 or 2, never a panic (101), an abort (134), a stack overflow
//! (SIGSEGV), a hang or a wrong result.

use std::time::{Duration, Instant};

use super::{assert_error, fugue_cmd, sql_choices, sql_column, stderr, strings, table_arg};

/// Sizes: `--repeat 4294967295` aborted in `Vec::with_capacity`; `--sf`
/// had no upper bound (`2e12` overflowed a row count, `bench --sf 1e9`
/// started generating); `--limit` takes a bounded count.
#[test]
fn sizes_out_of_range_are_one_line_errors() {
    assert_error(&fugue_cmd(&["bench", "--repeat", "4294967295"]), 2, &["--repeat"]);
    assert_error(&fugue_cmd(&["bench", "--repeat", "1001"]), 2, &["--repeat"]);
    assert_error(
        &fugue_cmd(&["bench", "--sf", "1e9"]),
        1,
        &["scale factor `1000000000`", "at most 100"],
    );
    assert_error(&fugue_cmd(&["bench", "--sf", "inf"]), 1, &["scale factor"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out = out.to_string_lossy();
    assert_error(
        &fugue_cmd(&["datagen", "tpch", "--sf", "2e12", "--out", &out]),
        1,
        &["scale factor", "at most 1000"],
    );
    assert!(!dir.path().join("out").exists(), "nothing is created for a bad scale factor");
    assert_error(
        &fugue_cmd(&["sql", "--limit", "18446744073709551616", "SELECT 1"]),
        2,
        &["--limit"],
    );
    assert_error(&fugue_cmd(&["sql", "--limit=-1", "SELECT 1"]), 2, &["--limit"]);
}

/// `--engines ,` said "no execution engine is linked".
#[test]
fn an_empty_engine_list_says_so() {
    for list in [",", " , ,", ""] {
        let o = fugue_cmd(&["bench", "--engines", list, "--sf", "0.001", "--workloads", "W3"]);
        assert_error(&o, 1, &["`--engines` names no engine", "native"]);
    }
}

/// Conf values with no bounds: a million DataFusion workers panicked in
/// tokio; `memory_limit=-1` silently meant unlimited.
#[test]
fn conf_values_out_of_range_are_one_line_errors() {
    let cases = [
        ("datafusion", "fugue.datafusion.threads=1000000"),
        ("datafusion", "fugue.datafusion.batch_size=99999999999"),
        ("datafusion", "fugue.datafusion.target_partitions=99999999999"),
        ("datafusion", "fugue.datafusion.memory_limit=-1"),
        ("datafusion", "fugue.datafusion.memory_limit=0"),
        ("native", "fugue.native.threads=1000000"),
    ];
    for (engine, conf) in cases {
        let key = conf.split('=').next().unwrap_or_default();
        let o = fugue_cmd(&["--conf", conf, "sql", "--engine", engine, "SELECT 1 AS x"]);
        assert_error(&o, 1, &[key]);
    }
    // fugue.default.partitions is read when a layout needs it (bench W1)
    let o = fugue_cmd(&[
        "--conf",
        "fugue.default.partitions=99999999999",
        "bench",
        "--sf",
        "0.001",
        "--workloads",
        "W1",
        "--engines",
        "native",
        "--repeat",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("fugue.default.partitions"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("internal error"), "{}", stderr(&o));
}

/// A 20,000-term `SELECT 1+1+...` overflowed the stack on the default and
/// the Polars SQL engines (exit 134); it is one clear error on every SQL
/// engine now, and 500 terms still run.
#[test]
fn huge_sql_expressions_are_errors_not_crashes() {
    let chain = format!("SELECT {} AS x", vec!["1"; 20_000].join("+"));
    let ok = format!("SELECT {} AS x", vec!["1"; 500].join("+"));
    let deep = format!("SELECT {}1{} AS x", "(".repeat(1_000), ")".repeat(1_000));
    for choice in sql_choices() {
        let mut args: Vec<&str> = vec!["sql"];
        args.extend(choice.iter().map(String::as_str));
        let run = |q: &str| {
            let mut a = args.clone();
            a.push(q);
            fugue_cmd(&a)
        };
        assert_error(&run(&chain), 1, &["operators", "at most 1000"]);
        assert_error(&run(&deep), 1, &["SQL error"]);
        let (_, values) = sql_column(&choice, &[], &ok);
        assert_eq!(values, strings(&["500"]), "{choice:?}");
    }
}

/// A FIFO passed the existence check and the load blocked forever.
#[cfg(unix)]
#[test]
fn a_fifo_table_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.parquet");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    let table = format!("t={}", fifo.display());
    for choice in sql_choices() {
        let mut args: Vec<&str> = vec!["sql"];
        args.extend(choice.iter().map(String::as_str));
        args.extend(["--table", &table, "SELECT * FROM t"]);
        let start = Instant::now();
        let o = fugue_cmd(&args);
        assert!(start.elapsed() < Duration::from_secs(60), "bounded time");
        assert_error(&o, 1, &["table `t`", "not a regular file"]);
    }
}

/// `[` in a file name is a character, not a glob: DataFusion read
/// `x1.csv` for `x[1].csv`.
#[test]
fn brackets_in_paths_are_literal_on_every_engine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let literal = table_arg(dir.path(), "t", "x[1].csv", "a\n7\n");
    table_arg(dir.path(), "decoy", "x1.csv", "a\n1\n");
    for choice in sql_choices() {
        let (_, values) = sql_column(&choice, std::slice::from_ref(&literal), "SELECT a FROM t");
        assert_eq!(values, strings(&["7"]), "{choice:?}");
    }
}
