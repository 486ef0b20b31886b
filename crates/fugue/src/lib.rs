//! # fugue
//!
//! The facade of fugue-rs (being written).
#![deny(missing_docs)]

pub use fugue_core as core;

/// Keeps every enabled backend crate linked so its registry entries exist.
pub fn link_engines() {}
