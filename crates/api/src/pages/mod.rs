//! Every public address as real HTML: a search engine, a link preview in Telegram or VK, a phone
//! before the wasm has arrived and a browser with JavaScript off all read the page's own title,
//! description, Open Graph card, schema.org description and content. The content is the SPA's
//! own view components (`socio-views`) rendered by Leptos on the server, without hydration; the
//! page carries the record it was drawn from as JSON, which the SPA starts from (no second
//! request) as it mounts in place of the server's markup.
//!
//! A page is rendered once per state of the data (the change log's last position) and answered
//! with an ETag; `no-cache` makes browsers ask again, cheaply.

mod cache;
mod document;
mod schema_org;
mod sitemap;

use std::{path::Path, sync::Arc};

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        StatusCode,
        header::{self, CacheControl, CacheDirective, ETag, EntityTag, IfNoneMatch},
    },
    web,
};
use leptos::{prelude::*, tachys::view::RenderHtml};
use serde::Serialize;
use serde_json::Value;
use socio_domain::{
    IdOrSlug, Slug,
    api::{OrganizationFilter, OrganizationQuery, PageRequest, ServiceFilter, ServiceQuery, SituationFilter, SituationQuery},
    wording,
};
use socio_store::Store;
use socio_views as views;

pub use cache::PageCache;
pub use document::{Template, escape_attribute, escape_text, json_in_script};

use crate::{ApiError, catalogue::Catalogue, views::ViewCounter};

/// The site's card for link previews, shipped in the binary.
const CARD: &[u8] = include_bytes!("../../assets/og-card.png");

/// What every page needs: where the site lives, the built documents, rendered pages.
pub struct Site {
    public_url: String,
    static_dir: Option<std::path::PathBuf>,
    documents: std::sync::RwLock<Arc<Documents>>,
    cache: PageCache,
}

/// The build's documents the pages are drawn into: the site's and the route wizard's.
struct Documents {
    site: Template,
    route: Template,
}

impl Documents {
    fn load(static_dir: Option<&Path>) -> Self {
        Self { site: Template::load(static_dir, "index.html"), route: Template::load(static_dir, "route/index.html") }
    }
}

impl Site {
    /// Pages for the site at `public_url`, inside the SPA built in `static_dir` (if any), kept
    /// until the data changes when `cache`.
    pub fn new(public_url: &str, static_dir: Option<&Path>, cache: bool) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            static_dir: static_dir.map(Path::to_path_buf),
            documents: std::sync::RwLock::new(Arc::new(Documents::load(static_dir))),
            cache: PageCache::new(cache),
        }
    }

    /// Reads the build's documents again and forgets the pages drawn into the old ones.
    pub fn reload(&self) {
        let documents = Arc::new(Documents::load(self.static_dir.as_deref()));
        *self.documents.write().unwrap_or_else(|e| e.into_inner()) = documents;
        self.cache.clear();
    }

    fn documents(&self) -> Arc<Documents> {
        self.documents.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}

/// The public addresses; registered before the SPA's files, so they win over its fallback.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/services", web::get().to(services))
        .route("/services/{slug}", web::get().to(service))
        .route("/organizations", web::get().to(organizations))
        .route("/organizations/{slug}", web::get().to(organization))
        .route("/situations", web::get().to(situations))
        .route("/situations/{slug}", web::get().to(situation))
        .route("/situations/{slug}/route", web::get().to(situation_route))
        .route("/centres", web::get().to(centres))
        .route("/sitemap.xml", web::get().to(sitemap::sitemap))
        .route("/sitemap-{part}.xml", web::get().to(sitemap::sitemap_part))
        .route("/robots.txt", web::get().to(sitemap::robots))
        .route("/og-card.png", web::get().to(card));
}

