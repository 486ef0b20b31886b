//! Crash test of saves (ENG-IO-5): a child process overwrites one path in a
//! loop (alternating the single-file and the folder layout, so both the
//! atomic rename and the folder swap are hit) and is killed with SIGKILL at
//! a random point, 50 times. After every kill the path must load, and hold
//! exactly one complete generation of the data: old or new, never a mix,
//! never a half-written file, never missing.
//!
//! The child is this test binary itself, running the ignored test
//! `save_crash_child` with the path in an environment variable.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use arrow::array::{Array, ArrayRef, Int64Array, RecordBatch};
use fugue_core::engine::{LoadOptions, SaveOptions};
use fugue_core::io::SaveMode;
use fugue_core::spi::kernels::{load, save_df};
use fugue_core::{DataFrame, LocalDataFrame};

const CHILD_PATH: &str = "FUGUE_SAVE_CRASH_PATH";
const CHILD_START: &str = "FUGUE_SAVE_CRASH_START";
const KILLS: usize = 50;

/// Generation `g`: `2000 + g % 13` rows, column `g` all equal to `g`,
/// column `x` = 0, 1, 2, ...
fn generation(g: i64) -> LocalDataFrame {
    let rows = 2000 + g % 13;
    let gs: ArrayRef = Arc::new(Int64Array::from(vec![g; rows as usize]));
    let xs: ArrayRef = Arc::new(Int64Array::from((0..rows).collect::<Vec<_>>()));
    let batch = RecordBatch::try_from_iter([("g", gs), ("x", xs)]).expect("batch");
    LocalDataFrame::from_batch(batch).expect("frame")
}

fn save(path: &str, g: i64) {
    let df = generation(g);
    let options = SaveOptions {
        mode: SaveMode::Overwrite,
        force_single: g % 2 == 0,
        ..SaveOptions::default()
    };
    save_df(std::slice::from_ref(&df), df.schema(), path, &options).expect("save");
}

/// The generation the path holds, after checking it is complete.
fn check(path: &str) -> Result<i64, String> {
    let df = load(&[path], &LoadOptions::default()).map_err(|e| format!("load: {e}"))?;
    let batch = df.to_batch().map_err(|e| e.to_string())?;
    let col = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>().cloned())
            .ok_or_else(|| format!("column {name} missing"))
    };
    let (g, x) = (col("g")?, col("x")?);
    let first = g.value(0);
    let rows = 2000 + first % 13;
    if batch.num_rows() as i64 != rows {
        return Err(format!("generation {first}: {} rows, expected {rows}", batch.num_rows()));
    }
    if g.null_count() > 0 || g.values().iter().any(|v| *v != first) {
        return Err(format!("generation {first}: mixed generations"));
    }
    if x.values().iter().enumerate().any(|(i, v)| *v != i as i64) {
        return Err(format!("generation {first}: rows out of order or missing"));
    }
    Ok(first)
}

/// The child: overwrite the path forever (until killed).
#[test]
#[ignore = "run by killed_overwrites_never_lose_the_file as its child process"]
fn save_crash_child() {
    let (Ok(path), Ok(start)) = (std::env::var(CHILD_PATH), std::env::var(CHILD_START)) else {
        panic!("the crash child needs {CHILD_PATH} and {CHILD_START}");
    };
    let mut g: i64 = start.parse().expect("start generation");
    loop {
        g += 1;
        save(&path, g);
    }
}

#[test]
fn killed_overwrites_never_lose_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.parquet");
    let path = path.to_str().expect("utf-8 temp path").to_string();
    save(&path, 0);
    let exe = std::env::current_exe().expect("test binary");
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
        | 1;
    let mut last = 0;
    let mut changed = 0;
    for kill in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = Command::new(&exe)
            .args(["--ignored", "--exact", "save_crash_child", "--test-threads=1"])
            .env(CHILD_PATH, &path)
            .env(CHILD_START, ((kill as i64 + 1) * 1_000_000).to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        // the child needs ~10-50 ms to start; kill it anywhere after that
        std::thread::sleep(Duration::from_millis(20 + seed % 120));
        child.kill().expect("kill");
        child.wait().expect("wait");
        let g = check(&path).unwrap_or_else(|e| panic!("after kill {kill}: {e}"));
        if g != last {
            changed += 1;
            last = g;
        }
    }
    // the children did overwrite the path (the kills were not all before the first save)
    assert!(changed > 0, "no overwrite finished in {KILLS} runs");
    // leftovers are hidden temporaries only, which loads skip
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(name == "t.parquet" || name.starts_with(".t.parquet.fugue-"), "{name}");
    }
    assert!(Path::new(&path).exists());
    eprintln!(
        "save crash test: {KILLS} kills, {KILLS} files checked, 0 lost, {changed} generations seen"
    );
}
