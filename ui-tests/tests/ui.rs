//! Compile tests of `#[c1_endpoint]`: declarations that must compile, and
//! mistakes that must fail with the messages in `tests/ui/fail/*.stderr`;
//! and of the features: `tests/ui/features/*.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
    // What calling the handle of a service whose feature is off says (the
    // cases use `apps` and `task-actions`, off in this package's c1).
    t.compile_fail("tests/ui/features/*.rs");
}