/// A page about to be drawn: its head, its place in the site, its content.
struct Page {
    /// The `<h1>` and the first part of the `<title>`.
    heading: String,
    /// The `<title>`, when it says more than the heading.
    title: Option<String>,
    /// The meta and Open Graph description: one or two plain sentences.
    description: String,
    /// The path (and query, for a list) this page is the canonical copy of.
    path: String,
    /// `website`, or `article` for a record.
    og_type: &'static str,
    /// The trail above the home page: (name, path).
    trail: Vec<(String, String)>,
    /// schema.org descriptions besides the breadcrumbs.
    schema: Vec<Value>,
    /// The rendered content below the heading.
    content: String,
    /// The record as the SPA starts from it.
    data: Option<Value>,
    /// The route wizard's document instead of the site's.
    route: bool,
    /// The service whose page this is: every answer counts a view, from the cache too.
    viewed: Option<i64>,
    status: StatusCode,
}

impl Page {
    fn new(heading: impl Into<String>, description: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            heading: heading.into(),
            title: None,
            description: description.into(),
            path: path.into(),
            og_type: "website",
            trail: Vec::new(),
            schema: Vec::new(),
            content: String::new(),
            data: None,
            route: false,
            viewed: None,
            status: StatusCode::OK,
        }
    }

    fn with_data(mut self, data: &impl Serialize) -> Self {
        self.data = serde_json::to_value(data).ok();
        self
    }
}

/// A view rendered to HTML, in a reactive owner of its own (the components' callbacks live there).
fn render<V: RenderHtml>(view: impl FnOnce() -> V) -> String {
    Owner::new().with(|| view().to_html())
}

/// Up to `limit` characters of `text`, cut at a word, for a description.
fn shortened(text: &str, limit: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).trim_end_matches([',', ';', ':', '.', ' ']);
    format!("{cut}…")
}

/// The header's links, the current section marked. On a phone they fold behind «Меню», here a
/// link to them (no script needed: the list shows when it is the page's target); the app's
/// header, once it starts, has a button instead.
fn header(path: &str) -> String {
    let mut links = String::new();
    for (href, name) in views::SECTIONS {
        let here = if href == "/" {
            path == "/"
        } else {
            path == href || path.starts_with(&format!("{href}/")) || path.starts_with(&format!("{href}?"))
        };
        let current = if here { " aria-current=\"page\"" } else { "" };
        links.push_str(&format!("<li><a href=\"{href}\"{current}>{name}</a></li>"));
    }
    format!(
        "<a class=\"skip-link\" href=\"#main\">Перейти к содержанию</a>\
         <header class=\"site\"><div class=\"wrap\"><div class=\"site-top\"><a class=\"logo\" href=\"/\">Социальный кластер</a>\
         <a class=\"button secondary menu-toggle\" href=\"#site-menu\">Меню</a></div>\
         <nav id=\"site-menu\" class=\"main\" aria-label=\"Разделы сайта\"><ul>{links}</ul></nav></div></header>"
    )
}

