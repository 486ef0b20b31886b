//! The cluster binaries (feature `ballista`): `fugue-scheduler` and two
//! `fugue-executor`s started as separate processes on 127.0.0.1 with
//! ephemeral ports, `fugue bench --engines ballista,datafusion --conf
//! fugue.ballista.url=...` run on them (the README's "Running on a
//! cluster"), every process killed at the end, each wait bounded.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Waiting for one server's stderr line.
const START: Duration = Duration::from_secs(60);
/// The `fugue bench` run on the cluster.
const BENCH: Duration = Duration::from_secs(240);

/// Server processes, killed and reaped on drop (also on a failed assert).
#[derive(Default)]
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Servers {
    /// Starts `exe` with `args`; its stderr lines arrive on the channel.
    fn spawn(&mut self, exe: &str, args: &[&str]) -> Receiver<String> {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {exe}: {e}"));
        let stderr = child.stderr.take().expect("piped stderr");
        self.0.push(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }
}

/// The first line of `rx` containing `needle`, within [`START`].
fn line_with(rx: &Receiver<String>, needle: &str, who: &str) -> String {
    let deadline = Instant::now() + START;
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => seen.push(line),
            Err(_) => panic!("{who} printed no `{needle}` within {START:?}; it printed: {seen:?}"),
        }
    }
}

/// Runs `fugue` with `args`, killed after `limit`.
fn fugue_within(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fugue"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the fugue binary runs");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "`fugue {}` did not finish within {limit:?}:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("output")
}

fn job_dirs(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).count()).unwrap_or(0)
}

/// The README's walkthrough: a scheduler and two executors, then `fugue
/// bench` on them with the DataFusion engine beside it; the checksums agree
/// (the bench fails otherwise) and both executors ran tasks.
#[test]
fn bench_runs_on_a_scheduler_and_two_executors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut servers = Servers::default();
    let scheduler = servers
        .spawn(env!("CARGO_BIN_EXE_fugue-scheduler"), &["--bind", "127.0.0.1:0", "--round-robin"]);
    let line = line_with(&scheduler, "listening on", "fugue-scheduler");
    let url = line
        .split("fugue.ballista.url=")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no url in `{line}`"))
        .to_string();
    assert!(url.starts_with("df://127.0.0.1:"), "{line}");

    let mut dirs = Vec::new();
    let mut executors = Vec::new();
    for i in 0..2 {
        let dir = tmp.path().join(format!("executor-{i}"));
        std::fs::create_dir_all(&dir).expect("work dir");
        let dir_arg = dir.to_string_lossy().into_owned();
        let args =
            ["--scheduler", &url, "--port", "0", "--grpc-port", "0", "--slots", "2", "--work-dir"];
        let mut args = args.to_vec();
        args.push(&dir_arg);
        executors.push(servers.spawn(env!("CARGO_BIN_EXE_fugue-executor"), &args));
        dirs.push(dir);
    }
    for (i, rx) in executors.iter().enumerate() {
        let who = format!("fugue-executor {i}");
        let listening = line_with(rx, "listening on", &who);
        assert!(listening.contains(&url), "{listening}");
        line_with(rx, "registered with the scheduler", &who);
    }

    let json = tmp.path().join("bench.json");
    let conf = format!("fugue.ballista.url={url}");
    let out = fugue_within(
        &[
            "bench",
            "--engines",
            "ballista,datafusion",
            "--sf",
            "0.001",
            "--repeat",
            "1",
            "--json",
            &json.to_string_lossy(),
            "--conf",
            &conf,
            // Stages of several tasks, so both executors get some.
            "--conf",
            "fugue.datafusion.target_partitions=4",
        ],
        BENCH,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("all engines that ran agree"), "{stdout}");
    let records: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    let on_ballista: Vec<_> =
        records.as_array().expect("array").iter().filter(|r| r["engine"] == "ballista").collect();
    // W1-W7, W1's transform by its registered name on the executors
    assert_eq!(on_ballista.len(), 7, "{records}");
    assert!(on_ballista.iter().all(|r| r["status"] == "ok"), "{records}");
    for (i, dir) in dirs.iter().enumerate() {
        assert!(job_dirs(dir) > 0, "executor {i} ran no task ({})", dir.display());
    }
}

/// Bad options, and a scheduler that never answers, are one `error:`
/// line and exit code 1 (2 for usage).
#[test]
fn bad_executor_options_are_one_line_errors() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fugue-executor")).args(args).output().expect("runs")
    };
    let o = run(&["--scheduler", "http://127.0.0.1:50050"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error:") && err.contains("df://"), "{err}");
    let o = run(&["--port", "7000", "--grpc-port", "7000"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("gRPC port 7000"), "{err}");
    let o = run(&["--slots", "many"]);
    assert_eq!(o.status.code(), Some(2));
    // a heartbeat of 0 s would never tell the scheduler it lives
    let o = run(&["--heartbeat", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_fugue-scheduler"))
        .args(["--executor-timeout", "1"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    // Nobody listens on port 1: bounded by --connect-timeout.
    let started = Instant::now();
    let o = run(&[
        "--scheduler",
        "df://127.0.0.1:1",
        "--port",
        "0",
        "--grpc-port",
        "0",
        "--connect-timeout",
        "1",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("connect to the scheduler at http://127.0.0.1:1"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}
