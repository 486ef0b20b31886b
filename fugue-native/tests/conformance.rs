//! The whole conformance suite on the native engine, in one line.
fugue_test_suite::main!("native", fugue_native::NativeExecutionEngine::for_tests);
