//! Compile tests of `#[c1_endpoint]`: declarations that must compile, and
//! mistakes that must fail with the messages in `tests/ui/fail/*.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
