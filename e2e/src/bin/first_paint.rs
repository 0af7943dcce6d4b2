//! The first contentful paint of pages as a person on a poor connection and an old phone sees
//! it: headless Chromium on an emulated slow 3G (2 000 ms latency, 50 000 B/s each way) with the
//! CPU slowed 4×, a fresh profile (nothing cached) for every sample, the median of five.
//!
//! `cargo xtask bench-pages` runs it as `first_paint 'label=url' 'label=url' …` against servers it
//! has started, and prints one table row per address.

use std::{path::PathBuf, process::Stdio, time::Duration};

use anyhow::{Context, bail};
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use socio_e2e::{Cdp, chromium_arguments};
use tokio::process::Command;

const SAMPLES: usize = 5;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let pages: Vec<(String, String)> = std::env::args()
        .skip(1)
        .map(|a| a.split_once('=').map(|(l, u)| (l.to_owned(), u.to_owned())).context("label=url"))
        .collect::<Result<_, _>>()?;
    if pages.is_empty() {
        bail!("usage: first_paint 'label=url' …");
    }
    println!("| page | first contentful paint, median of {SAMPLES} | samples |");
    println!("| --- | ---: | --- |");
    let mut medians = Vec::new();
    for (label, url) in &pages {
        let mut samples = Vec::new();
        for n in 0..SAMPLES {
            samples.push(sample(url, n).await.with_context(|| format!("{label}: {url}"))?);
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[SAMPLES / 2];
        medians.push(median);
        let all: Vec<String> = samples.iter().map(|s| format!("{:.1}", s / 1000.0)).collect();
        println!("| {label} | {:.2} s | {} |", median / 1000.0, all.join(", "));
    }
    if medians.len() == 2 {
        println!("\nthe first page paints {:.1}× sooner than the second", medians[1] / medians[0]);
    }
    Ok(())
}

/// One page load in a fresh browser; the first contentful paint in milliseconds.
async fn sample(url: &str, n: usize) -> anyhow::Result<f64> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("chromedriver (apt-get install chromium chromium-driver)")?;
    let profile: PathBuf = std::env::temp_dir().join(format!("socio-first-paint-{}-{n}-{port}", std::process::id()));
    let capabilities: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": chromium_arguments(&profile) }
    }))?;
    let mut client = None;
    for _ in 0..50 {
        if let Ok(c) =
            ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&format!("http://127.0.0.1:{port}")).await
        {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let client = client.context("chromedriver did not start")?;
    let conditions = serde_json::json!({ "offline": false, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000 });
    client.issue_cmd(Cdp(serde_json::json!({ "cmd": "Network.enable", "params": {} }))).await?;
    client.issue_cmd(Cdp(serde_json::json!({ "cmd": "Network.emulateNetworkConditions", "params": conditions }))).await?;
    client.issue_cmd(Cdp(serde_json::json!({ "cmd": "Emulation.setCPUThrottlingRate", "params": { "rate": 4 } }))).await?;
    client.goto(url).await?;
    let mut paint = serde_json::Value::Null;
    for _ in 0..600 {
        paint = client
            .execute("const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;", vec![])
            .await?;
        if !paint.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = client.close().await;
    let _ = driver.kill().await;
    let _ = std::fs::remove_dir_all(&profile);
    paint.as_f64().context("the page never painted")
}
