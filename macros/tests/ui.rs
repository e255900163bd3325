//! The macros as users meet them: `tests/ui/pass/*.rs` must compile and run,
//! `tests/ui/fail/*.rs` must fail with exactly the reviewed `.stderr` next to each file
//! (regenerate with `TRYBUILD=overwrite cargo test -p asyncio-macros --test ui`, then read the
//! diff as a user would). The cases use the facade, `asyncio`, a dev-dependency of this crate:
//! trybuild lives here rather than in the facade's dev-dependencies so that a first
//! `cargo run --example` of the facade does not build it (nor serde and toml under it).
//!
//! Also here: an opt-in check that the expansions pass clippy's pedantic lints.
//! (`#[async_test]` itself, which only a real test harness can exercise, is tested in the
//! facade's `tests/async_test.rs`.)

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

/// Runs clippy with every pedantic lint denied over `tests/ui/pass/hygiene-lints.rs`, built as
/// a crate of its own. Opt-in, since it builds the workspace again:
/// `cargo test -p asyncio-macros --test ui -- --ignored`.
#[test]
#[ignore = "builds a scratch crate and runs cargo clippy on it"]
fn expansions_pass_clippy_pedantic() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.parent().expect("macros/ is inside the workspace");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("clippy-pedantic");
    fs::create_dir_all(scratch.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"clippy-pedantic\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nasyncio = {{ path = {:?} }}\n\n[workspace]\n",
        root.display().to_string()
    );
    fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    fs::copy(
        here.join("tests/ui/pass/hygiene-lints.rs"),
        scratch.join("src/main.rs"),
    )
    .unwrap();
    if root.join("Cargo.lock").exists() {
        let _ = fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    }
    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "clippy rejected the expansions:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
