//! `fugue bench`: the standard workloads on every linked engine, timed, with
//! checksums that must agree.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fugue::core::engine::EngineRef;
use fugue::core::{Conf, make_engine, registered_engines, registered_sql_engines};
use fugue_benches::{self as w, Checksum, Source, TpchData, Workload};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value as Json, json};

use crate::chart;
use crate::cli::BenchArgs;
use crate::util::{CliError, print, rate, secs, table, thousands};

/// The name of the plain-Arrow W1 baseline row (`--baselines`).
pub const LEXSORT_BASELINE: &str = "arrow-lexsort (baseline)";

/// What happened when one engine ran one workload.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Timed runs (seconds, sorted) and the checksum of the result.
    Ok {
        /// Seconds of each timed run, ascending.
        times: Vec<f64>,
        /// The checksum (the same on every run).
        checksum: Checksum,
        /// Process CPU seconds per wall second over the timed runs (how many
        /// cores were busy); `None` where it cannot be measured.
        cpu_per_wall: Option<f64>,
        /// The process's peak resident set size during the timed runs and
        /// its resident set size just before them, in bytes (`(peak,
        /// before)`): the peak is reset before the runs (Linux `clear_refs`)
        /// and read after (`VmHWM`). The peak includes what the process
        /// already held (the data of an in-memory run, memory the allocator
        /// kept from earlier rows), so `peak - before` is what the runs
        /// added; `None` where it cannot be measured.
        peak_rss: Option<(u64, u64)>,
    },
    /// The engine cannot run the workload (no SQL engine, ...).
    NotSupported(String),
    /// The workload failed on this engine.
    Failed(String),
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Record {
    /// The engine name (or a baseline name).
    pub engine: String,
    /// The workload.
    pub workload: Workload,
    /// True for a raw-backend baseline row (not part of the agreement check).
    pub baseline: bool,
    /// Input rows.
    pub rows_in: usize,
    /// What happened.
    pub outcome: Outcome,
}

