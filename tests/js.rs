//! The web app's script: its pure modules' tests (tests/js/*.test.mjs) under node's
//! own test runner, so that `cargo test` runs them too. Node is on every machine
//! that runs the browser test; without it this says so and skips (under CI it is
//! required).

mod common;

use std::process::Command;

#[test]
fn the_scripts_pure_modules_pass_their_node_tests() {
    let have = Command::new("node").arg("--version").output().is_ok();
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "node is needed for the script's tests under CI"
        );
        eprintln!("note: node not installed: the script's tests skipped");
        return;
    }
    let o = Command::new("node")
        .args(["--test", "tests/js/"])
        .current_dir(common::root())
        .output()
        .expect("run node --test");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Tests ran, none failed.
    assert!(out.contains("# fail 0"), "{out}");
    assert!(!out.contains("# pass 0"), "{out}");
}
