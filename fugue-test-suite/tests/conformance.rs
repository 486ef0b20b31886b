//! The engine-independent cases (schema, dataframe, partition spec, conf)
//! run against the core's local frames; engine cases are reported as needing
//! an engine (each backend crate runs them).

fn main() -> std::process::ExitCode {
    fugue_test_suite::run_main("local frames (fugue-core)", None, &[])
}
