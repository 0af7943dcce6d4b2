//! The SPA's build, done here rather than by trunk: one cargo run builds the four wasm binaries
//! (the site, the route wizard, the cabinet, the back office), wasm-bindgen and wasm-opt turn each
//! into a module and its JavaScript glue (the four at once), and each page's HTML gets the
//! content-hashed names, preload links and a loader script. trunk did the same in four cargo runs
//! and cost a newcomer eight minutes of compiling trunk itself before the first build.
//!
//! The Dockerfile, `cargo xtask run` and the test command all call [`build_spa`].

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
};

use crate::tools::{cargo, command, ensure_wasm_target, has_version, is_root, npm_ci, target_dir};

/// The wasm-bindgen CLI must be the version of the `wasm-bindgen` crate in Cargo.lock.
const WASM_BINDGEN: &str = "0.2.130";

/// One page of the SPA: its HTML source in frontend/, its binary, and the folder of the build it
/// is served from.
struct Page {
    html: &'static str,
    bin: &'static str,
    folder: &'static str,
}

impl Page {
    /// The URL prefix of the page's files.
    fn base(&self) -> String {
        if self.folder.is_empty() { "/".to_owned() } else { format!("/{}/", self.folder) }
    }
}

const PAGES: [Page; 4] = [
    Page { html: "index.html", bin: "socio-frontend", folder: "" },
    // The route wizard's own first page when a shared route link is opened.
    Page { html: "route.html", bin: "socio-route", folder: "route" },
    Page { html: "cabinet.html", bin: "socio-cabinet", folder: "cabinet" },
    Page { html: "backoffice.html", bin: "socio-backoffice", folder: "backoffice" },
];

/// Builds the SPA (release, size-tuned, offline) into frontend/dist.building and replaces
/// frontend/dist with it in one step when complete, so a server running meanwhile never serves
/// half a build; it notices the new one by itself.
pub fn build_spa() -> Result<(), String> {
    ensure_spa_tools()?;
    let staged = Path::new("frontend/dist.building");
    let _ = std::fs::remove_dir_all(staged);
    cargo(&[
        "build",
        "--package",
        "socio-frontend",
        "--bins",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
        "--locked",
    ])?;
    println!("xtask: wasm-bindgen and wasm-opt on the four bundles");
    let bundles: Vec<Result<Bundle, String>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = PAGES.iter().map(|page| scope.spawn(move || bundle(page, staged))).collect();
        jobs.into_iter().map(|job| job.join().unwrap_or_else(|_| Err("a bundling thread panicked".to_owned()))).collect()
    });
    for (page, bundle) in PAGES.iter().zip(bundles) {
        write_page(page, &bundle?, staged)?;
    }
    write_service_worker(staged)?;
    precompress(staged)?;
    put_in_place(staged, Path::new("frontend/dist"))?;
    spa_size_report("frontend/dist", "the site's first page")?;
    spa_size_report("frontend/dist/route", "the route wizard's page")?;
    spa_size_report("frontend/dist/cabinet", "the partner cabinet's page")?;
    spa_size_report("frontend/dist/backoffice", "the back office's page")
}

/// A page's module and glue as served: file names with their content's hash.
struct Bundle {
    js: String,
    wasm: String,
}

/// wasm-bindgen (ES module glue, no TypeScript) and wasm-opt for one page, into its folder of
/// the build.
fn bundle(page: &Page, staged: &Path) -> Result<Bundle, String> {
    let built = target_dir().join("wasm32-unknown-unknown/wasm-release").join(format!("{}.wasm", page.bin));
    let work = target_dir().join("spa").join(page.bin);
    let _ = std::fs::remove_dir_all(&work);
    let work_str = work.to_str().ok_or("non-UTF-8 target path")?;
    let built_str = built.to_str().ok_or("non-UTF-8 target path")?;
    let out_name = format!("--out-name={}", page.bin);
    let out_dir = format!("--out-dir={work_str}");
    quiet("wasm-bindgen", &["--target=web", "--no-typescript", &out_dir, &out_name, built_str], None)?;
    let glue = work.join(format!("{}.js", page.bin));
    let module = work.join(format!("{}_bg.wasm", page.bin));
    let optimized = work.join(format!("{}_opt.wasm", page.bin));
    let module_str = module.to_str().ok_or("non-UTF-8 target path")?;
    let output = format!("--output={}", optimized.to_str().ok_or("non-UTF-8 target path")?);
    quiet("wasm-opt", &[&output, "-Oz", "--converge", "--strip-producers", module_str], npm_wasm_opt()?)?;

    let glue = std::fs::read(&glue).map_err(|e| format!("{}: {e}", glue.display()))?;
    let module = std::fs::read(&optimized).map_err(|e| format!("{}: {e}", optimized.display()))?;
    let name = format!("{}-{:016x}", page.bin, fnv1a([glue.as_slice(), module.as_slice()]));
    let folder = staged.join(page.folder);
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let bundle = Bundle { js: format!("{name}.js"), wasm: format!("{name}_bg.wasm") };
    write(&folder.join(&bundle.js), &glue)?;
    write(&folder.join(&bundle.wasm), &module)?;
    Ok(bundle)
}

