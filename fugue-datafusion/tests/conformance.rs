//! The whole conformance suite on the DataFusion engine, in one line.
fugue_test_suite::main!("datafusion", fugue_datafusion::DataFusionExecutionEngine::for_tests);
