//! The whole conformance suite on the DataFusion engine, in one line.
fugue_test_suite::main!(
    "datafusion",
    fugue_datafusion::DataFusionExecutionEngine::for_tests,
    not_implemented = [(
        "fsql/ex_67_checkpoint_mapping_and_suffix_order",
        "checkpoint params (`PERSIST (level=...)`, FSQL-STMT-CKPT-3): the workflow's weak checkpoint and the engine's persist take no options yet"
    )]
);
