//! The public pages as a search engine and a link preview see them: plain HTTP, no JavaScript.
//! Every address has its own head (title, description, canonical URL, Open Graph, Twitter card,
//! schema.org) and its essential content in the body; partner-written text comes out escaped in
//! the markup, the attributes and the JSON blocks; unpublished records are neither pages nor in
//! the sitemap, which lists every published record and validates against the sitemaps.org schema.

use std::collections::{BTreeSet, HashSet};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use socio_client::CabinetPath;

use crate::{
    cabinet::{approve_all, eventually, location_form, moderator, partner, search_slugs, service_form},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(
    every_public_address_is_a_page_with_its_own_head_and_content,
    partner_text_is_escaped_in_markup_attributes_and_json,
    the_home_page_and_the_catalogue_lead_to_the_situations_by_theme,
    the_sitemap_lists_every_published_record_and_nothing_else
);

/// A fetched page: its raw text and the parsed document.
struct Page {
    html: String,
    document: scraper::Html,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = scraper::Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
        self.document.select(&selector).collect()
    }

    /// The `content` of `<meta {key}="{name}">`, the only one.
    fn meta(&self, key: &str, name: &str) -> String {
        let found = self.select(&format!("meta[{key}=\"{name}\"]"));
        assert_eq!(found.len(), 1, "one <meta {key}=\"{name}\">");
        found[0].value().attr("content").unwrap_or_default().to_owned()
    }

    fn text(&self, css: &str) -> String {
        self.select(css).iter().map(|e| e.text().collect::<String>()).collect::<Vec<_>>().join(" ")
    }

    /// The schema.org graph.
    fn graph(&self) -> Vec<Value> {
        let blocks = self.select("script[type=\"application/ld+json\"]");
        assert_eq!(blocks.len(), 1, "one JSON-LD block");
        let json: Value = serde_json::from_str(&blocks[0].text().collect::<String>()).expect("JSON-LD parses");
        assert_eq!(json["@context"], "https://schema.org");
        json["@graph"].as_array().cloned().unwrap_or_default()
    }

    fn of_type(&self, types: &[&str]) -> Value {
        self.graph().into_iter().find(|n| types.iter().any(|t| n["@type"] == *t)).unwrap_or_else(|| panic!("no {types:?} in the graph"))
    }

    /// The record the SPA starts from.
    fn data(&self) -> Value {
        let blocks = self.select("script#page-data[type=\"application/json\"]");
        assert_eq!(blocks.len(), 1, "one embedded record");
        serde_json::from_str(&blocks[0].text().collect::<String>()).expect("the embedded record parses")
    }
}

async fn page(app: &TestApp, path: &str, status: u16) -> Page {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), status, "GET {path}");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(content_type, "text/html; charset=utf-8", "GET {path}");
    let html = response.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    Page { html, document }
}

