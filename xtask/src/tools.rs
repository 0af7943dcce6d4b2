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

/// `docker compose config` (or the older `docker-compose config`) of both shapes, the one-app
/// profile and the replicas profile, when either tool is installed.
pub fn validate_compose_file() -> Result<(), String> {
    let plugin = Command::new("docker").args(["compose", "version"]).output().is_ok_and(|o| o.status.success());
    let standalone = Command::new("docker-compose").arg("version").output().is_ok_and(|o| o.status.success());
    let (program, args): (&str, &[&str]) = match (plugin, standalone) {
        (true, _) => ("docker", &["compose", "config", "--quiet"]),
        (false, true) => ("docker-compose", &["config", "--quiet"]),
        (false, false) => {
            println!("xtask: docker compose is not installed: docker-compose.yml not validated (apt-get install docker-compose)");
            return Ok(());
        }
    };
    for profile in ["single", "replicas"] {
        let status = Command::new(program).args(args).env("COMPOSE_PROFILES", profile).status().map_err(|e| format!("{program}: {e}"))?;
        if !status.success() {
            return Err(format!("docker-compose.yml does not validate with the profile {profile} ({status})"));
        }
    }
    Ok(())
}

/// Does `program --version` print something containing `expected`?
pub fn has_version(program: &str, expected: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(expected))
}

/// `npm ci` in `dir`: the packages its lockfile pins; `why` says what needs them when npm is missing.
pub fn npm_ci(dir: &str, why: &str) -> Result<(), String> {
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(dir)
        .status()
        .map_err(|e| format!("{why} (apt-get install -y npm): {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("npm ci in {dir}/ failed")) }
}

/// Is this user root (and may install Debian packages)?
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Debian's chromium and chromedriver for the browser tests, and xmllint (libxml2-utils) for the
/// sitemap's schema check.
pub fn ensure_browser() -> Result<(), String> {
    ensure_debian_packages(
        "the browser and sitemap tests",
        &[("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver"), ("/usr/bin/xmllint", "libxml2-utils")],
    )
}

/// HAProxy and Redis for the production shape (`cargo xtask replicas` and its test).
pub fn ensure_replica_tools() -> Result<(), String> {
    ensure_debian_packages("the production shape", &[("/usr/sbin/haproxy", "haproxy"), ("/usr/bin/redis-server", "redis-server")])
}

/// Installs the Debian packages whose files are missing, through apt when this user may;
/// otherwise the exact command is named.
fn ensure_debian_packages(what: &str, wanted: &[(&str, &str)]) -> Result<(), String> {
    let packages: Vec<&str> = wanted.iter().filter(|(file, _)| !std::path::Path::new(file).exists()).map(|(_, package)| *package).collect();
    if packages.is_empty() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!("{what} need Debian's packages: sudo apt-get install -y {}", packages.join(" ")));
    }
    println!("xtask: installing {} from Debian", packages.join(", "));
    command("apt-get", &["update", "-qq"])?;
    command("apt-get", &["install", "-y", "-qq"].into_iter().chain(packages).collect::<Vec<_>>())
}

/// axe-core from npm (pinned by e2e/package-lock.json) for the accessibility checks.
pub fn ensure_axe() -> Result<(), String> {
    if std::path::Path::new("e2e/node_modules/axe-core/axe.min.js").exists() {
        return Ok(());
    }
    npm_ci("e2e", "the accessibility checks need npm")
}
