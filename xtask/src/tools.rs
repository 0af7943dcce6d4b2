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
fn has_version(program: &str, expected: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(expected))
}

/// trunk and the wasm-bindgen CLI matching Cargo.lock, each installed through cargo when
/// missing, and wasm-opt from npm (see [`ensure_wasm_opt`]).
pub fn ensure_spa_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    let tools: [(&str, &str, &[&str]); 2] = [
        ("trunk", "0.21.14", &["install", "trunk", "--locked", "--version", "0.21.14"]),
        // Not --locked: its lockfile wants a crate version the registry lacks.
        ("wasm-bindgen", "0.2.130", &["install", "wasm-bindgen-cli", "--version", "0.2.130"]),
    ];
    for (program, version, install) in tools {
        if !has_version(program, version) {
            println!("xtask: installing {program} {version} (a few minutes, once)");
            cargo(install)?;
        }
    }
    ensure_wasm_opt()
}

/// Where `npm ci` in frontend/ puts wasm-opt: binaryen 116 compiled to WebAssembly, pinned by
/// frontend/package-lock.json. Its output is byte for byte the wasm-opt crate's (checked
/// 2026-12-07 on the site's bundle), and it installs in seconds where the crate compiles binaryen
/// for about 8 minutes; it runs slower (the four bundles: 2 min 19 s against 59 s). So a native
/// wasm-opt 116 on PATH is used when there is one, npm's otherwise. Never Debian's binaryen 108:
/// its output is a blank page.
const WASM_OPT_BIN: &str = "frontend/node_modules/.bin";

/// Is a native wasm-opt of binaryen 116 on PATH?
fn native_wasm_opt() -> bool {
    has_version("wasm-opt", "116")
}

/// Installs wasm-opt from npm when no native one is there.
fn ensure_wasm_opt() -> Result<(), String> {
    if native_wasm_opt() || std::path::Path::new(WASM_OPT_BIN).join("wasm-opt").exists() {
        return Ok(());
    }
    println!("xtask: installing wasm-opt (binaryen 116) from npm");
    npm_ci("frontend", "the SPA build needs npm for wasm-opt")
}

