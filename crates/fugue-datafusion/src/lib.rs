//! # fugue-datafusion (skeleton)
//!
//! This crate will hold `DataFusionExecutionEngine` (every fugue operation as
//! DataFusion 55 logical plans, `map_dataframe` as a custom streaming
//! `ExecutionPlan`) and `DataFusionSqlEngine`, registered as execution engine
//! and SQL engine `datafusion`.
//!
//! **Status:** not implemented yet (tracked by the "fugue-datafusion" issue).
//! It does not depend on DataFusion yet, so the workspace builds quickly until
//! then; it exports nothing that pretends to work.
#![deny(missing_docs)]
