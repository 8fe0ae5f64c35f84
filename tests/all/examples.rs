//! Every shipped example bundle, evaluated by the policy it was written for: the JSON output
//! is snapshotted, and the decision each example's README promises is asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use tollgate::policy::sha256_hex;
use tollgate::{evidence, render, Now, Outcome, Policy};

/// (example folder, policy, the decision its README states)
const EXAMPLES: &[(&str, &str, Outcome)] = &[
    (
        "gpt-4o-2025-04-25",
        "policies/chat-mainline.gate",
        Outcome::Block,
    ),
    (
        "gpt-4o-2025-03-27",
        "policies/chat-mainline.gate",
        Outcome::Pass,
    ),
    (
        "chat-missing-eval",
        "policies/chat-mainline.gate",
        Outcome::Block,
    ),
    ("chat-waived", "policies/chat-mainline.gate", Outcome::Pass),
    ("chat-paired", "policies/chat-mainline.gate", Outcome::Block),
    (
        "chat-forged-waiver",
        "policies/chat-mainline.gate",
        Outcome::Block,
    ),
    (
        "frontier-deploys",
        "policies/frontier-preparedness.gate",
        Outcome::Pass,
    ),
    (
        "frontier-withheld",
        "policies/frontier-preparedness.gate",
        Outcome::Block,
    ),
];

fn bundle_file(folder: &str) -> PathBuf {
    let dir = PathBuf::from("examples").join(folder);
    ["evidence.json", "evidence.yaml"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no evidence file in {}", dir.display()))
}

#[test]
fn every_example_folder_is_covered() {
    let mut folders: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("README.md").exists() && e.path().is_dir())
        .filter(|e| {
            ["evidence.json", "evidence.yaml"]
                .iter()
                .any(|f| e.path().join(f).exists())
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut covered: Vec<String> = EXAMPLES.iter().map(|(f, _, _)| f.to_string()).collect();
    covered.sort();
    assert_eq!(folders, covered);
}

#[test]
fn examples_decide_as_documented() {
    for (folder, policy_path, decision) in EXAMPLES {
        let policy = Policy::load(policy_path).unwrap();
        let file = bundle_file(folder);
        let bundle = evidence::load_files(&[&file]).unwrap();
        let e = policy.evaluate(&bundle, Now::resolve(None, bundle.as_of));
        assert_eq!(e.decision, *decision, "{folder}");
        // The hashes are those of the files' bytes (checked here), so the snapshots need not
        // change whenever a policy or bundle is edited.
        // The policy's covers its trust file (TRUST.md section 1).
        let trust = sha256_hex(&std::fs::read("policies/allowed_signers").unwrap());
        assert_eq!(
            e.policy.sha256,
            tollgate::trust::policy_sha256(
                &sha256_hex(&std::fs::read(policy_path).unwrap()),
                &[trust.as_str()]
            )
        );
        assert_eq!(
            e.evidence[0].sha256,
            sha256_hex(&std::fs::read(&file).unwrap())
        );
        insta::with_settings!({filters => vec![(r#""sha256": "[0-9a-f]{64}""#, r#""sha256": "[sha256]""#)]}, {
            insta::assert_snapshot!(format!("json_{folder}"), render::json::render(&e));
        });
    }
}

#[test]
fn the_april_2025_update_blocks_for_the_testers_flags() {
    let policy = Policy::load("policies/chat-mainline.gate").unwrap();
    let bundle = evidence::load_files(&[bundle_file("gpt-4o-2025-04-25")]).unwrap();
    let e = policy.evaluate(&bundle, Now::resolve(None, bundle.as_of));
    let not_passed: Vec<(&str, Outcome)> = e
        .rules
        .iter()
        .filter(|r| r.outcome > Outcome::Pass)
        .map(|r| (r.id.as_str(), r.outcome))
        .collect();
    assert_eq!(
        not_passed,
        vec![
            ("tester_behavior_concern", Outcome::Block),
            ("metrics_disagree_with_testers", Outcome::Review),
        ]
    );
}