/// The whole document of `page`.
fn document(site: &Site, page: &Page, demo: bool) -> String {
    let title = views::title(page.title.as_deref().unwrap_or(&page.heading));
    let description = shortened(&page.description, 200);
    let canonical = site.url(&page.path);
    let mut trail = vec![("Главная".to_owned(), site.url("/"))];
    trail.extend(page.trail.iter().map(|(name, path)| (name.clone(), site.url(path))));
    if page.path != "/" {
        trail.push((page.heading.clone(), canonical.clone()));
    }
    let mut schema = page.schema.clone();
    schema.push(schema_org::breadcrumbs(&trail));
    let (title_a, description_a, canonical_a) = (escape_attribute(&title), escape_attribute(&description), escape_attribute(&canonical));
    let card = escape_attribute(&site.url("/og-card.png"));
    let mut head = format!(
        "<title>{}</title>\n<meta name=\"description\" content=\"{description_a}\">\n<link rel=\"canonical\" href=\"{canonical_a}\">\n\
         <meta property=\"og:site_name\" content=\"Социальный кластер\">\n<meta property=\"og:locale\" content=\"ru_RU\">\n\
         <meta property=\"og:type\" content=\"{}\">\n<meta property=\"og:title\" content=\"{title_a}\">\n\
         <meta property=\"og:description\" content=\"{description_a}\">\n<meta property=\"og:url\" content=\"{canonical_a}\">\n\
         <meta property=\"og:image\" content=\"{card}\">\n<meta property=\"og:image:width\" content=\"1200\">\n\
         <meta property=\"og:image:height\" content=\"630\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n\
         <meta name=\"twitter:title\" content=\"{title_a}\">\n<meta name=\"twitter:description\" content=\"{description_a}\">\n\
         <meta name=\"twitter:image\" content=\"{card}\">\n<script type=\"application/ld+json\">{}</script>\n",
        escape_text(&title),
        page.og_type,
        json_in_script(&schema_org::graph(schema)),
    );
    if page.status != StatusCode::OK {
        head.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    }
    let mut body = String::with_capacity(page.content.len() + 4096);
    body.push_str("<div id=\"ssr\">");
    body.push_str(&header(&page.path));
    if demo {
        body.push_str(&render(|| view! { <views::DemoBanner /> }));
    }
    body.push_str("<main id=\"main\" class=\"wrap\" tabindex=\"-1\"><h1 id=\"page-title\" tabindex=\"-1\">");
    body.push_str(&escape_text(&page.heading));
    body.push_str("</h1>");
    body.push_str(&page.content);
    body.push_str("</main>");
    body.push_str(&render(|| view! { <views::SiteFooter /> }));
    body.push_str("</div>\n");
    if let Some(data) = &page.data {
        body.push_str(&format!(
            "<script type=\"application/json\" id=\"page-data\" data-path=\"{}\">{}</script>\n",
            escape_attribute(&page.path),
            json_in_script(data)
        ));
    }
    let documents = site.documents();
    let template = if page.route { &documents.route } else { &documents.site };
    template.render(&head, &body)
}

/// Answers with a cached copy of the page for this address and state of the data, or draws it.
async fn answer<F>(req: &HttpRequest, site: &Site, store: &Store, draw: F) -> HttpResponse
where
    F: AsyncFnOnce() -> Result<Page, ApiError>,
{
    let key = match req.query_string() {
        "" => req.path().to_owned(),
        query => format!("{}?{query}", req.path()),
    };
    let version = match store.last_change().await {
        Ok(version) => version,
        Err(error) => return failure(site, &ApiError::from(error)),
    };
    let (status, body, tag, viewed) = match site.cache.get(&key, version) {
        Some(hit) => hit,
        None => {
            let page = match draw().await {
                Ok(page) => page,
                Err(error) => return failure(site, &error),
            };
            let demo = store.meta().await.map(|m| m.demo).unwrap_or(false);
            let html = document(site, &page, demo);
            let tag = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(html.as_bytes()));
            let entry = (page.status, web::Bytes::from(html), tag, page.viewed);
            if page.status == StatusCode::OK {
                site.cache.put(key, version, entry.clone());
            }
            entry
        }
    };
    if let (Some(service), Some(counter)) = (viewed, req.app_data::<web::Data<ViewCounter>>()) {
        counter.add(service);
    }
    let tag = EntityTag::new_strong(tag);
    let cache = CacheControl(vec![CacheDirective::NoCache]);
    let fresh = matches!(<IfNoneMatch as header::Header>::parse(req), Ok(IfNoneMatch::Items(tags)) if tags.iter().any(|t| t.weak_eq(&tag)));
    if fresh && status == StatusCode::OK {
        return HttpResponse::NotModified().insert_header(ETag(tag)).insert_header(cache).finish();
    }
    HttpResponse::build(status)
        .insert_header(ETag(tag))
        .insert_header(cache)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body)
}

