//! The whole conformance suite on the Polars engine, in one line.
fugue_test_suite::main!(
    "polars",
    fugue_polars::PolarsExecutionEngine::for_tests,
    not_implemented = [(
        "fsql/ex_67_checkpoint_mapping_and_suffix_order",
        "checkpoint params (`PERSIST (level=...)`, FSQL-STMT-CKPT-3): the workflow's weak checkpoint and the engine's persist take no options yet"
    )]
);
