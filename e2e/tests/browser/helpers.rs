//! `open_browser()`: the real server (API + built SPA) on a random port over a freshly seeded
//! SQLite database, and a headless Chromium driven through chromedriver.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::SecretString;
use socio_api::{Application, Settings};
use socio_domain::{account::Email, vocabulary::UserRole};
use socio_store::{Store, seed};
use tokio::process::{Child, Command};

/// How long to wait for the page to show something before failing.
const PATIENCE: Duration = Duration::from_secs(20);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn required<T>(what: &str) -> Option<T> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is required under CI=true; `cargo xtask test` prepares it");
    }
    eprintln!("\n!!! SKIPPED: {what} is missing, browser tests did not run; `cargo xtask test` prepares it !!!\n");
    None
}

/// A browser session over a running app; both go away when it is dropped.
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// The app's database, to act as the operator does.
    pub store: Store,
    /// The app's server, to stop it as a lost connection would.
    server: actix_web::dev::ServerHandle,
    driver: Child,
    dir: PathBuf,
}

/// The JWT secret of the browser tests' app.
pub const SECRET: &str = "browser-test-secret-long-enough-for-hs256";

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(9515)
}

/// Starts everything over the served SPA; `None` (outside CI) when the SPA, chromium or
/// chromedriver is missing.
pub async fn open_browser() -> Option<Browser> {
    open_browser_on("frontend/dist").await
}

