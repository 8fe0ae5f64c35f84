//! `tollgate fmt` as editors and CI run it: rewriting, `--check`, standard input, folders,
//! and the exit statuses of CLI.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const MESSY: &str = "policy \"p\" {version \"1\"}\nmetric m from \"m\"   lower is better\n\
rule r {block when m>1   # high\n}\n";
const TIDY: &str = "policy \"p\" {\n  version \"1\"\n}\n\nmetric m from \"m\" lower is better\n\n\
rule r {\n  block when m > 1 # high\n}\n";

fn tollgate(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_lists_a_diff_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", MESSY);
    let out = tollgate(&["fmt", "--check", "p.gate"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(read(dir.path(), "p.gate"), MESSY);
    insta::assert_snapshot!("check_diff", stdout(&out));
    assert!(stderr(&out).contains("1 file is not formatted"));
}

#[test]
fn fmt_rewrites_then_check_passes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", MESSY);
    let out = tollgate(&["fmt", "p.gate"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(dir.path(), "p.gate"), TIDY);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("formatted p.gate"));

    let again = tollgate(&["fmt", "p.gate"], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stderr(&again), "", "an unchanged file is not reported");
    let check = tollgate(&["fmt", "--check", "p.gate"], dir.path());
    assert_eq!(check.status.code(), Some(0));
    assert_eq!(stdout(&check), "");
}

#[test]
fn standard_input_goes_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tollgate"))
        .args(["fmt", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MESSY.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), TIDY);
}

#[test]
fn folders_are_searched_for_gate_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policies/a.gate", MESSY);
    write(dir.path(), "policies/lib/b.gate", "metric  x from \"x\"\n");
    write(dir.path(), "policies/notes.txt", "not a policy {");
    write(dir.path(), "policies/ok.gate", TIDY);
    let out = tollgate(&["fmt", "--check", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let listed = stdout(&out);
    assert!(listed.contains("--- policies/a.gate"), "{listed}");
    assert!(listed.contains("--- policies/lib/b.gate"), "{listed}");
    assert!(!listed.contains("ok.gate"), "{listed}");

    let out = tollgate(&["fmt", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        read(dir.path(), "policies/lib/b.gate"),
        "metric x from \"x\"\n"
    );
    let out = tollgate(&["fmt", "--check", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn syntax_errors_exit_2_and_leave_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "rule r { block when }\n";
    write(dir.path(), "bad.gate", broken);
    write(dir.path(), "good.gate", MESSY);
    let out = tollgate(&["fmt", "bad.gate", "good.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.gate"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
    assert_eq!(read(dir.path(), "bad.gate"), broken);
    assert_eq!(
        read(dir.path(), "good.gate"),
        TIDY,
        "the other files are still formatted"
    );
}

#[test]
fn unreadable_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = tollgate(&["fmt", "missing.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.gate"));
    write(dir.path(), "latin1.gate", "");
    std::fs::write(dir.path().join("latin1.gate"), b"# caf\xe9\n").unwrap();
    let out = tollgate(&["fmt", "--check", "latin1.gate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read latin1.gate"));
}

#[test]
fn crlf_files_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &TIDY.replace('\n', "\r\n"));
    let out = tollgate(&["fmt", "--check", "p.gate"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "p.gate: CRLF line endings become LF\n");
    let out = tollgate(&["fmt", "p.gate"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read(dir.path(), "p.gate"), TIDY);
}

#[test]
fn a_long_diff_is_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let messy: String = (0..100)
        .map(|i| format!("rule r{i} {{ warn when m > {i} }}\n"))
        .collect();
    write(dir.path(), "p.gate", &messy);
    let out = tollgate(&["fmt", "--check", "p.gate"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.lines().count() <= 64, "{text}");
    assert!(text.contains("more lines of diff"), "{text}");
}
