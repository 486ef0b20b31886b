//! The whole conformance suite on the Polars engine, in one line.
fugue_test_suite::main!("polars", fugue_polars::PolarsExecutionEngine::for_tests);