/// `npm ci` in `dir`: the packages its lockfile pins; `why` says what needs them when npm is missing.
fn npm_ci(dir: &str, why: &str) -> Result<(), String> {
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(dir)
        .status()
        .map_err(|e| format!("{why} (apt-get install -y npm): {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("npm ci in {dir}/ failed")) }
}

fn trunk_build(extra: &[&str]) -> Result<(), String> {
    // trunk takes the wasm-opt on PATH when its version matches Trunk.toml's: npm's, unless a
    // native one is there.
    let mut path: Vec<PathBuf> = env::split_paths(&env::var_os("PATH").unwrap_or_default()).collect();
    if !native_wasm_opt() {
        path.insert(0, std::fs::canonicalize(WASM_OPT_BIN).map_err(|e| format!("{WASM_OPT_BIN}: {e}"))?);
    }
    let path = env::join_paths(path).map_err(|e| format!("PATH: {e}"))?;
    let status = Command::new("trunk")
        .arg("build")
        .args(extra)
        .args(["--release", "--offline"])
        .env("PATH", path)
        .current_dir("frontend")
        .status()
        .map_err(|e| format!("cannot start trunk: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("trunk build {} failed", extra.join(" "))) }
}

/// Builds the SPA (release, size-tuned, offline): the site, then the route wizard's own page
/// into route/, the cabinet's into cabinet/ and the back office's into backoffice/ (after, since
/// each build empties its folder). The build is made in frontend/dist.building and replaces
/// frontend/dist in one step when complete, so a server running meanwhile never serves half a
/// build; it notices the new one by itself.
pub fn build_spa() -> Result<(), String> {
    ensure_spa_tools()?;
    let staged = std::path::Path::new("frontend/dist.building");
    trunk_build(&["--dist", "dist.building"])?;
    trunk_build(&["route.html", "--dist", "dist.building/route", "--public-url", "/route/"])?;
    trunk_build(&["cabinet.html", "--dist", "dist.building/cabinet", "--public-url", "/cabinet/"])?;
    trunk_build(&["backoffice.html", "--dist", "dist.building/backoffice", "--public-url", "/backoffice/"])?;
    write_service_worker(staged)?;
    precompress(staged)?;
    put_in_place(staged, std::path::Path::new("frontend/dist"))?;
    spa_size_report("frontend/dist", "the site's first page")?;
    spa_size_report("frontend/dist/route", "the route wizard's page")?;
    spa_size_report("frontend/dist/cabinet", "the partner cabinet's page")?;
    spa_size_report("frontend/dist/backoffice", "the back office's page")
}

/// Replaces `dist` with `staged` (two renames: no moment with half a build), and stamps it.
fn put_in_place(staged: &std::path::Path, dist: &std::path::Path) -> Result<(), String> {
    let old = dist.with_extension("old");
    let _ = std::fs::remove_dir_all(&old);
    if dist.exists() {
        std::fs::rename(dist, &old).map_err(|e| format!("moving the old build aside: {e}"))?;
    }
    std::fs::rename(staged, dist).map_err(|e| format!("putting the new build in place: {e}"))?;
    let _ = std::fs::remove_dir_all(&old);
    std::fs::write(dist.join(BUILT_STAMP), "built by cargo xtask spa\n").map_err(|e| format!("stamping the build: {e}"))
}

/// Written last into a complete build: its time says which sources the build has seen.
const BUILT_STAMP: &str = ".built";

/// Is frontend/dist a complete build newer than every source it is made of?
pub fn spa_is_current() -> bool {
    let Ok(built) = std::fs::metadata(std::path::Path::new("frontend/dist").join(BUILT_STAMP)).and_then(|m| m.modified()) else {
        return false;
    };
    let sources = [
        "frontend/src",
        "frontend/index.html",
        "frontend/route.html",
        "frontend/cabinet.html",
        "frontend/backoffice.html",
        "frontend/style.css",
        "frontend/sw.js",
        "frontend/Trunk.toml",
        "frontend/Cargo.toml",
        "frontend/package-lock.json",
        "crates/domain",
        "crates/client",
        "crates/views",
        "Cargo.lock",
        "xtask/src/tools.rs",
    ];
    sources.iter().all(|source| newest(std::path::Path::new(source)).is_none_or(|changed| changed <= built))
}

/// The newest modification time under `path` (a file or a folder), if any.
fn newest(path: &std::path::Path) -> Option<std::time::SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path).ok()?.filter_map(Result::ok).filter_map(|entry| newest(&entry.path())).max()
}

/// Are trunk, wasm-bindgen and wasm-opt installed at the versions the build pins?
pub fn spa_tools_present() -> bool {
    has_version("trunk", "0.21.14")
        && has_version("wasm-bindgen", "0.2.130")
        && (native_wasm_opt() || std::path::Path::new(WASM_OPT_BIN).join("wasm-opt").exists())
}

/// Writes `frontend/sw.js` into the build with the files the citizens' pages load (the site's
/// and the route wizard's bundles, kept when the worker installs) and a version made of their
/// hashed names, so that a new build's worker replaces the old caches.
pub fn write_service_worker(dist: &std::path::Path) -> Result<(), String> {
    let mut assets = Vec::new();
    for (folder, prefix) in [(dist.to_path_buf(), "/"), (dist.join("route"), "/route/")] {
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .map_err(|e| format!("{}: {e}", folder.display()))?
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name != "sw.js" && [".wasm", ".js", ".css"].iter().any(|ext| name.ends_with(ext)))
            .collect();
        names.sort();
        assets.extend(names.into_iter().map(|name| format!("{prefix}{name}")));
    }
    // FNV-1a over the names: they carry the content's hashes.
    let version = assets
        .iter()
        .flat_map(|a| a.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    let list = format!("[{}]", assets.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "));
    let template = std::fs::read_to_string("frontend/sw.js").map_err(|e| format!("frontend/sw.js: {e}"))?;
    if !template.contains("__SOCIO_ASSETS__") || !template.contains("__SOCIO_VERSION__") {
        return Err("frontend/sw.js: the placeholders __SOCIO_ASSETS__ and __SOCIO_VERSION__ are missing".to_owned());
    }
    let worker = template.replace("__SOCIO_ASSETS__", &list).replace("__SOCIO_VERSION__", &format!("{version:016x}"));
    std::fs::write(dist.join("sw.js"), worker).map_err(|e| format!("{}: {e}", dist.join("sw.js").display()))?;
    println!("xtask: service worker written with {} files, version {version:016x}", assets.len());
    Ok(())
}

/// Is this user root (and may install Debian packages)?
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Writes gzip and brotli copies beside every wasm, js and css file of the build (the server sends
/// them as they are to browsers that accept them). brotli comes from Debian's `brotli` package,
/// installed when this user may; without it only the gzip copies are written.
pub fn precompress(dir: &std::path::Path) -> Result<(), String> {
    let has_brotli = Command::new("brotli").arg("--version").output().is_ok_and(|o| o.status.success())
        || (is_root() && command("apt-get", &["install", "-y", "-qq", "brotli"]).is_ok());
    if !has_brotli {
        println!("xtask: brotli copies skipped (apt-get install brotli); gzip copies written");
    }
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js" | "css")) {
                continue;
            }
            let file = path.to_string_lossy().into_owned();
            command("gzip", &["-9", "-k", "-f", "-n", &file])?;
            if has_brotli {
                command("brotli", &["-q", "11", "-k", "-f", &file])?;
            }
        }
    }
    Ok(())
}

/// Prints the gzip size of what a page loads: wasm + js + css.
pub fn spa_size_report(dir: &str, what: &str) -> Result<(), String> {
    let mut total = 0;
    let mut lines = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for file in files {
        let Some(ext) = file.extension().and_then(|e| e.to_str()) else { continue };
        // The service worker is fetched after the page, not for it.
        if !matches!(ext, "wasm" | "js" | "css") || file.file_name().is_some_and(|n| n == "sw.js") {
            continue;
        }
        let raw = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let gz = Command::new("gzip").args(["-9", "-c"]).arg(&file).output().map_err(|e| format!("gzip: {e}"))?.stdout.len() as u64;
        total += gz;
        lines.push(format!("  {:<8} {:>9} bytes raw  {:>8} bytes gzip", ext, raw, gz));
    }
    println!("xtask: {what}, transfer ({dir}):");
    for line in lines {
        println!("{line}");
    }
    println!("  total    {:>8} KB gzip (target ≤ 350 KB)", total / 1024);
    Ok(())
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
