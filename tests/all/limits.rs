//! Every limit of docs/limits.md, through the binary: an input at the limit is used, one
//! past it is refused with exit status 2 and an error that names the limit and says how to
//! raise it. Limits with an environment variable are tested at small values set through it
//! (the same check as at the default), and their defaults are pinned.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use tollgate::check::MAX_IMPORT_DEPTH;
use tollgate::evidence::{MAX_FILE_BYTES, MAX_NESTING};
use tollgate::limits::{EVIDENCE_BYTES, POLICY_BYTES, RULES};
use tollgate::syntax::limits::{MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH, MAX_SOURCE_BYTES};

const ENV_VARS: &[&str] = &[
    "TOLLGATE_MAX_POLICY_BYTES",
    "TOLLGATE_MAX_EVIDENCE_BYTES",
    "TOLLGATE_MAX_RULES",
];

fn run(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Used: exit 0 (or the decision's status), nothing about limits on stderr.
fn assert_used(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "{what}: expected the input to be used, got {:?}\n{err}",
        out.status.code()
    );
    assert!(!err.contains("tollgate::limit"), "{what}: {err}");
}

/// Refused: exit 2, a `tollgate::limit` error whose text contains each of `names`.
fn assert_refused(out: &Output, what: &str, names: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(err.contains("tollgate::limit"), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    // miette wraps long help lines; compare without the wrapping.
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    for name in names {
        assert!(flat.contains(name), "{what}: no `{name}` in\n{err}");
    }
}

const HEADER: &str = "policy \"p\" {}\n";

#[test]
fn defaults_are_pinned() {
    assert_eq!(MAX_SOURCE_BYTES, 64 * 1024 * 1024);
    assert_eq!(POLICY_BYTES.default, MAX_SOURCE_BYTES as u64);
    assert_eq!(POLICY_BYTES.var, "TOLLGATE_MAX_POLICY_BYTES");
    assert_eq!(MAX_FILE_BYTES, 64 * 1024 * 1024);
    assert_eq!(EVIDENCE_BYTES.default, MAX_FILE_BYTES);
    assert_eq!(EVIDENCE_BYTES.var, "TOLLGATE_MAX_EVIDENCE_BYTES");
    assert_eq!(RULES.default, 1_000_000);
    assert_eq!(RULES.var, "TOLLGATE_MAX_RULES");
    assert_eq!(MAX_IMPORT_DEPTH, 32);
    assert_eq!(MAX_BRACKET_DEPTH, 64);
    assert_eq!(MAX_EXPR_DEPTH, 256);
    assert_eq!(MAX_NESTING, 128);
}

#[test]
fn policy_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let limit = 300;
    let sized = |n: usize| {
        let mut text = format!("{HEADER}rule r {{ warn when true }}\n#");
        text.push_str(&"x".repeat(n - text.len()));
        assert_eq!(text.len(), n);
        text
    };
    let env = [(POLICY_BYTES.var, limit.to_string())];
    write(dir.path(), "at.gate", &sized(limit));
    write(dir.path(), "past.gate", &sized(limit + 1));
    assert_used(
        &run(dir.path(), &["check", "at.gate"], &env),
        "at the limit",
    );
    let out = run(dir.path(), &["check", "past.gate"], &env);
    assert_refused(
        &out,
        "one byte past",
        &[
            "policy source is 301 bytes",
            "limit of 300 bytes",
            "TOLLGATE_MAX_POLICY_BYTES",
        ],
    );
    // An imported file is held to the same limit.
    write(
        dir.path(),
        "imports.gate",
        &format!("{HEADER}import \"lib/past.gate\"\n"),
    );
    write(dir.path(), "lib/past.gate", &sized(limit + 1));
    let out = run(dir.path(), &["check", "imports.gate"], &env);
    assert_refused(&out, "an import past the limit", &["limit of 300 bytes"]);
}

/// A file far past the limit is refused after reading one byte more than the limit, not
/// read whole: a sparse 3 GiB file at the default, and on Linux an endless one.
#[test]
fn huge_policy_files_are_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.gate")).unwrap();
    file.set_len(3 << 30).unwrap();
    let out = run(dir.path(), &["check", "huge.gate"], &[]);
    assert_refused(
        &out,
        "a 3 GiB policy",
        &["67108865 bytes or more", "limit of 67108864 bytes (64 MiB)"],
    );
    if Path::new("/dev/zero").exists() {
        write(
            dir.path(),
            "zero.gate",
            &format!("{HEADER}import \"/dev/zero\"\n"),
        );
        let env = [(POLICY_BYTES.var, "1000".to_string())];
        let out = run(dir.path(), &["check", "zero.gate"], &env);
        assert_refused(
            &out,
            "import \"/dev/zero\"",
            &["1001 bytes or more", "limit of 1000 bytes"],
        );
        // Every command that reads policy files: a link to /dev/zero found in a folder.
        #[cfg(unix)]
        {
            let folder = dir.path().join("folder");
            std::fs::create_dir_all(&folder).unwrap();
            std::os::unix::fs::symlink("/dev/zero", folder.join("zero.gate")).unwrap();
            for args in [
                &["check", "folder/zero.gate"][..],
                &["fmt", "--check", "folder/zero.gate"],
                &["fmt", "--check", "folder"],
                &["test", "folder"],
            ] {
                let out = run(dir.path(), args, &env);
                assert_refused(&out, &args.join(" "), &["limit of 1000 bytes"]);
            }
        }
    }
}