impl Record {
    /// The median seconds of an `Ok` outcome.
    pub fn median(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Ok { times, .. } if !times.is_empty() => Some(median(times)),
            _ => None,
        }
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if !n.is_multiple_of(2) { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

/// The engines to run: `--engines` resolved through the registry (names or
/// aliases), or every registered engine.
pub(crate) fn engines(names: &[String], conf: &Conf) -> Result<Vec<EngineRef>, CliError> {
    let given = !names.is_empty();
    let names: Vec<String> = if names.is_empty() {
        registered_engines().iter().map(|e| e.name.to_string()).collect()
    } else {
        names.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    };
    if given && names.is_empty() {
        let linked: Vec<String> =
            registered_engines().iter().map(|e| format!("`{}`", e.name)).collect();
        return Err(CliError::new(format!(
            "`--engines` names no engine: give comma-separated names (linked: {}), or leave \
             it out to run every linked engine",
            linked.join(", ")
        )));
    }
    if names.is_empty() {
        return Err(CliError::new(
            "no execution engine is linked into this binary; build with a feature of the `fugue` \
             crate (native, polars, datafusion)",
        ));
    }
    let mut out: Vec<EngineRef> = Vec::new();
    for n in names {
        let e = make_engine(&n, conf.clone())?;
        if !out.iter().any(|x| x.name() == e.name()) {
            out.push(e);
        }
    }
    Ok(out)
}

fn workloads(ids: &[String]) -> Result<Vec<Workload>, CliError> {
    if ids.iter().all(|s| s.trim().is_empty()) {
        return Ok(Workload::ALL.to_vec());
    }
    let mut out = Vec::new();
    for id in ids.iter().filter(|s| !s.trim().is_empty()) {
        let wl = Workload::parse(id)?;
        if !out.contains(&wl) {
            out.push(wl);
        }
    }
    out.sort();
    Ok(out)
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// Runs one engine on one workload: a warm-up, then `repeat` timed runs;
/// every run's checksum must equal the warm-up's.
fn measure(
    wl: Workload,
    engine: &EngineRef,
    data: &TpchData,
    repeat: u32,
    pb: &ProgressBar,
) -> Outcome {
    measure_with(wl, engine.name(), repeat, pb, || w::run(wl, engine, data))
}

/// The timing loop of every row: a warm-up, then `repeat` timed runs of
/// `run` with CPU time and peak RSS; every run's checksum must equal the
/// warm-up's.
fn measure_with(
    wl: Workload,
    who: &str,
    repeat: u32,
    pb: &ProgressBar,
    mut run: impl FnMut() -> fugue::core::Result<w::Output>,
) -> Outcome {
    pb.set_message(format!("{} {} on {who}: warm-up", wl.id(), wl.name()));
    let checksum = match run().and_then(|out| w::checksum(wl, &out)) {
        Ok(c) => c,
        Err(e) if w::is_not_supported(&e) => {
            pb.inc(u64::from(repeat) + 1);
            let reason = if wl == Workload::W7 && registered_sql_engines().is_empty() {
                "no SQL engine is linked into this binary (features `datafusion` and `polars` \
                 of `fugue` provide one)"
                    .to_string()
            } else {
                crate::util::error_chain(&e)
            };
            return Outcome::NotSupported(reason);
        }
        Err(e) => {
            pb.inc(u64::from(repeat) + 1);
            return Outcome::Failed(crate::util::error_chain(&e));
        }
    };
    pb.inc(1);
    let mut times = Vec::new();
    let mut cpu_total = Some(0.0);
    let rss_before = if reset_peak_rss() { rss_bytes("VmRSS:") } else { None };
    for i in 1..=repeat {
        pb.set_message(format!("{} {} on {who}: run {i}/{repeat}", wl.id(), wl.name()));
        let cpu0 = process_cpu_seconds();
        let start = Instant::now();
        let result = run();
        let elapsed = start.elapsed().as_secs_f64();
        cpu_total = match (cpu_total, cpu0, process_cpu_seconds()) {
            (Some(t), Some(a), Some(b)) => Some(t + (b - a)),
            _ => None,
        };
        pb.inc(1);
        match result.and_then(|out| w::checksum(wl, &out)) {
            Ok(c) if c == checksum => times.push(elapsed),
            Ok(c) => {
                pb.inc(u64::from(repeat - i));
                return Outcome::Failed(format!(
                    "the checksum changed between runs: {checksum} then {c}"
                ));
            }
            Err(e) => {
                pb.inc(u64::from(repeat - i));
                return Outcome::Failed(crate::util::error_chain(&e));
            }
        }
    }
    let peak_rss = rss_before.and_then(|b| Some((rss_bytes("VmHWM:")?, b)));
    let wall: f64 = times.iter().sum();
    let cpu_per_wall = cpu_total.filter(|_| wall > 0.0).map(|c| c / wall);
    times.sort_by(f64::total_cmp);
    Outcome::Ok { times, checksum, cpu_per_wall, peak_rss }
}

/// Resets the process's peak RSS to its current RSS (Linux: `5` written to
/// `/proc/self/clear_refs`, kernel 4.0+); false where that is not possible.
fn reset_peak_rss() -> bool {
    // pages kept by the allocator from earlier workloads are not this one's
    crate::alloc::release_freed_pages();
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A size line of `/proc/self/status` in bytes: `VmHWM:` (the peak RSS
/// since the last reset) or `VmRSS:` (the current RSS); `None` elsewhere.
fn rss_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// The name of the hand-written row of `backend` (`--baselines`).
pub fn hand_written(backend: &str) -> String {
    format!("{backend} (hand-written)")
}

/// Times the hand-written Polars program of `wl` (issue 15): from the run's
/// Arrow data or Parquet files, only the columns it reads, inside the
/// timed span ([`fugue_benches::baselines::polars::run_from_arrow`]).
fn measure_raw_polars(wl: Workload, data: &TpchData, repeat: u32, pb: &ProgressBar) -> Outcome {
    use fugue_benches::baselines::polars as raw;
    measure_with(wl, &hand_written("polars"), repeat, pb, || {
        raw::output(&raw::run_from_arrow(wl, data)?)
    })
}

/// Times the hand-written DataFusion program of `wl`: SQL over `MemTable`s
/// of the run's Arrow data or views over its Parquet files (scanned inside
/// the timed span).
fn measure_raw_datafusion(wl: Workload, data: &TpchData, repeat: u32, pb: &ProgressBar) -> Outcome {
    use fugue_benches::baselines::datafusion as raw;
    let input = match raw::DataFusionInput::new(data) {
        Ok(i) => i,
        Err(e) => {
            pb.inc(u64::from(repeat) + 1);
            return Outcome::Failed(crate::util::error_chain(&e));
        }
    };
    measure_with(wl, &hand_written("datafusion"), repeat, pb, || {
        raw::output(&raw::run(wl, &input, data)?)
    })
}

/// The hand-written backends run beside the engines of this name with
/// `--baselines`.
const HAND_WRITTEN: [&str; 2] = ["polars", "datafusion"];

/// CPU seconds (user + system, all threads) this process has used so far,
/// from `/proc/self/stat` (Linux; clock ticks of 1/100 s); `None` elsewhere.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces): state is
    // field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Times the plain-Arrow lexsort baseline of W1 (generated data only).
fn measure_lexsort(data: &TpchData, repeat: u32, pb: &ProgressBar) -> Outcome {
    let li = match &data.lineitem {
        Source::Memory(df) => match df.as_local_bounded() {
            Ok(li) => li,
            Err(e) => return Outcome::Failed(e.to_string()),
        },
        Source::Parquet(_) => {
            return Outcome::NotSupported("the baseline runs on generated data (no --data)".into());
        }
    };
    pb.set_message("W1 lexsort baseline");
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..=repeat {
        let start = Instant::now();
        match w::w1_lexsort_baseline(&li) {
            Ok(n) => rows = n,
            Err(e) => return Outcome::Failed(e.to_string()),
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.remove(0); // the warm-up
    times.sort_by(f64::total_cmp);
    Outcome::Ok {
        times,
        checksum: Checksum { rows, sums: vec![] },
        cpu_per_wall: None,
        peak_rss: None,
    }
}

/// The table of one workload.
fn render_workload(wl: Workload, records: &[&Record], data_label: &str) -> String {
    let fastest = records
        .iter()
        .filter(|r| !r.baseline)
        .filter_map(|r| r.median())
        .fold(f64::INFINITY, f64::min);
    let mut rows = Vec::new();
    for r in records {
        let row = match &r.outcome {
            Outcome::Ok { times, checksum, cpu_per_wall, peak_rss } => {
                let m = median(times);
                let ratio = if fastest.is_finite() && fastest > 0.0 {
                    format!("{:.2}x", m / fastest)
                } else {
                    "-".into()
                };
                vec![
                    r.engine.clone(),
                    secs(m),
                    secs(times.first().copied().unwrap_or(m)),
                    secs(times.last().copied().unwrap_or(m)),
                    rate(r.rows_in as f64 / m),
                    ratio,
                    cpu_per_wall.map(|c| format!("{c:.2}")).unwrap_or_else(|| "-".into()),
                    peak_rss
                        .map(|(peak, before)| {
                            format!("{} (+{})", mib(peak), mib(peak.saturating_sub(before)))
                        })
                        .unwrap_or_else(|| "-".into()),
                    overhead(r, records),
                    if r.baseline && checksum.sums.is_empty() {
                        format!("rows={}", checksum.rows)
                    } else {
                        checksum.to_string()
                    },
                ]
            }
            Outcome::NotSupported(reason) => {
                let mut row = vec![r.engine.clone()];
                row.extend(std::iter::repeat_n("-".to_string(), 8));
                row.push(format!("not supported by {}: {reason}", r.engine));
                row
            }
            Outcome::Failed(reason) => {
                let mut row = vec![r.engine.clone()];
                row.extend(std::iter::repeat_n("-".to_string(), 8));
                row.push(format!("FAILED: {reason}"));
                row
            }
        };
        rows.push(row);
    }
    let mut out = format!(
        "\n{} {} - {} ({}, {} input rows)\n",
        wl.id(),
        wl.name(),
        wl.description(),
        data_label,
        thousands(records.first().map(|r| r.rows_in as u64).unwrap_or(0))
    );
    out.push_str(&table(
        &[
            "engine",
            "median_s",
            "min_s",
            "max_s",
            "rows/s",
            "vs fastest",
            "cpu/wall",
            "peak_rss",
            "vs hand-written",
            "checksum",
        ],
        &rows,
    ));
    out
}

/// Bytes as MiB text.
fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// True for rows whose checksum is compared across the table: engines and
/// the hand-written programs (full checksums), not the lexsort baseline
/// (a row count only).
fn compared(r: &Record) -> bool {
    !r.baseline || r.engine != LEXSORT_BASELINE
}

/// An engine row's median over the median of its backend's hand-written row
/// in the same table (`--baselines`): fugue's overhead over that backend;
/// `-` where there is no such row.
fn overhead(r: &Record, records: &[&Record]) -> String {
    if r.baseline {
        return "-".into();
    }
    let raw = records.iter().find(|b| b.baseline && b.engine == hand_written(&r.engine));
    match (r.median(), raw.and_then(|b| b.median())) {
        (Some(m), Some(b)) if b > 0.0 => format!("{:.2}x", m / b),
        _ => "-".into(),
    }
}

/// Engines that disagree on a workload's checksum: `(workload, [(engine, checksum)])`.
fn disagreements(records: &[Record]) -> Vec<(Workload, Vec<(String, Checksum)>)> {
    let mut by_wl: BTreeMap<Workload, Vec<(String, Checksum)>> = BTreeMap::new();
    for r in records.iter().filter(|r| compared(r)) {
        if let Outcome::Ok { checksum, .. } = &r.outcome {
            by_wl.entry(r.workload).or_default().push((r.engine.clone(), checksum.clone()));
        }
    }
    by_wl.into_iter().filter(|(_, v)| v.windows(2).any(|p| p[0].1 != p[1].1)).collect()
}

/// The JSON records: one per engine and workload.
pub fn json_records(records: &[Record], sf: Option<f64>, repeat: u32) -> Json {
    let items: Vec<Json> = records
        .iter()
        .map(|r| {
            let mut o = json!({
                "engine": r.engine,
                "workload": r.workload.id(),
                "workload_name": r.workload.name(),
                "baseline": r.baseline,
                "sf": sf,
                "repeats": repeat,
                "rows_in": r.rows_in,
            });
            let extra = match &r.outcome {
                Outcome::Ok { times, checksum, cpu_per_wall, peak_rss } => json!({
                    "status": "ok",
                    "cpu_per_wall": cpu_per_wall,
                    "peak_rss_bytes": peak_rss.map(|p| p.0),
                    "rss_before_bytes": peak_rss.map(|p| p.1),
                    "median_s": median(times),
                    "min_s": times.first(),
                    "max_s": times.last(),
                    "times_s": times,
                    "checksum": {
                        "rows": checksum.rows,
                        "sums": checksum.sums.iter().map(|(k, v)| (k.clone(), Json::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
                    },
                }),
                Outcome::NotSupported(reason) => json!({
                    "status": "not_supported", "reason": reason,
                    "median_s": null, "min_s": null, "max_s": null, "checksum": null,
                }),
                Outcome::Failed(reason) => json!({
                    "status": "failed", "reason": reason,
                    "median_s": null, "min_s": null, "max_s": null, "checksum": null,
                }),
            };
            if let (Some(o), Json::Object(extra)) = (o.as_object_mut(), extra) {
                o.extend(extra);
            }
            o
        })
        .collect();
    Json::Array(items)
}

/// Runs `fugue bench`.
///
/// # Errors
/// Bad arguments, unknown engines, data that cannot be generated or read,
/// output files that cannot be written; exit code 1 after the report when a
/// workload failed or engines disagree on a checksum.
pub fn run(args: &BenchArgs, conf: &Conf) -> Result<(), CliError> {
    let engines = engines(&args.engines, conf)?;
    let workloads = workloads(&args.workloads)?;
    let (data, data_label) = match &args.data {
        Some(dir) => {
            let data = TpchData::from_dir(dir).map_err(|e| {
                let mut err = CliError::from(e);
                if err.message.contains("not found") {
                    err.message.push_str(&format!(
                        " (write the files with `fugue datagen tpch --sf 1 --out {}`)",
                        dir.display()
                    ));
                }
                err
            })?;
            (data, format!("Parquet files in {}", dir.display()))
        }
        None => {
            w::check_sf_in_memory(args.sf)?;
            let sp = spinner(&format!("generating TPC-H SF {} in memory", args.sf));
            let data = TpchData::generate(args.sf);
            sp.finish_and_clear();
            (data?, format!("TPC-H SF {} in memory", args.sf))
        }
    };
    if workloads.contains(&Workload::W5) {
        let sp = spinner("writing lineitem Parquet for W5");
        let written = data.lineitem_parquet();
        sp.finish_and_clear();
        written?;
    }
    let names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
    print(&format!(
        "fugue bench: {} on {}; engines: {}; {} timed run(s) after 1 warm-up; {} worker thread(s)\n",
        workloads.iter().map(|w| w.id()).collect::<Vec<_>>().join(", "),
        data_label,
        names.join(", "),
        args.repeat,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    ))?;

    let hand: Vec<&str> = if args.baselines {
        HAND_WRITTEN.iter().copied().filter(|b| names.contains(b)).collect()
    } else {
        Vec::new()
    };
    let baseline_runs = if args.baselines && workloads.contains(&Workload::W1) { 1 } else { 0 }
        + workloads.iter().filter(|wl| w::baselines::has_baseline(**wl)).count() * hand.len();
    let total =
        (workloads.len() * engines.len() + baseline_runs) as u64 * (u64::from(args.repeat) + 1);
    let pb = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("[{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
    {
        pb.set_style(style);
    }

    let mut records: Vec<Record> = Vec::new();
    for &wl in &workloads {
        let start = records.len();
        for e in &engines {
            let outcome = measure(wl, e, &data, args.repeat, &pb);
            records.push(Record {
                engine: e.name().to_string(),
                workload: wl,
                baseline: false,
                rows_in: wl.rows_in(&data),
                outcome,
            });
        }
        for backend in hand.iter().filter(|_| w::baselines::has_baseline(wl)) {
            let outcome = match *backend {
                "polars" => measure_raw_polars(wl, &data, args.repeat, &pb),
                _ => measure_raw_datafusion(wl, &data, args.repeat, &pb),
            };
            records.push(Record {
                engine: hand_written(backend),
                workload: wl,
                baseline: true,
                rows_in: wl.rows_in(&data),
                outcome,
            });
        }
        if wl == Workload::W1 && args.baselines {
            let outcome = measure_lexsort(&data, args.repeat, &pb);
            pb.inc(u64::from(args.repeat) + 1);
            records.push(Record {
                engine: LEXSORT_BASELINE.into(),
                workload: wl,
                baseline: true,
                rows_in: wl.rows_in(&data),
                outcome,
            });
        }
        let rows: Vec<&Record> = records[start..].iter().collect();
        let text = render_workload(wl, &rows, &data_label);
        pb.suspend(|| print(&text))?;
    }
    pb.finish_and_clear();

    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&json_records(&records, data.sf, args.repeat))
            .map_err(|e| CliError::new(format!("cannot encode the JSON report: {e}")))?;
        crate::util::write_atomically(path, |tmp| {
            std::fs::write(tmp, text + "\n")
                .map_err(|e| CliError::new(format!("cannot write `{}`: {e}", path.display())))
        })?;
    }
    if let Some(path) = &args.chart {
        let title = format!("fugue bench, {data_label}: median seconds (log scale)");
        crate::util::write_atomically(path, |tmp| {
            chart::draw(tmp, path, &title, &workloads, &names, &records)
        })?;
    }

    let mut summary = String::from("\n");
    let bad = disagreements(&records);
    let failed: Vec<&Record> =
        records.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))).collect();
    let agreed: Vec<&str> = workloads
        .iter()
        .filter(|wl| !bad.iter().any(|(b, _)| b == *wl))
        .filter(|wl| {
            records.iter().any(|r| {
                r.workload == **wl && !r.baseline && matches!(r.outcome, Outcome::Ok { .. })
            })
        })
        .map(|wl| wl.id())
        .collect();
    if !agreed.is_empty() {
        let who = if engines.len() == 1 {
            format!("one engine ({}): nothing to compare, checksums recorded", names.join(""))
        } else {
            "all engines that ran agree".into()
        };
        summary.push_str(&format!("checksums of {}: {who}\n", agreed.join(", ")));
    }
    for r in &records {
        if let Outcome::NotSupported(reason) = &r.outcome {
            summary.push_str(&format!(
                "{}: not supported by {}: {reason}\n",
                r.workload.id(),
                r.engine
            ));
        }
    }
    print(&summary)?;
    if let Some((wl, sums)) = bad.first() {
        let detail: Vec<String> = sums.iter().map(|(e, c)| format!("{e} has {c}")).collect();
        return Err(CliError::new(
            format!("checksums disagree on {}: {}", wl.id(), detail.join("; "))
                + &if bad.len() > 1 {
                    format!(
                        " (and on {})",
                        bad[1..].iter().map(|(w, _)| w.id()).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    String::new()
                },
        ));
    }
    if let Some(r) = failed.first() {
        let reason = match &r.outcome {
            Outcome::Failed(m) => m.as_str(),
            _ => "",
        };
        return Err(CliError::new(format!("{} failed on {}: {reason}", r.workload.id(), r.engine)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(engine: &str, rows: usize) -> Record {
        Record {
            engine: engine.into(),
            workload: Workload::W2,
            baseline: false,
            rows_in: 10,
            outcome: Outcome::Ok {
                times: vec![1.0, 2.0, 4.0],
                checksum: Checksum { rows, sums: vec![] },
                cpu_per_wall: Some(1.5),
                peak_rss: Some((3 << 20, 1 << 20)),
            },
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[1.0, 2.0, 4.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0]), 1.5);
        assert_eq!(rec("a", 1).median(), Some(2.0));
    }

    #[test]
    fn disagreement_is_found_and_named() {
        assert!(disagreements(&[rec("a", 1), rec("b", 1)]).is_empty());
        let bad = disagreements(&[rec("a", 1), rec("b", 2)]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].1.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn json_has_one_record_per_row() {
        let j = json_records(&[rec("a", 1)], Some(0.1), 3);
        assert_eq!(j[0]["engine"], "a");
        assert_eq!(j[0]["median_s"], 2.0);
        assert_eq!(j[0]["checksum"]["rows"], 1);
        assert_eq!(j[0]["peak_rss_bytes"], 3 << 20);
        assert_eq!(j[0]["rss_before_bytes"], 1 << 20);
    }

    #[test]
    fn overhead_is_the_engine_over_its_hand_written_backend() {
        let engine = Record { engine: "polars".into(), ..rec("polars", 1) };
        let mut raw = rec(&hand_written("polars"), 1);
        raw.baseline = true;
        raw.outcome = Outcome::Ok {
            times: vec![1.0],
            checksum: Checksum { rows: 1, sums: vec![] },
            cpu_per_wall: None,
            peak_rss: None,
        };
        assert_eq!(overhead(&engine, &[&engine, &raw]), "2.00x");
        assert_eq!(overhead(&raw, &[&engine, &raw]), "-");
        assert_eq!(overhead(&rec("native", 1), &[&engine, &raw]), "-");
    }

    #[test]
    fn peak_rss_is_read_after_a_reset() {
        // Linux CI: the reset works and the peak covers a fresh allocation.
        if reset_peak_rss() {
            let before = rss_bytes("VmHWM:").unwrap_or(0);
            let big = vec![1u8; 64 << 20];
            std::hint::black_box(&big);
            assert!(rss_bytes("VmHWM:").unwrap_or(0) >= before + (32 << 20));
        }
    }

    #[test]
    fn workload_lists() {
        assert_eq!(workloads(&[]).ok().map(|w| w.len()), Some(7));
        assert_eq!(
            workloads(&["w3".into(), "join".into()]).ok(),
            Some(vec![Workload::W2, Workload::W3])
        );
        assert!(workloads(&["W8".into()]).is_err());
    }
}
