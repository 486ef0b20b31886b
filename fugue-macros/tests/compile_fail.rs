//! Compile errors of the attribute macros, with the offending token
//! underlined (the `.stderr` files next to each case are the expected
//! output; regenerate with `TRYBUILD=overwrite cargo test -p fugue-macros`).
//!
//! The cases use stand-in types: every error is raised by the macro before
//! any type is checked, so they need no fugue crate (and this test builds
//! in seconds).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