/// `depth` files, each importing the next: the entry file imports `f1.gate`, which imports
/// `f2.gate`, … down to `f{depth}.gate`.
fn import_chain(dir: &Path, depth: usize) {
    write(dir, "entry.gate", &format!("{HEADER}import \"f1.gate\"\n"));
    for i in 1..=depth {
        let next = if i < depth {
            format!("import \"f{}.gate\"\n", i + 1)
        } else {
            String::new()
        };
        write(
            dir,
            &format!("f{i}.gate"),
            &format!("{next}rule r{i} {{ warn when true }}\n"),
        );
    }
}

#[test]
fn import_depth() {
    let at = tempfile::tempdir().unwrap();
    import_chain(at.path(), MAX_IMPORT_DEPTH);
    assert_used(
        &run(at.path(), &["check", "entry.gate"], &[]),
        "at the limit",
    );
    let past = tempfile::tempdir().unwrap();
    import_chain(past.path(), MAX_IMPORT_DEPTH + 1);
    let out = run(past.path(), &["check", "entry.gate"], &[]);
    assert_refused(
        &out,
        "one import past",
        &["imports nest deeper than 32 files", "MAX_IMPORT_DEPTH = 32"],
    );
    assert!(stderr(&out).contains("f32.gate"), "{}", stderr(&out));
}

#[test]
fn bracket_nesting() {
    let dir = tempfile::tempdir().unwrap();
    // `let` holds no other bracket: all the levels are parentheses.
    let nested = |n: usize| {
        format!(
            "{HEADER}let x = {}1{}\nrule r {{ warn when x > 0 }}\n",
            "(".repeat(n),
            ")".repeat(n)
        )
    };
    write(dir.path(), "at.gate", &nested(MAX_BRACKET_DEPTH));
    write(dir.path(), "past.gate", &nested(MAX_BRACKET_DEPTH + 1));
    assert_used(&run(dir.path(), &["check", "at.gate"], &[]), "at the limit");
    let out = run(dir.path(), &["check", "past.gate"], &[]);
    assert_refused(
        &out,
        "one bracket past",
        &["deeper than 64 levels", "MAX_BRACKET_DEPTH = 64"],
    );
}

#[test]
fn expression_depth() {
    let dir = tempfile::tempdir().unwrap();
    // `a and a and …` with n terms is a tree n levels deep.
    let chain = |n: usize| {
        format!(
            "{HEADER}metric m from \"m\"\nlet a = has(m)\nrule r {{ warn when {} }}\n",
            vec!["a"; n].join(" and ")
        )
    };
    write(dir.path(), "at.gate", &chain(MAX_EXPR_DEPTH));
    write(dir.path(), "past.gate", &chain(MAX_EXPR_DEPTH + 1));
    write(dir.path(), "e.json", r#"{"metrics": {"m": 1}}"#);
    let out = run(
        dir.path(),
        &["eval", "at.gate", "--evidence", "e.json"],
        &[],
    );
    assert_used(&out, "at the limit");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(dir.path(), &["check", "past.gate"], &[]);
    assert_refused(
        &out,
        "one level past",
        &["deeper than 256 levels", "MAX_EXPR_DEPTH = 256"],
    );
}

fn rules(n: usize) -> String {
    (0..n)
        .map(|i| format!("rule r{i} {{ warn when true }}\n"))
        .collect()
}

#[test]
fn number_of_rules() {
    let dir = tempfile::tempdir().unwrap();
    let env = [(RULES.var, "50".to_string())];
    write(dir.path(), "at.gate", &format!("{HEADER}{}", rules(50)));
    write(dir.path(), "past.gate", &format!("{HEADER}{}", rules(51)));
    assert_used(
        &run(dir.path(), &["check", "at.gate"], &env),
        "at the limit",
    );
    let out = run(dir.path(), &["check", "past.gate"], &env);
    assert_refused(
        &out,
        "one rule past",
        &[
            "the policy has 51 rules, more than the limit of 50 rules",
            "TOLLGATE_MAX_RULES",
            "the default is 1000000",
        ],
    );
    assert!(stderr(&out).contains("past.gate:52:6"), "{}", stderr(&out));
    // Imported rules count: 30 here and 21 in the import.
    write(
        dir.path(),
        "split.gate",
        &format!("{HEADER}import \"more.gate\"\n{}", rules(30)),
    );
    write(
        dir.path(),
        "more.gate",
        &rules(21).replace("rule r", "rule more"),
    );
    let out = run(dir.path(), &["check", "split.gate"], &env);
    assert_refused(&out, "rules across imports", &["51 rules"]);
    // The same policies under the default.
    assert_used(&run(dir.path(), &["check", "past.gate"], &[]), "default");
    assert_used(&run(dir.path(), &["check", "split.gate"], &[]), "default");
}

#[test]
fn the_override_is_ignored_unless_it_is_a_positive_number() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &format!("{HEADER}{}", rules(3)));
    for value in ["", "abc", "0", "-5", "2.5", "1e3"] {
        let env = [(RULES.var, value.to_string())];
        let out = run(dir.path(), &["check", "p.gate"], &env);
        assert_used(&out, &format!("TOLLGATE_MAX_RULES={value:?}"));
    }
    let out = run(dir.path(), &["check", "p.gate"], &[(RULES.var, "2".into())]);
    assert_refused(&out, "TOLLGATE_MAX_RULES=2", &["limit of 2 rules"]);
    let out = run(dir.path(), &["check", "p.gate"], &[(RULES.var, "3".into())]);
    assert_used(&out, "TOLLGATE_MAX_RULES=3");
}