/// Runs a program and shows its output only when it fails; `path` goes first on PATH.
fn quiet(program: &str, args: &[&str], path: Option<PathBuf>) -> Result<(), String> {
    let mut run = Command::new(program);
    run.args(args);
    if let Some(first) = path {
        let rest = env::split_paths(&env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
        run.env("PATH", env::join_paths(std::iter::once(first).chain(rest)).map_err(|e| format!("PATH: {e}"))?);
    }
    let output = run.output().map_err(|e| format!("cannot start {program}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`{program} {}` failed ({}):\n{}{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The page's HTML with its stylesheets copied under hashed names, preload links for the bundle
/// and the loader in place of the `data-trunk` links (the sources keep trunk's notation, which
/// reads as what it means).
fn write_page(page: &Page, bundle: &Bundle, staged: &Path) -> Result<(), String> {
    let source = Path::new("frontend").join(page.html);
    let html = std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let folder = staged.join(page.folder);
    let base = page.base();
    let mut out = String::with_capacity(html.len() + 1024);
    for line in html.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if trimmed.starts_with("<link data-trunk rel=\"css\"") {
            let href = attribute(trimmed, "href").ok_or_else(|| format!("{}: a css link without href", source.display()))?;
            let css = std::fs::read(Path::new("frontend").join(href)).map_err(|e| format!("frontend/{href}: {e}"))?;
            let stem = href.trim_end_matches(".css");
            let name = format!("{stem}-{:016x}.css", fnv1a([css.as_slice()]));
            write(&folder.join(&name), &css)?;
            out.push_str(&format!("{indent}<link rel=\"stylesheet\" href=\"{base}{name}\" />\n"));
        } else if trimmed.starts_with("<link data-trunk rel=\"rust\"") {
            let (js, wasm) = (&bundle.js, &bundle.wasm);
            out.push_str(&format!("{indent}<link rel=\"modulepreload\" href=\"{base}{js}\" crossorigin=\"anonymous\" />\n"));
            out.push_str(&format!(
                "{indent}<link rel=\"preload\" href=\"{base}{wasm}\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\" />\n"
            ));
            // The CSP allows this script by its SHA-256, computed by the server from this file.
            out.push_str(&format!(
                "{indent}<script type=\"module\">import init from '{base}{js}'; await init({{ module_or_path: '{base}{wasm}' }});</script>\n"
            ));
        } else if trimmed.contains("data-trunk") {
            return Err(format!("{}: `{trimmed}` is not something the build knows", source.display()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    write(&folder.join("index.html"), out.as_bytes())
}

/// The value of `name="…"` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// FNV-1a over the parts: a content hash for cache-busting names (not for security).
fn fnv1a<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    parts
        .into_iter()
        .flat_map(|part| part.iter().copied().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The wasm32 target, the wasm-bindgen CLI matching Cargo.lock (installed through cargo when
/// missing) and wasm-opt (see [`ensure_wasm_opt`]).
pub fn ensure_spa_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    if !has_version("wasm-bindgen", WASM_BINDGEN) {
        println!("xtask: installing wasm-bindgen-cli {WASM_BINDGEN} (about 3 minutes, once)");
        // Not --locked: its lockfile wants a crate version the registry lacks.
        cargo(&["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN])?;
    }
    ensure_wasm_opt()
}

/// Where `npm ci` in frontend/ puts wasm-opt: binaryen 116 compiled to WebAssembly, pinned by
/// frontend/package-lock.json. Its output is byte for byte the wasm-opt crate's (checked
/// 2026-12-07 on the site's bundle), and it installs in seconds where the crate compiles binaryen
/// for about 8 minutes; it runs slower (the four bundles one after another: 2 min 19 s against
/// 59 s). So a native wasm-opt 116 on PATH is used when there is one, npm's otherwise. Never
/// Debian's binaryen 108: its output is a blank page.
const WASM_OPT_BIN: &str = "frontend/node_modules/.bin";

/// Is a native wasm-opt of binaryen 116 on PATH?
fn native_wasm_opt() -> bool {
    has_version("wasm-opt", "116")
}

/// npm's wasm-opt folder, to go first on PATH, unless a native wasm-opt is there.
fn npm_wasm_opt() -> Result<Option<PathBuf>, String> {
    if native_wasm_opt() {
        return Ok(None);
    }
    std::fs::canonicalize(WASM_OPT_BIN).map(Some).map_err(|e| format!("{WASM_OPT_BIN}: {e}"))
}

/// Installs wasm-opt from npm when no native one is there.
fn ensure_wasm_opt() -> Result<(), String> {
    if native_wasm_opt() || Path::new(WASM_OPT_BIN).join("wasm-opt").exists() {
        return Ok(());
    }
    println!("xtask: installing wasm-opt (binaryen 116) from npm");
    npm_ci("frontend", "the SPA build needs npm for wasm-opt")
}

/// Are wasm-bindgen and wasm-opt installed at the versions the build pins?
pub fn spa_tools_present() -> bool {
    has_version("wasm-bindgen", WASM_BINDGEN) && (native_wasm_opt() || Path::new(WASM_OPT_BIN).join("wasm-opt").exists())
}

/// Replaces `dist` with `staged` (two renames: no moment with half a build), and stamps it.
fn put_in_place(staged: &Path, dist: &Path) -> Result<(), String> {
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
    let Ok(built) = std::fs::metadata(Path::new("frontend/dist").join(BUILT_STAMP)).and_then(|m| m.modified()) else {
        return false;
    };
    let sources = [
        "frontend/src",
        "frontend/index.html",
        "frontend/route.html",
        "frontend/cabinet.html",
        "frontend/backoffice.html",
        "frontend/style.css",
        "frontend/cabinet.css",
        "frontend/sw.js",
        "frontend/Cargo.toml",
        "frontend/package-lock.json",
        "crates/domain",
        "crates/client",
        "crates/views",
        "Cargo.lock",
        "xtask/src/spa.rs",
    ];
    sources.iter().all(|source| newest(Path::new(source)).is_none_or(|changed| changed <= built))
}

/// The newest modification time under `path` (a file or a folder), if any.
fn newest(path: &Path) -> Option<std::time::SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path).ok()?.filter_map(Result::ok).filter_map(|entry| newest(&entry.path())).max()
}

/// Writes `frontend/sw.js` into the build with the files the citizens' pages load (the site's
/// and the route wizard's bundles, kept when the worker installs) and a version made of their
/// hashed names, so that a new build's worker replaces the old caches.
pub fn write_service_worker(dist: &Path) -> Result<(), String> {
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
    // The names carry the content's hashes.
    let version = fnv1a(assets.iter().map(|a| a.as_bytes()));
    let list = format!("[{}]", assets.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "));
    let template = std::fs::read_to_string("frontend/sw.js").map_err(|e| format!("frontend/sw.js: {e}"))?;
    if !template.contains("__SOCIO_ASSETS__") || !template.contains("__SOCIO_VERSION__") {
        return Err("frontend/sw.js: the placeholders __SOCIO_ASSETS__ and __SOCIO_VERSION__ are missing".to_owned());
    }
    let worker = template.replace("__SOCIO_ASSETS__", &list).replace("__SOCIO_VERSION__", &format!("{version:016x}"));
    write(&dist.join("sw.js"), worker.as_bytes())?;
    println!("xtask: service worker written with {} files, version {version:016x}", assets.len());
    Ok(())
}

/// Writes gzip and brotli copies beside every wasm, js and css file of the build (the server sends
/// them as they are to browsers that accept them). brotli comes from Debian's `brotli` package,
/// installed when this user may; without it only the gzip copies are written.
pub fn precompress(dir: &Path) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_by_name() {
        let tag = r#"<link data-trunk rel="css" href="cabinet.css" />"#;
        assert_eq!(attribute(tag, "href"), Some("cabinet.css"));
        assert_eq!(attribute(tag, "rel"), Some("css"));
        assert_eq!(attribute(tag, "src"), None);
    }

    #[test]
    fn the_hash_changes_with_the_content_and_with_where_parts_end() {
        assert_ne!(fnv1a([b"ab".as_slice(), b"c"]), fnv1a([b"a".as_slice(), b"bc"]));
        assert_ne!(fnv1a([b"style".as_slice()]), fnv1a([b"stylf".as_slice()]));
        assert_eq!(fnv1a([b"x".as_slice()]), fnv1a([b"x".as_slice()]));
    }
}