/// A page that says what went wrong and what to do next, in the page's own status.
fn failure(site: &Site, error: &ApiError) -> HttpResponse {
    let (status, heading, advice) = match error {
        ApiError::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "Страница не найдена",
            "Такой страницы нет: возможно, запись снята с публикации или в адресе опечатка. Найдите помощь через поиск услуг, \
             список жизненных ситуаций или центр СОЦИО вашего города.",
        ),
        ApiError::InvalidParameters(_) | ApiError::PageOutOfRange { .. } => (
            StatusCode::BAD_REQUEST,
            "Неверный адрес страницы",
            "В адресе есть параметр, который мы не понимаем. Откройте каталог заново и выберите фильтры.",
        ),
        other => {
            tracing::warn!(error = %other, "page: could not be drawn");
            (StatusCode::SERVICE_UNAVAILABLE, "Сайт временно не отвечает", "Попробуйте открыть страницу через минуту.")
        }
    };
    let mut page = Page::new(heading, advice, "/");
    page.status = status;
    page.content = format!(
        "<div class=\"panel\"><p>{advice}</p><ul><li><a href=\"/services\">Каталог услуг</a></li>\
         <li><a href=\"/situations\">Жизненные ситуации</a></li><li><a href=\"/centres\">Центры СОЦИО</a></li>\
         <li><a href=\"/\">На главную</a></li></ul></div>"
    );
    let mut response = HttpResponse::build(status);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header((header::RETRY_AFTER, "30"));
    }
    response
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(document(site, &page, false))
}

/// A list page's query from the request's, as the SPA reads it from its address.
fn lenient_query<Q: serde::de::DeserializeOwned + Default>(raw: &str) -> Q {
    views::query_from_pairs(serde_urlencoded::from_str(raw).unwrap_or_default())
}

/// A list's heading with what it is narrowed to, so that every list address has a title of
/// its own: «Каталог услуг: Серов, Бесплатно — страница 2».
fn qualified(base: String, parts: Vec<Option<String>>, page: u32) -> String {
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    let mut heading = if parts.is_empty() { base } else { format!("{base}: {}", parts.join(", ")) };
    if page > 1 {
        heading.push_str(&format!(" — страница {page}"));
    }
    heading
}

/// The name of the city a list is narrowed to.
async fn city_name(store: &Store, city: Option<&Slug>) -> Result<Option<String>, ApiError> {
    let Some(city) = city else { return Ok(None) };
    Ok(store.municipalities().await?.into_iter().find(|m| m.slug == city.as_str()).map(|m| m.name))
}

fn slug_of(raw: &str) -> Result<Slug, ApiError> {
    Slug::parse(raw).map_err(|_| ApiError::NotFound("Страница"))
}

async fn home(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, catalogue: Catalogue) -> HttpResponse {
    answer(&req, &site, &store, async || {
        let filter = SituationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() };
        let (situations, _) = catalogue.situations(filter).await?;
        let groups = store.categories().await?;
        let mut page = Page::new(
            "Что случилось?",
            "Социальный кластер: организации и социальные услуги вашего города и пошаговые алгоритмы действий в трудной жизненной ситуации.",
            "/",
        );
        page.content = render(|| {
            view! {
                <form class="search-box" role="search" action="/services" method="get">
                    <label for="what-happened" class="visually-hidden">"Опишите, что случилось или что нужно"</label>
                    <input id="what-happened" name="q" type="search" placeholder="Например: пособие многодетным, логопед ребёнку" autocomplete="off" />
                    <button type="submit">"Найти помощь"</button>
                </form>
                <p class="hint">"Напишите простыми словами. Мы покажем услуги и организации вашего города."</p>
                <p><a href="/help">"Не знаю, с чего начать: подобрать помощь по нескольким вопросам"</a></p>
                <h2>"Жизненные ситуации"</h2>
                <p>"Выберите ситуацию — получите пошаговый алгоритм: что сделать, куда обратиться, какие документы взять."</p>
                <views::SituationsOnHome situations />
                <h2>"Услуги по темам"</h2>
                <views::CategoryTiles groups city=None />
                <h2>"Центр СОЦИО вашего города"</h2>
                <p>"Консультант центра бесплатно поможет разобраться в ситуации. " <a href="/centres">"Все центры"</a></p>
            }
        });
        Ok(page)
    })
    .await
}

