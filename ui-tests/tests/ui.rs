//! Compile tests of `#[c1_endpoint]`: mistakes that must fail with the
//! messages in `tests/ui/fail/*.stderr`, and calling a service whose
//! feature is off (`tests/ui/features/*.stderr`). The declarations that must
//! compile (`tests/ui/pass`) are modules of the test target `tests/pass.rs`,
//! so trybuild only checks: its nested build generates no code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    // What calling the handle of a service whose feature is off says (the
    // cases use `apps` and `task-actions`, off in this package's c1).
    t.compile_fail("tests/ui/features/*.rs");
}
