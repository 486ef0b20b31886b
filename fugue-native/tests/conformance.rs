//! The whole conformance suite on the native engine, in one line.

// The native engine has no SQL of its own: it binds the first registered SQL
// engine (ENG-SQL-4). Linking DataFusion gives it one, so the SQL and
// FugueSQL cases run on native too.
use fugue_datafusion as _;

fugue_test_suite::main!("native", fugue_native::NativeExecutionEngine::for_tests);
