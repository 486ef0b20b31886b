//! # fugue-test-suite (being written)