#[test]
fn evidence_file_size() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.gate",
        &format!("{HEADER}metric m from \"m\"\nrule r {{ warn when m > 1 }}\n"),
    );
    let limit = 100;
    let sized = |n: usize| {
        let mut text = String::from(r#"{"metrics": {"m": 0.5}}"#);
        text.push_str(&" ".repeat(n - text.len()));
        text
    };
    write(dir.path(), "at.json", &sized(limit));
    write(dir.path(), "past.json", &sized(limit + 1));
    let env = [(EVIDENCE_BYTES.var, limit.to_string())];
    let at = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "at.json"],
        &env,
    );
    assert_used(&at, "at the limit");
    assert_eq!(at.status.code(), Some(0));
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "past.json"],
        &env,
    );
    assert_refused(
        &out,
        "one byte past",
        &[
            "past.json: the evidence file is larger than the limit of 100 bytes",
            "TOLLGATE_MAX_EVIDENCE_BYTES",
        ],
    );
}

/// At the default: a sparse file of exactly 64 MiB is read (and then rejected for what it
/// holds, not for its size); one byte more is refused for its size.
#[test]
fn evidence_file_size_at_the_default() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &format!("{HEADER}{}", rules(1)));
    for (name, len) in [
        ("at.json", MAX_FILE_BYTES),
        ("past.json", MAX_FILE_BYTES + 1),
    ] {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        file.set_len(len).unwrap();
    }
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "at.json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !stderr(&out).contains("tollgate::limit"),
        "{}",
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "past.json"],
        &[],
    );
    assert_refused(
        &out,
        "past the default",
        &["64 MiB", "TOLLGATE_MAX_EVIDENCE_BYTES"],
    );
}

/// YAML flow collections may nest 128 levels; deeper text is refused before it is parsed.
/// (JSON needs no such limit: values the bundle does not expect are skipped without
/// recursion and rejected by type, however deep; see tests/all/evidence_hostile.rs.)
#[test]
fn evidence_nesting() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.gate", &format!("{HEADER}{}", rules(1)));
    let nested = |n: usize| format!("flags: {}{}\n", "[".repeat(n), "]".repeat(n));
    write(dir.path(), "at.yaml", &nested(MAX_NESTING));
    write(dir.path(), "past.yaml", &nested(MAX_NESTING + 1));
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "at.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("tollgate::limit") && stderr(&out).contains("must be a flag"),
        "at the limit the file is parsed, and rejected for its content: {}",
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "past.yaml"],
        &[],
    );
    assert_refused(
        &out,
        "one level past",
        &["nested at most 128 levels", "MAX_NESTING"],
    );
    // Block nesting meets the YAML parser's own recursion limit: the same error.
    let mut deep = String::from("metrics:\n");
    for depth in 1..200 {
        deep.push_str(&" ".repeat(depth));
        deep.push_str("a:\n");
    }
    write(dir.path(), "block.yaml", &deep);
    let out = run(
        dir.path(),
        &["eval", "p.gate", "--evidence", "block.yaml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// A limit refuses input; it never changes a decision. Raising every limit leaves the
/// report of a real bundle byte for byte the same.
#[test]
fn raising_the_limits_changes_no_decision() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = [
        "eval",
        "policies/chat-mainline.gate",
        "--evidence",
        "examples/gpt-4o-2025-04-25/evidence.json",
        "--now",
        "2025-04-25T12:00:00Z",
        "--format",
        "json",
    ];
    let plain = run(root, &args, &[]);
    let raised: Vec<(&str, String)> = ENV_VARS.iter().map(|v| (*v, "999999999".into())).collect();
    let high = run(root, &args, &raised);
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(plain.status.code(), high.status.code());
    assert_eq!(plain.stdout, high.stdout);
}