async fn services(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, catalogue: Catalogue) -> HttpResponse {
    let raw: ServiceQuery = lenient_query(req.query_string());
    answer(&req, &site, &store, async || {
        let filter: ServiceFilter = crate::http::parse_filter(&raw)?;
        let (items, total) = catalogue.services(filter.clone()).await?;
        let listed = crate::http::page(filter.page, items, total)?;
        let base = match &filter.q {
            Some(q) => format!("Услуги по запросу «{q}»"),
            None => "Каталог услуг".to_owned(),
        };
        let mut parts = vec![city_name(&store, filter.municipality.as_ref()).await?];
        if let Some(category) = &filter.category {
            let groups = store.categories().await?;
            parts.push(groups.iter().find_map(|g| {
                (g.slug == category.as_str()).then(|| g.name.clone()).or_else(|| g.children.iter().find(|c| c.slug == category.as_str()).map(|c| c.name.clone()))
            }));
        }
        parts.push(filter.cost.map(|c| c.label().to_owned()));
        parts.push(filter.format.map(|f| f.label().to_owned()));
        parts.push(filter.age.map(|a| format!("возраст {a}")));
        let heading = qualified(base, parts, filter.page.page);
        let count = format!("Найдено: {}", wording::plural(listed.total, "услуга", "услуги", "услуг"));
        let mut page = Page::new(&heading, format!("{count}. Бесплатные и платные социальные услуги: кто может получить, документы, адреса и телефоны."), views::href_with("/services", &raw));
        let next = raw.clone();
        let href = Callback::new(move |n: u32| views::href_with("/services", &ServiceQuery { page: Some(n.to_string()), ..next.clone() }));
        let (number, pages, empty) = (listed.page, listed.pages, listed.items.is_empty());
        let items = listed.items;
        // A theme browsed without words: its algorithms above the services, as the SPA shows them.
        let browsing = filter.q.is_none() && filter.page.page == 1 && (filter.category.is_some() || filter.target_group.is_some());
        let situations = if browsing {
            let themed = SituationFilter {
                category: filter.category.clone(),
                target_group: filter.target_group.clone(),
                page: PageRequest { page: 1, per_page: 3 },
                q: None,
            };
            catalogue.situations(themed).await?.0
        } else {
            Vec::new()
        };
        page.content = render(move || {
            view! {
                <views::SituationsAbove situations browsing />
                <p id="result-count" class="count" role="status">{count}</p>
                {empty.then(|| view! { <p class="panel">"Ничего не нашлось. Уберите часть фильтров или напишите запрос другими словами."</p> })}
                <ul class="results">{items.into_iter().map(|service| view! { <views::ServiceCard service /> }).collect_view()}</ul>
                <views::Pager page=number pages href />
            }
        });
        Ok(page)
    })
    .await
}

async fn service(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, path: web::Path<String>) -> HttpResponse {
    let slug = path.into_inner();
    answer(&req, &site, &store, async || {
        let key = IdOrSlug::Slug(slug_of(&slug)?);
        let service = store.service(&key).await?.ok_or(ApiError::NotFound("Услуга"))?;
        let provider = store.organization(&IdOrSlug::Id(service.organization.id)).await?.ok_or(ApiError::NotFound("Организация"))?;
        let path = format!("/services/{}", service.slug);
        let mut page = Page::new(&service.name, &service.summary, &path).with_data(&service);
        page.viewed = Some(service.id);
        page.og_type = "article";
        page.trail = vec![("Услуги".to_owned(), "/services".to_owned())];
        page.schema =
            vec![schema_org::service(&service, &provider, &site.url(&path), &site.url(&format!("/organizations/{}", provider.slug)))];
        page.content = render(|| view! { <views::ServiceDetails service /> });
        Ok(page)
    })
    .await
}