/// The head every page has; returns the title.
fn check_head(app: &TestApp, path: &str, page: &Page) -> String {
    let title = page.text("title");
    assert!(title.ends_with("Социальный кластер"), "{path}: {title}");
    let canonical = page.select("link[rel=canonical]");
    assert_eq!(canonical.len(), 1, "{path}: one canonical link");
    let canonical = canonical[0].value().attr("href").unwrap_or_default();
    assert_eq!(canonical, format!("{}{path}", app.settings.public_url), "{path}: the canonical URL is absolute");
    let description = page.meta("name", "description");
    assert!(description.chars().count() >= 20, "{path}: description «{description}»");
    assert_eq!(page.meta("property", "og:url"), canonical);
    assert_eq!(page.meta("property", "og:title"), title);
    assert_eq!(page.meta("property", "og:description"), description);
    assert_eq!(page.meta("property", "og:locale"), "ru_RU");
    assert!(["website", "article"].contains(&page.meta("property", "og:type").as_str()));
    assert_eq!(page.meta("property", "og:image"), format!("{}/og-card.png", app.settings.public_url));
    assert_eq!(page.meta("name", "twitter:card"), "summary_large_image");
    assert_eq!(page.meta("name", "twitter:title"), title);
    let crumbs = page.of_type(&["BreadcrumbList"]);
    let items = crumbs["itemListElement"].as_array().unwrap();
    assert_eq!(items[0]["item"], format!("{}/", app.settings.public_url), "{path}: the trail starts at home");
    assert_eq!(items.last().unwrap()["item"], canonical, "{path}: and ends here");
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["position"], i + 1);
        assert!(item["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    assert_eq!(page.select("h1").len(), 1, "{path}: one heading");
    assert!(page.select("meta[name=robots]").is_empty(), "{path}: indexable");
    title
}

async fn every_public_address_is_a_page_with_its_own_head_and_content(app: TestApp) {
    let service_slug =
        app.get_json("/api/v1/services?municipality=serov&per_page=1", 200).await["items"][0]["slug"].as_str().unwrap().to_owned();
    let service = app.get_json(&format!("/api/v1/services/{service_slug}"), 200).await;
    let provider_slug = service["organization"]["slug"].as_str().unwrap().to_owned();
    let provider = app.get_json(&format!("/api/v1/organizations/{provider_slug}"), 200).await;
    let situations = app.get_json("/api/v1/situations?per_page=100", 200).await;
    let situation_slug = situations["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap().to_owned())
        .find(|s| s == "disability-status")
        .expect("the demo situation");
    let situation = app.get_json(&format!("/api/v1/situations/{situation_slug}"), 200).await;

    let addresses = [
        "/".to_owned(),
        "/services".to_owned(),
        "/services?municipality=serov&cost=free".to_owned(),
        format!("/services/{service_slug}"),
        "/organizations".to_owned(),
        format!("/organizations/{provider_slug}"),
        "/situations".to_owned(),
        format!("/situations/{situation_slug}"),
        format!("/situations/{situation_slug}/route"),
        "/centres".to_owned(),
    ];
    let mut titles = HashSet::new();
    for path in &addresses {
        let page = page(&app, path, 200).await;
        let title = check_head(&app, path, &page);
        assert!(titles.insert(title.clone()), "{path}: the title «{title}» is another page's too");
    }

    // A service: what a person needs to act, and its schema.org description.
    let path = format!("/services/{service_slug}");
    let shown = page(&app, &path, 200).await;
    let main = shown.text("main");
    assert_eq!(shown.text("h1"), service["name"].as_str().unwrap());
    for key in ["summary", "eligibility", "how_to_apply"] {
        let text = service[key].as_str().unwrap();
        assert!(main.contains(text.split_whitespace().next().unwrap()), "{key} is on the page");
    }
    for document in service["documents"].as_array().unwrap() {
        assert!(main.contains(document.as_str().unwrap()), "documents are on the page");
    }
    let location = &service["locations"][0];
    assert!(main.contains(location["address"].as_str().unwrap()), "the address is on the page");
    let phones: Vec<String> = shown.select("a[href^=\"tel:\"]").iter().map(|a| a.value().attr("href").unwrap().to_owned()).collect();
    assert!(!phones.is_empty(), "a phone to call");
    let node = shown.of_type(&["Service", "GovernmentService"]);
    assert_eq!(node["name"], service["name"]);
    assert_eq!(node["url"], format!("{}{path}", app.settings.public_url));
    assert_eq!(node["provider"]["name"], provider["name"]);
    assert!(["GovernmentOrganization", "NGO", "Organization"].contains(&node["provider"]["@type"].as_str().unwrap()));
    let kind = provider["kind"].as_str().unwrap();
    let expected = if ["state", "municipal"].contains(&kind) { "GovernmentService" } else { "Service" };
    assert_eq!(node["@type"], expected, "provider of kind {kind}");
    assert!(node["areaServed"].as_array().is_some_and(|a| !a.is_empty()), "{node}");
    let channel = &node["availableChannel"];
    assert_eq!(channel["@type"], "ServiceChannel");
    assert!(channel["servicePhone"]["telephone"].as_str().is_some_and(|t| t.starts_with('+')), "{channel}");
    let places = channel["serviceLocation"].as_array().unwrap();
    assert_eq!(places[0]["address"]["streetAddress"], location["address"]);
    assert!(node["hoursAvailable"].as_array().is_some_and(|h| !h.is_empty()), "{node}");
    assert_eq!(shown.data(), service, "the SPA starts from the same record the API answers");

    // Its provider.
    let shown = page(&app, &format!("/organizations/{provider_slug}"), 200).await;
    let node = shown.of_type(&["GovernmentOrganization", "NGO", "Organization"]);
    assert_eq!(node["name"], provider["name"]);
    assert!(node["telephone"].as_str().is_some_and(|t| !t.is_empty()), "{node}");
    assert!(node["address"].as_array().is_some_and(|a| !a.is_empty()) || node["address"].is_object(), "{node}");
    assert!(shown.text("main").contains(service["name"].as_str().unwrap()), "the organization lists its services");

    // A situation's steps, and its route: the questions and every step.
    let steps: Vec<&str> = situation["steps"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
    for path in [format!("/situations/{situation_slug}"), format!("/situations/{situation_slug}/route")] {
        let shown = page(&app, &path, 200).await;
        let main = shown.text("main");
        for step in &steps {
            assert!(main.contains(step), "{path}: step «{step}»");
        }
        let how_to = shown.of_type(&["HowTo"]);
        assert_eq!(how_to["step"].as_array().unwrap().len(), steps.len());
    }
    let route = page(&app, &format!("/situations/{situation_slug}/route"), 200).await;
    for question in situation["questions"].as_array().unwrap() {
        assert!(route.text("main").contains(question["text"].as_str().unwrap()), "the route asks {question}");
    }

    // A catalogue page: its results with links to them and to the next page.
    let listed = app.get_json("/api/v1/services?municipality=ekaterinburg&per_page=20", 200).await;
    assert!(listed["pages"].as_u64().unwrap() > 1, "the demo city has more than a page of services");
    let shown = page(&app, "/services?municipality=ekaterinburg", 200).await;
    let links: BTreeSet<String> = shown.select("main a").iter().filter_map(|a| a.value().attr("href")).map(str::to_owned).collect();
    for item in listed["items"].as_array().unwrap() {
        assert!(links.contains(&format!("/services/{}", item["slug"].as_str().unwrap())), "{item}");
    }
    let next = shown.select("a[rel=next]");
    assert_eq!(next.len(), 1, "a link to the next page");
    let href = next[0].value().attr("href").unwrap();
    assert!(href.contains("page=2") && href.contains("municipality=ekaterinburg"), "{href}");
    let second = page(&app, href, 200).await;
    assert!(second.text("#result-count").contains(&listed["total"].to_string()));
    assert!(second.text("h1").ends_with("страница 2"), "the second page has a title of its own");
    let on_second = app.get_json("/api/v1/services?municipality=ekaterinburg&per_page=20&page=2", 200).await;
    let first_there = format!("/services/{}", on_second["items"][0]["slug"].as_str().unwrap());
    assert_eq!(second.select(&format!("main a[href=\"{first_there}\"]")).len(), 1, "the second page lists the second twenty");

    // Every look at a service page is a view for its partner's statistics, from the cache too.
    let views = async || {
        let db = app.db();
        let sql = format!("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM service_views WHERE service_id = {}", service["id"]);
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    };
    // The views so far are written once the counter has been idle past a few flushes.
    let mut before = views().await;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let now = views().await;
        if now == before && now > 0 {
            break;
        }
        before = now;
    }
    page(&app, &path_of(&service_slug), 200).await;
    page(&app, &path_of(&service_slug), 200).await;
    eventually("two more views", async || (views().await == before + 2).then_some(())).await;

    // Cheap to ask again: an ETag, and 304 while the data has not changed.
    let response = app.get(&path_of(&service_slug)).await;
    let tag = response.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-cache");
    let again = app.http.get(format!("{}{}", app.address, path_of(&service_slug))).header("if-none-match", &tag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    // Not a page: a 404 that says what to do next, kept out of the index.
    let missing = page(&app, "/services/no-such-service", 404).await;
    assert_eq!(missing.meta("name", "robots"), "noindex");
    assert!(missing.select("main a[href=\"/services\"]").len() == 1, "a way on from a missing page");
    let wrong = page(&app, "/services?cost=cheap", 400).await;
    assert_eq!(wrong.select("h1").len(), 1);
    page(&app, "/services?utm_source=telegram&municipality=serov", 200).await;
}

/// The slugs of the situations a page links to.
fn situation_links(page: &Page, css: &str) -> Vec<String> {
    page.select(css).iter().filter_map(|a| a.value().attr("href")?.strip_prefix("/situations/").map(str::to_owned)).collect()
}

async fn the_home_page_and_the_catalogue_lead_to_the_situations_by_theme(app: TestApp) {
    let all = app.get_json("/api/v1/situations?per_page=100", 200).await;
    let total = all["total"].as_u64().unwrap();
    let home = page(&app, "/", 200).await;
    assert!(home.text("main").contains(&format!("Все жизненные ситуации: {total}")), "the way to all {total}");
    let tiles = situation_links(&home, "main a.tile[href^='/situations/']");
    assert!(!tiles.is_empty() && tiles.len() < total as usize, "the first of the situations as tiles: {}", tiles.len());
    let themes: Vec<(String, String)> =
        home.select("nav.themes a").iter().map(|a| (a.value().attr("href").unwrap().to_owned(), a.text().collect::<String>())).collect();
    assert!(themes.len() >= 5, "themes: {themes:?}");
    for (href, text) in &themes {
        let group = href.strip_prefix("/situations?target_group=").unwrap_or_else(|| panic!("a theme leads to its situations: {href}"));
        let expected = app.get_json(&format!("/api/v1/situations?per_page=100&target_group={group}"), 200).await;
        let count = expected["total"].as_u64().unwrap();
        assert!(text.ends_with(&format!(" {count}")), "«{text}» counts the {count} situations of {group}");
        let themed = page(&app, href, 200).await;
        let name = text.trim_end_matches(char::is_numeric).trim();
        assert_eq!(themed.text("h1"), format!("Жизненные ситуации: {name}"));
        let listed = situation_links(&themed, "main a.tile");
        let wanted: Vec<String> = expected["items"].as_array().unwrap().iter().map(|s| s["slug"].as_str().unwrap().to_owned()).collect();
        assert_eq!(listed, wanted, "{href}");
        check_head(&app, href, &themed);
    }

    // A theme of the catalogue, browsed without words, offers its algorithms above the services,
    // in the server's page and in the search the app asks.
    let themed = app.get_json("/api/v1/situations?per_page=3&category=benefits", 200).await;
    let wanted: Vec<String> = themed["items"].as_array().unwrap().iter().map(|s| s["slug"].as_str().unwrap().to_owned()).collect();
    assert!(!wanted.is_empty(), "the demo has situations about benefits");
    let catalogue = page(&app, "/services?category=benefits&per_page=5", 200).await;
    assert_eq!(catalogue.text("#found-situations"), "Пошаговые алгоритмы по этой теме");
    assert_eq!(situation_links(&catalogue, "section a[href^='/situations/']"), wanted);
    let search = app.get_json("/api/v1/search?category=benefits", 200).await;
    let offered: Vec<String> =
        search["situations"].as_array().unwrap().iter().map(|s| s["situation"]["slug"].as_str().unwrap().to_owned()).collect();
    assert_eq!(offered, wanted, "the app's search offers the same");
    let next = catalogue.select("a[rel=next]").first().and_then(|a| a.value().attr("href")).map(str::to_owned).expect("a second page");
    assert!(page(&app, &next, 200).await.select("#found-situations").is_empty(), "only above the first page");
}

fn path_of(slug: &str) -> String {
    format!("/services/{slug}")
}

/// The name a partner could give, with everything that must not reach the page as markup.
const HOSTILE: &str = "Фонд «Помощь» <script>alert(1)</script> \"кавычки\" 'апостроф' </script><!-- &amp;";

async fn partner_text_is_escaped_in_markup_attributes_and_json(app: TestApp) {
    let partner = partner(&app, "escape@fond.example.org", HOSTILE).await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 1 <b>")).await.unwrap();
    let service = partner.client.create_service(&service_form(HOSTILE, vec![location.id])).await.unwrap();
    partner.client.submit(CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(CabinetPath::Services, service.id).await.unwrap();
    partner.client.submit_cabinet_organization().await.unwrap();
    approve_all(&moderator(&app, "moderator@socio.example.org").await).await;
    let slug = service.slug.clone();
    eventually("publication", async || app.client.service(&slug).await.ok()).await;
    eventually("the catalogue", async || search_slugs(&app.client, "апостроф").await.contains(&slug).then_some(())).await;
    let organization = app.get_json(&format!("/api/v1/services/{slug}"), 200).await["organization"]["slug"].as_str().unwrap().to_owned();

    for path in [format!("/services/{slug}"), format!("/organizations/{organization}"), "/services?q=апостроф".to_owned()] {
        let shown = page(&app, &path, 200).await;
        assert!(!shown.html.contains("<script>alert"), "{path}: the name is not markup");
        assert!(!shown.html.contains("<!-- &amp;"), "{path}");
        assert!(!shown.html.contains("<b>"), "{path}");
        assert!(shown.text("main").contains(HOSTILE), "{path}: the name reads as written");
        assert_eq!(shown.select("script").iter().filter(|s| s.value().attr("type").is_none()).count(), 0, "{path}: no script of ours");
        for block in shown.select("script") {
            let raw = block.inner_html();
            assert!(!raw.contains('<'), "{path}: a JSON block carries no «<»");
            serde_json::from_str::<Value>(&raw).unwrap_or_else(|e| panic!("{path}: a JSON block parses: {e}"));
        }
        if !path.contains('?') {
            assert!(shown.meta("property", "og:title").contains(HOSTILE), "{path}: the attribute keeps the name");
            let names: Vec<Value> = shown.graph().iter().map(|n| n["name"].clone()).collect();
            assert!(names.contains(&Value::from(HOSTILE)), "{path}: JSON-LD keeps the name: {names:?}");
        }
    }
    assert_eq!(page(&app, &format!("/services/{slug}"), 200).await.data()["name"], HOSTILE);
}

/// The addresses of the sitemap (following an index to its parts).
async fn sitemap_addresses(app: &TestApp) -> Vec<String> {
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-type").unwrap().to_str().unwrap().starts_with("application/xml"));
    let xml = response.text().await.unwrap();
    validate_sitemap(&xml);
    let locs = |xml: &str| -> Vec<String> {
        xml.split("<loc>").skip(1).map(|rest| rest.split("</loc>").next().unwrap().replace("&amp;", "&")).collect()
    };
    if !xml.contains("<sitemapindex") {
        return locs(&xml);
    }
    let mut all = Vec::new();
    for part in locs(&xml) {
        let path = part.strip_prefix(&app.settings.public_url).unwrap().to_owned();
        all.extend(locs(&app.get(&path).await.text().await.unwrap()));
    }
    all
}

/// `xmllint --schema` against the sitemaps.org schema (from the npm package `sitemap`).
fn validate_sitemap(xml: &str) {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sitemap.xsd");
    let file = std::env::temp_dir().join(format!("sitemap-{}-{:?}.xml", std::process::id(), std::thread::current().id()));
    std::fs::write(&file, xml).unwrap();
    let outcome = std::process::Command::new("xmllint").args(["--noout", "--schema", schema]).arg(&file).output();
    let _ = std::fs::remove_file(&file);
    match outcome {
        Ok(output) => assert!(output.status.success(), "the sitemap breaks the schema: {}", String::from_utf8_lossy(&output.stderr)),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("xmllint is required under CI=true: {e}"),
        Err(e) => eprintln!("\n!!! SKIPPED: the sitemap's schema check needs xmllint (apt-get install libxml2-utils): {e} !!!\n"),
    }
}

async fn slugs(app: &TestApp, sql: &str) -> BTreeSet<String> {
    let db = app.db();
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

async fn the_sitemap_lists_every_published_record_and_nothing_else(app: TestApp) {
    // A draft of a partner's service: never in the sitemap, never a page.
    let partner = partner(&app, "draft@fond.example.org", "Фонд «Черновик»").await;
    let location = partner.client.create_location(&location_form("ул. Мира, 3")).await.unwrap();
    let draft = partner.client.create_service(&service_form("Черновик услуги", vec![location.id])).await.unwrap();
    let draft_slug = slugs(&app, &format!("SELECT slug FROM services WHERE id = {}", draft.id)).await.pop_first().unwrap();
    let organization_slug =
        slugs(&app, &format!("SELECT slug FROM organizations WHERE id = {}", partner.organization_id)).await.pop_first().unwrap();
    page(&app, &format!("/services/{draft_slug}"), 404).await;
    page(&app, &format!("/organizations/{organization_slug}"), 404).await;

    let base = &app.settings.public_url;
    let listed: Vec<String> = sitemap_addresses(&app).await;
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "no address twice");
    let of = |prefix: &str| -> BTreeSet<String> {
        unique.iter().filter_map(|u| u.strip_prefix(&format!("{base}{prefix}"))).filter(|s| !s.contains('/')).map(str::to_owned).collect()
    };
    let services = slugs(
        &app,
        "SELECT s.slug FROM services s JOIN organizations o ON o.id = s.organization_id \
         WHERE s.status = 'published' AND o.status = 'published'",
    )
    .await;
    assert!(services.len() > 10);
    assert_eq!(of("/services/"), services, "every published service, nothing else");
    assert_eq!(of("/organizations/"), slugs(&app, "SELECT slug FROM organizations WHERE status = 'published'").await);
    assert_eq!(of("/situations/"), slugs(&app, "SELECT slug FROM situations WHERE status = 'published'").await);
    assert!(!of("/services/").contains(&draft_slug) && !of("/organizations/").contains(&organization_slug));
    for fixed in ["/", "/services", "/situations", "/centres"] {
        assert!(unique.contains(&format!("{base}{fixed}")), "{fixed}");
    }

    // lastmod is the day the record was last checked: a service's confirmation, a situation's review.
    let xml = app.get("/sitemap.xml").await.text().await.unwrap();
    let situation = app.get_json("/api/v1/situations/disability-status", 200).await;
    let checked = situation["checked_on"].as_str().expect("a demo situation has been checked");
    assert!(xml.contains(&format!("<loc>{base}/situations/disability-status</loc><lastmod>{checked}</lastmod>")));
    let service = app.get_json("/api/v1/services?per_page=1", 200).await;
    let (slug, verified) = (service["items"][0]["slug"].as_str().unwrap(), service["items"][0]["last_verified"].as_str().unwrap());
    assert!(xml.contains(&format!("<loc>{base}/services/{slug}</loc><lastmod>{verified}</lastmod>")));

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    for line in ["Disallow: /cabinet", "Disallow: /api/", &format!("Sitemap: {base}/sitemap.xml")] {
        assert!(robots.lines().any(|l| l == line), "robots.txt: {line}");
    }
}

/// The SPA's built files: hashed names cached for a year, the build's compressed copies sent as
/// they are to browsers that accept them, the rest asked again each time.
#[tokio::test]
async fn built_files_are_sent_precompressed_and_hashed_names_cached_for_good() {
    let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await else { return };
    let dir = std::env::temp_dir().join(format!("socio-assets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = "socio-frontend-0123456789abcdef_bg.wasm";
    std::fs::write(dir.join(wasm), b"\0asm plain").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), b"brotli copy").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), b"gzip copy").unwrap();
    let shell = "<!doctype html><html lang=\"ru\"><head><title>x</title></head><body></body></html>";
    std::fs::write(dir.join("index.html"), shell).unwrap();
    std::fs::create_dir_all(dir.join("cabinet")).unwrap();
    std::fs::write(dir.join("cabinet/index.html"), shell).unwrap();
    let address = app.spawn_replica_with(|s| s.static_dir = Some(dir.clone())).await;
    let http = reqwest::Client::new(); // without its compression features: bodies as sent
    let get = |path: String, encoding: &'static str| {
        let (http, address) = (http.clone(), address.clone());
        async move { http.get(format!("{address}{path}")).header("accept-encoding", encoding).send().await.unwrap() }
    };

    let brotli = get(format!("/{wasm}"), "gzip, deflate, br").await;
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["content-type"], "application/wasm");
    assert_eq!(brotli.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(brotli.headers()["vary"], "accept-encoding");
    assert_eq!(brotli.bytes().await.unwrap().as_ref(), b"brotli copy");
    let gzip = get(format!("/{wasm}"), "gzip").await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.bytes().await.unwrap().as_ref(), b"gzip copy");
    let plain = get(format!("/{wasm}"), "identity").await;
    assert!(plain.headers().get("content-encoding").is_none_or(|e| e == "identity"));
    assert_eq!(plain.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm plain");

    let shell = get("/cabinet".to_owned(), "gzip").await;
    assert_eq!(shell.headers()["cache-control"], "no-cache", "a page is asked again each time");
    assert!(shell.headers().contains_key("etag"));
    let page = get("/centres".to_owned(), "gzip").await;
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cargo xtask run` serves before the SPA is built: the pages are drawn into the bare document
/// until the build appears, then into the build's, with its loader allowed by the CSP, and its
/// files served, without a restart.
#[tokio::test]
async fn a_build_that_appears_while_the_server_runs_is_served_with_its_loader_allowed() {
    let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await else { return };
    let dir = std::env::temp_dir().join(format!("socio-late-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let address = app.spawn_replica_with(|s| s.static_dir = Some(dir.clone())).await;
    let get = |path: &'static str| {
        let request = app.http.get(format!("{address}{path}"));
        async move { request.send().await.unwrap() }
    };
    let before = get("/services/prokat-tsr-serov").await;
    assert_eq!(before.status(), 200, "the server-drawn page answers before any build");
    assert!(!before.headers()["content-security-policy"].to_str().unwrap().contains("sha256-"));
    assert!(before.text().await.unwrap().contains("<h1"), "the page's content is there");
    assert_eq!(get("/app-0123456789abcdef.js").await.status(), 404);

    let loader = "import init from '/app-0123456789abcdef.js';await init();";
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app-0123456789abcdef.js"), "export default async function init() {}").unwrap();
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html lang=\"ru\"><head><title>x</title><script type=\"module\">{loader}</script></head><body></body></html>"
        ),
    )
    .unwrap();
    let hash = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader.as_bytes()))
    };
    crate::cabinet::eventually("the new build followed", async || {
        let page = get("/services/prokat-tsr-serov").await;
        let allowed = page.headers()["content-security-policy"].to_str().unwrap().contains(&format!("'sha256-{hash}'"));
        (allowed && page.text().await.unwrap().contains(loader)).then_some(())
    })
    .await;
    assert_eq!(get("/app-0123456789abcdef.js").await.status(), 200, "the build's files are served");
    let _ = std::fs::remove_dir_all(&dir);
}
