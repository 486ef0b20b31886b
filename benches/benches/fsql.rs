//! FugueSQL front-end cost (issue 13): template rendering, parsing and
//! compiling the repository's TPC-H script (`fugue-sql/examples/tpch.fsql`,
//! the largest example script) into a `FugueWorkflow`; nothing runs. Also
//! the parse alone (`check_syntax` on the rendered text) to split the
//! share.
//!
//! `cargo bench -p fugue-benches --bench fsql`

use criterion::{Criterion, criterion_group, criterion_main};
use fugue_benches as _; // links `share_and_rank`, the script's transformer

const SCRIPT: &str = include_str!("../../fugue-sql/examples/tpch.fsql");

fn compile_tpch(c: &mut Criterion) {
    let rendered = SCRIPT.replace("{{data}}", "/data").replace("{{out}}", "/out");
    let mut g = c.benchmark_group("fsql");
    g.bench_function("tpch.fsql render+parse+compile", |b| {
        b.iter(|| {
            fugue::sql::fsql(SCRIPT)
                .param("data", "/data")
                .param("out", "/out")
                .compile()
                .map(|w| w.len())
        })
    });
    g.bench_function("tpch.fsql parse", |b| b.iter(|| fugue::sql::check_syntax(&rendered)));
    g.finish();
}

criterion_group!(benches, compile_tpch);
criterion_main!(benches);