async fn organizations(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, catalogue: Catalogue) -> HttpResponse {
    let raw: OrganizationQuery = lenient_query(req.query_string());
    answer(&req, &site, &store, async || {
        let filter: OrganizationFilter = crate::http::parse_filter(&raw)?;
        let (items, total) = catalogue.organizations(filter.clone()).await?;
        let listed = crate::http::page(filter.page, items, total)?;
        let count = format!("Найдено: {}", wording::plural(listed.total, "организация", "организации", "организаций"));
        let mut parts = vec![city_name(&store, filter.municipality.as_ref()).await?];
        parts.push(filter.kind.map(|k| k.label().to_owned()));
        parts.push(filter.sector.map(|k| k.label().to_owned()));
        let heading = qualified("Организации".to_owned(), parts, filter.page.page);
        let mut page = Page::new(heading, format!("{count}. Государственные учреждения, НКО и фонды, которые помогают в трудной жизненной ситуации."), views::href_with("/organizations", &raw));
        let next = raw.clone();
        let href = Callback::new(move |n: u32| views::href_with("/organizations", &OrganizationQuery { page: Some(n.to_string()), ..next.clone() }));
        let (number, pages, empty) = (listed.page, listed.pages, listed.items.is_empty());
        let items = listed.items;
        page.content = render(move || {
            view! {
                <p id="result-count" class="count" role="status">{count}</p>
                {empty.then(|| view! { <p class="panel">"Ничего не нашлось. Выберите «Все города» или другой вид организации."</p> })}
                <ul class="results">{items.into_iter().map(|organization| view! { <views::OrganizationItem organization /> }).collect_view()}</ul>
                <views::Pager page=number pages href />
            }
        });
        Ok(page)
    })
    .await
}

async fn organization(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, path: web::Path<String>) -> HttpResponse {
    let slug = path.into_inner();
    answer(&req, &site, &store, async || {
        let organization = store.organization(&IdOrSlug::Slug(slug_of(&slug)?)).await?.ok_or(ApiError::NotFound("Организация"))?;
        let path = format!("/organizations/{}", organization.slug);
        let heading = organization.short_name.clone().unwrap_or_else(|| organization.name.clone());
        let mut page = Page::new(heading, &organization.description, &path).with_data(&organization);
        page.og_type = "article";
        page.trail = vec![("Организации".to_owned(), "/organizations".to_owned())];
        page.schema = vec![schema_org::organization(&organization, &site.url(&path))];
        page.content = render(|| view! { <views::OrganizationDetails organization /> });
        Ok(page)
    })
    .await
}

async fn situations(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, catalogue: Catalogue) -> HttpResponse {
    let raw: SituationQuery = lenient_query(req.query_string());
    answer(&req, &site, &store, async || {
        let mut filter: SituationFilter = crate::http::parse_filter(&raw)?;
        filter.page = PageRequest { page: 1, per_page: 100 };
        let (situations, total) = catalogue.situations(filter.clone()).await?;
        // Narrowed to one group of people: its name in the title, and the way back to all.
        let group = filter.target_group.as_ref().map(|slug| {
            situations.iter().flat_map(|s| &s.target_groups).find(|g| g.slug == slug.as_str()).map_or_else(|| slug.to_string(), |g| g.name.clone())
        });
        let title = group.as_ref().map_or_else(|| "Жизненные ситуации".to_owned(), |name| format!("Жизненные ситуации: {name}"));
        let mut page = Page::new(
            &title,
            "Выберите, что с вами случилось, — и получите пошаговый алгоритм действий: что сделать, куда обратиться, какие документы взять.",
            views::href_with("/situations", &raw),
        );
        if group.is_some() {
            page.trail = vec![("Жизненные ситуации".to_owned(), "/situations".to_owned())];
        }
        let narrowed = group.is_some() || filter.category.is_some() || filter.q.is_some();
        page.content = render(move || {
            view! {
                <p>"Выберите, что с вами случилось, — и получите пошаговый алгоритм действий."</p>
                {(!narrowed).then(|| view! { <views::SituationThemes situations=situations.clone() /> })}
                <p id="result-count" class="count" role="status">{format!("Ситуаций: {total}")}</p>
                <views::SituationTiles situations />
                {narrowed.then(|| view! { <p class="more"><a href="/situations">"Все жизненные ситуации"</a></p> })}
            }
        });
        Ok(page)
    })
    .await
}

