//! `docs/first-integration.md` followed literally: every `$ ` command of its console blocks runs
//! in one shell, in order, against the demo app (the guide's `http://localhost:8080` replaced by
//! the test app's address), and prints exactly what the guide shows under it.

use std::process::Command;

use crate::helpers::{Backend, spawn_app};

const GUIDE: &str = include_str!("../../../../docs/first-integration.md");
const SEPARATOR: &str = "----- next command -----";

/// The guide's commands and the output shown under each.
fn steps() -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = Vec::new();
    let mut in_console = false;
    for line in GUIDE.lines() {
        match line.trim_end() {
            "```console" => in_console = true,
            "```" => in_console = false,
            _ if !in_console => {}
            command if command.starts_with("$ ") => steps.push((command[2..].to_owned(), String::new())),
            output => {
                let (_, expected) = steps.last_mut().expect("output before any command");
                expected.push_str(output);
                expected.push('\n');
            }
        }
    }
    steps
}

fn tools_present() -> bool {
    let present = ["curl", "jq"].iter().all(|tool| Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success()));
    if !present {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the guide's test needs curl and jq under CI=true: apt-get install -y curl jq");
        }
        eprintln!("\n!!! SKIPPED: docs/first-integration.md was not followed: curl or jq is missing (apt-get install curl jq) !!!\n");
    }
    present
}

#[tokio::test]
async fn first_integration_guide() {
    if !tools_present() {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let steps = steps();
    assert!(steps.len() >= 8, "the guide has {} commands", steps.len());
    let script: String = steps
        .iter()
        .map(|(command, _)| format!("{}\necho '{SEPARATOR}'\n", command.replace("http://localhost:8080", &app.address)))
        .collect();
    let output = tokio::task::spawn_blocking(move || Command::new("bash").arg("-c").arg(script).output()).await.unwrap().unwrap();
    assert!(output.status.success(), "the guide's commands failed: {}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8(output.stdout).unwrap();
    let outputs: Vec<&str> = printed.split(&format!("{SEPARATOR}\n")).collect();
    for ((command, expected), actual) in steps.iter().zip(&outputs) {
        assert_eq!(actual.trim_end(), expected.trim_end(), "docs/first-integration.md: `{command}` prints something else");
    }
}
