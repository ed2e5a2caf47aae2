//! The declarations that must compile (`tests/ui/pass`), each a module of
//! this one test binary, its `main` a test: built with the rest of the
//! tests, so trybuild's nested build (`tests/ui.rs`) only checks the cases
//! that must fail, and generates no code.

// The cases declare what a user declares; that this binary calls little of
// it is not what they test.
#![allow(dead_code)]

#[path = "ui/pass/generic-trait.rs"]
mod generic_trait;

#[path = "ui/pass/hygiene.rs"]
mod hygiene;

#[path = "ui/pass/idempotent.rs"]
mod idempotent;

#[path = "ui/pass/paginate-unpin.rs"]
mod paginate_unpin;

#[path = "ui/pass/renamed-crate.rs"]
mod renamed_crate;

#[path = "ui/pass/return-types.rs"]
mod return_types;

#[path = "ui/pass/widgets.rs"]
mod widgets;

#[test]
fn generic_trait() {
    generic_trait::main();
}

#[test]
fn hygiene() {
    hygiene::main();
}

#[test]
fn idempotent() {
    idempotent::main();
}

#[test]
fn paginate_unpin() {
    paginate_unpin::main();
}

#[test]
fn renamed_crate() {
    renamed_crate::main();
}

#[test]
fn return_types() {
    return_types::main();
}

#[test]
fn widgets() {
    widgets::main();
}