async fn situation(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, path: web::Path<String>) -> HttpResponse {
    let slug = path.into_inner();
    answer(&req, &site, &store, async || {
        let situation = store.situation(&slug_of(&slug)?).await?.ok_or(ApiError::NotFound("Ситуация"))?;
        let path = format!("/situations/{}", situation.slug);
        let mut page = Page::new(&situation.title, &situation.summary, &path).with_data(&situation);
        page.og_type = "article";
        page.trail = vec![("Жизненные ситуации".to_owned(), "/situations".to_owned())];
        page.schema = vec![how_to(&situation, &site.url(&path))];
        page.content = render(|| view! { <views::SituationSteps situation /> });
        Ok(page)
    })
    .await
}

/// A situation's route: its questions and every step (the answers stay on the device).
async fn situation_route(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>, path: web::Path<String>) -> HttpResponse {
    let slug = path.into_inner();
    answer(&req, &site, &store, async || {
        let situation = store.situation(&slug_of(&slug)?).await?.ok_or(ApiError::NotFound("Ситуация"))?;
        let path = format!("/situations/{}/route", situation.slug);
        let mut page = Page::new(&situation.title, format!("Пошаговый маршрут: {}", situation.summary), &path).with_data(&situation);
        page.route = true;
        page.title = Some(format!("Маршрут: {}", situation.title));
        page.trail = vec![
            ("Жизненные ситуации".to_owned(), "/situations".to_owned()),
            (situation.title.clone(), format!("/situations/{}", situation.slug)),
        ];
        page.schema = vec![how_to(&situation, &site.url(&path))];
        let questions = situation.clone();
        page.content = render(|| {
            view! {
                <views::SituationQuestions situation=questions />
                <views::SituationSteps situation />
            }
        });
        Ok(page)
    })
    .await
}

/// A situation's algorithm as schema.org's `HowTo`.
fn how_to(situation: &socio_domain::api::SituationDetail, url: &str) -> Value {
    let steps: Vec<Value> = situation
        .steps
        .iter()
        .map(|s| serde_json::json!({ "@type": "HowToStep", "position": s.position, "name": s.title, "text": s.body }))
        .collect();
    serde_json::json!({ "@type": "HowTo", "@id": url, "name": situation.title, "description": situation.summary, "step": steps })
}

async fn centres(req: HttpRequest, site: web::Data<Site>, store: web::Data<Store>) -> HttpResponse {
    answer(&req, &site, &store, async || {
        let centres = store.socio_centres().await?;
        let mut page = Page::new(
            "Центры СОЦИО",
            "В центре СОЦИО консультант бесплатно поможет разобраться в вашей ситуации, найти нужные организации и распечатать алгоритм действий.",
            "/centres",
        )
        .with_data(&centres);
        page.content = render(|| {
            view! {
                <p>"В центре СОЦИО консультант бесплатно поможет разобраться в вашей ситуации, найти нужные организации и распечатать алгоритм действий."</p>
                <views::CentreList centres />
            }
        });
        Ok(page)
    })
    .await
}

/// The card a link preview shows.
async fn card() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/png"))
        .insert_header(CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(86_400)]))
        .body(CARD)
}