/// The same over another build of the SPA (e.g. `frontend/dist-wizard`).
pub async fn open_browser_on(build: &str) -> Option<Browser> {
    let dist = workspace().join(build);
    if !dist.join("index.html").exists() {
        return required(&format!("the built SPA ({build})"));
    }
    if !Path::new("/usr/bin/chromium").exists() || !Path::new("/usr/bin/chromedriver").exists() {
        return required("chromium and chromedriver");
    }
    let dir = std::env::temp_dir().join(format!("socio-e2e-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/socio.sqlite?mode=rwc", dir.display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    seed::seed_demo(&store).await.unwrap();
    let settings =
        Settings { static_dir: Some(dist), ..Settings::embedded(url, SecretString::from(SECRET.to_owned()), dir.join("outbox")) };
    let app = Application::with_store(settings, store.clone()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());

    let port = free_port();
    let driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let profile = dir.join("profile");
    let capabilities: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": socio_e2e::chromium_arguments(&profile)
        }
    }))
    .unwrap();
    let mut last_error = String::new();
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&format!("http://127.0.0.1:{port}")).await
        {
            Ok(client) => {
                client.set_window_size(1280, 900).await.unwrap();
                client
                    .issue_cmd(Cdp(serde_json::json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": CSP_LISTENER}})))
                    .await
                    .unwrap();
                return Some(Browser { client, base, store, server, driver, dir });
            }
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not start: {last_error}");
}

impl Browser {
    /// Opens a path of the app and waits until the app has taken over the server's page (its
    /// markup, `#ssr`, is gone), so that what a test finds is the app's and stays.
    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.started().await;
    }

    /// Waits until the app has replaced the server-drawn page (at once where there is none).
    pub async fn started(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while self.eval("document.getElementById('ssr') !== null").await == true {
            assert!(tokio::time::Instant::now() < deadline, "the app never started on {:?}", self.client.current_url().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for an element.
    pub async fn find(&self, css: &str) -> Element {
        self.client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits until the element's text satisfies `test`, returning it.
    pub async fn text_when(&self, css: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if test(&text) {
                    return text;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css}: text never matched; last seen {last:?}");
    }

    /// Waits until the URL satisfies `test`.
    pub async fn url_when(&self, test: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            last = self.client.current_url().await.unwrap().to_string();
            if test(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the URL never matched; last {last}");
    }

    /// The page's main heading, once it says something.
    pub async fn heading(&self) -> String {
        self.text_when("h1", |t| !t.trim().is_empty()).await
    }

    /// Runs axe-core on the page; fails on any serious or critical violation.
    pub async fn assert_accessible(&self, page: &str) {
        let axe = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js"))
            .expect("axe-core is installed by `cargo xtask test` (npm ci in e2e/)");
        self.client.execute(&axe, vec![]).await.unwrap();
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        let violations = self.client.execute_async(script, vec![]).await.unwrap();
        let violations: Vec<String> = serde_json::from_value(violations).unwrap();
        assert!(violations.is_empty(), "{page}: accessibility violations:\n{}", violations.join("\n"));
    }

    /// Saves a screenshot of the viewport at `width` into docs/screenshots/.
    pub async fn screenshot(&self, name: &str, width: u32) {
        self.client.set_window_size(width, if width < 600 { 844 } else { 900 }).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.unwrap();
        let dir = workspace().join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
    }

    /// Stops the app's server: from now on every request to it fails, as without a connection
    /// (Chromium's offline emulation does not reach a service worker's own requests).
    pub async fn stop_server(&self) {
        self.server.stop(false).await;
    }

    /// Waits until a service worker controls the page.
    pub async fn controlled_by_the_service_worker(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while self.eval("navigator.serviceWorker && navigator.serviceWorker.controller !== null").await != true {
            assert!(tokio::time::Instant::now() < deadline, "no service worker took the page");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A phone's screen, 390 × 844 CSS pixels, as the issue measured it.
    pub async fn phone(&self) {
        let metrics = serde_json::json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false});
        self.client.issue_cmd(Cdp(serde_json::json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": metrics}))).await.unwrap();
        assert_eq!(self.eval("window.innerWidth").await, 390);
    }

    /// Whether the first element matching `css` is shown whole in the first screen (the page
    /// scrolled to its top).
    pub async fn in_first_screen(&self, css: &str) -> bool {
        self.find(css).await;
        let script = format!(
            "window.scrollTo(0, 0); const r = document.querySelector({css:?}).getBoundingClientRect(); \
             return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;"
        );
        self.client.execute(&script, vec![]).await.unwrap() == true
    }

    /// Evaluates a JavaScript expression.
    pub async fn eval(&self, expression: &str) -> serde_json::Value {
        self.client.execute(&format!("return {expression};"), vec![]).await.unwrap()
    }

    /// Presses keys on whatever has focus.
    pub async fn press(&self, keys: &str) {
        self.client.active_element().await.unwrap().send_keys(keys).await.unwrap();
    }

    /// Switches the page to print media through Chrome DevTools, as when printing.
    pub async fn emulate_print(&self) {
        self.client.issue_cmd(Cdp(serde_json::json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}}))).await.unwrap();
    }

    /// Lets the page save files (a link with `download`) into a folder of this session's.
    pub async fn allow_downloads(&self) -> PathBuf {
        let dir = self.dir.join("downloads");
        std::fs::create_dir_all(&dir).unwrap();
        let params = serde_json::json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() });
        self.client.issue_cmd(Cdp(serde_json::json!({ "cmd": "Browser.setDownloadBehavior", "params": params }))).await.unwrap();
        dir
    }

    /// Waits until the page has saved `name` (see [`Browser::allow_downloads`]), returning it.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.dir.join("downloads").join(name);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            if let Ok(bytes) = std::fs::read(&path)
                && !bytes.is_empty()
            {
                return bytes;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{name} was never downloaded");
    }

    /// A file of this session's, to choose in a file input.
    pub fn scratch_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The one-time token of the latest letter in the app's outbox to `to`.
    pub fn letter_token(&self, to: &str) -> String {
        let letters = socio_api::mail::OutboxLetter::read_all(&self.dir.join("outbox"));
        letters.into_iter().rev().find(|l| l.to.contains(to)).and_then(|l| l.token()).unwrap_or_else(|| panic!("no letter to {to}"))
    }

    /// Types `text` into the control with this id (focus by WebDriver, then keys).
    pub async fn type_into(&self, id: &str, text: &str) {
        self.find(&format!("#{id}")).await.send_keys(text).await.unwrap();
    }

    /// Focuses a control by script and presses `key` on it: a keyboard user's Tab stop.
    pub async fn press_on(&self, css: &str, key: &str) {
        self.find(css).await;
        self.eval(&format!("document.querySelector({css:?}).focus()")).await;
        self.press(key).await;
    }

    /// Chooses `value` in the select with this id, as a person does (a change event follows).
    pub async fn choose(&self, id: &str, value: &str) {
        self.find(&format!("#{id} option[value='{value}']")).await;
        self.find(&format!("#{id}")).await.select_by_value(value).await.unwrap();
    }

    /// Signs in at `/cabinet/login` with the keyboard.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.open("/cabinet/login").await;
        self.type_into("f-email", email).await;
        self.type_into("f-password", password).await;
        self.press(keys::ENTER).await;
    }

    /// An operator's account (confirmed, with this role) and an API client signed in as it.
    pub async fn operator(&self, email: &str, password: &str, role: UserRole) -> socio_client::Client {
        let hasher = socio_api::auth::PasswordHasher::new(1).unwrap();
        let new = socio_store::NewAccount {
            email: Email::parse(email).unwrap(),
            password_hash: hasher.hash(password.to_owned()).await.unwrap(),
            display_name: role.label().to_owned(),
            role,
            organization_id: None,
            org_admin: false,
            email_confirmed: true,
        };
        let id = self.store.create_account(&new).await.unwrap();
        let token = socio_api::auth::JwtKeys::new(&SecretString::from(SECRET.to_owned())).issue(id, 3600, None).unwrap();
        socio_client::Client::new(self.base.clone()).with_token(token)
    }

    /// Ends the session; fails if the page broke its Content-Security-Policy anywhere on the way.
    pub async fn close(self) {
        let violations = self.eval("sessionStorage.getItem('csp-violations')").await;
        assert!(violations.is_null(), "the Content-Security-Policy was violated: {violations}");
        let client = self.client.clone();
        let _ = client.close().await;
    }
}

/// Run before any page script on every page: notes each Content-Security-Policy violation in
/// the tab's session storage, which outlives navigations, for [`Browser::close`] to check.
const CSP_LISTENER: &str = "document.addEventListener('securitypolicyviolation', e => { \
    const seen = JSON.parse(sessionStorage.getItem('csp-violations') || '[]'); \
    seen.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + location.pathname); \
    sessionStorage.setItem('csp-violations', JSON.stringify(seen)); });";

pub use socio_e2e::Cdp;

/// WebDriver key codes.
pub mod keys {
    pub const TAB: &str = "\u{e004}";
    pub const ENTER: &str = "\u{e007}";
    pub const SPACE: &str = " ";
    pub const ESCAPE: &str = "\u{e00c}";
}
