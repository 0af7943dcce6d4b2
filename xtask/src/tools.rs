//! Running cargo and other programs, and making sure the tools the project needs are present.

use std::{
    env,
    net::{SocketAddr, TcpStream},
    path::PathBuf,
    process::Command,
    time::Duration,
};

/// Runs a program, failing with its name when it fails.
pub fn command(program: &str, args: &[&str]) -> Result<(), String> {
    let status = Command::new(program).args(args).status().map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

/// Runs cargo (the one that runs xtask).
pub fn cargo(args: &[&str]) -> Result<(), String> {
    command(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()), args)
}

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"))
}

/// Is cargo-nextest installed?
pub fn has_nextest() -> bool {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs the wasm32 target through rustup when it is missing.
pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output().map_err(|e| format!("rustup: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    println!("xtask: installing the wasm32-unknown-unknown target");
    command("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

/// Does something listen on the local PostgreSQL port?
pub fn postgres_reachable() -> bool {
    let address: SocketAddr = ([127, 0, 0, 1], 5432).into();
    TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_ok()
}

/// `docker compose config` (or the older `docker-compose config`) when either is installed.
pub fn validate_compose_file() -> Result<(), String> {
    let plugin = Command::new("docker").args(["compose", "version"]).output().is_ok_and(|o| o.status.success());
    let standalone = Command::new("docker-compose").arg("version").output().is_ok_and(|o| o.status.success());
    match (plugin, standalone) {
        (true, _) => command("docker", &["compose", "config", "--quiet"]),
        (false, true) => command("docker-compose", &["config", "--quiet"]),
        (false, false) => {
            println!("xtask: docker compose is not installed: docker-compose.yml not validated (apt-get install docker-compose)");
            Ok(())
        }
    }
}
