//! `/sitemap.xml` and `/robots.txt`: search engines find every published service, organization
//! and situation (and nothing else), and stay out of the cabinet and the API.

use actix_web::{
    HttpResponse,
    http::header::{self, CacheControl, CacheDirective},
    web,
};
use socio_store::Store;

use super::{Site, escape_text};
use crate::ApiError;

/// The sitemaps.org limit of addresses in one file.
pub const PER_FILE: usize = 50_000;

/// The site's fixed pages, listed first.
const FIXED: [&str; 5] = ["/", "/services", "/organizations", "/situations", "/centres"];

/// Every public address with its last-checked day, fixed pages first.
async fn addresses(store: &Store) -> Result<Vec<(String, Option<chrono::NaiveDate>)>, ApiError> {
    let public = store.public_addresses().await?;
    let mut all: Vec<(String, Option<chrono::NaiveDate>)> = FIXED.iter().map(|p| ((*p).to_owned(), None)).collect();
    all.extend(public.situations.into_iter().map(|(slug, day)| (format!("/situations/{slug}"), day)));
    all.extend(public.organizations.into_iter().map(|(slug, day)| (format!("/organizations/{slug}"), day)));
    all.extend(public.services.into_iter().map(|(slug, day)| (format!("/services/{slug}"), day)));
    Ok(all)
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xml; charset=utf-8"))
        .insert_header(CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)]))
        .body(body)
}

fn url_set(site: &Site, addresses: &[(String, Option<chrono::NaiveDate>)]) -> String {
    let mut out = String::with_capacity(addresses.len() * 120 + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, day) in addresses {
        out.push_str("<url><loc>");
        out.push_str(&escape_text(&site.url(path)));
        out.push_str("</loc>");
        if let Some(day) = day {
            out.push_str(&format!("<lastmod>{day}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The sitemap of `all`: the addresses themselves, or past `per_file` the index of its parts.
fn whole(site: &Site, all: &[(String, Option<chrono::NaiveDate>)], per_file: usize) -> String {
    if all.len() <= per_file {
        return url_set(site, all);
    }
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in 1..=all.len().div_ceil(per_file) {
        out.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", escape_text(&site.url(&format!("/sitemap-{part}.xml")))));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// Part `part` (from 1) of the sitemap of `all`, when it is split.
fn part(site: &Site, all: &[(String, Option<chrono::NaiveDate>)], per_file: usize, part: usize) -> Option<String> {
    if all.len() <= per_file {
        return None;
    }
    part.checked_sub(1).and_then(|i| all.chunks(per_file).nth(i)).map(|chunk| url_set(site, chunk))
}

/// `/sitemap.xml`.
pub async fn sitemap(site: web::Data<Site>, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(xml(whole(&site, &addresses(&store).await?, PER_FILE)))
}

/// `/sitemap-{part}.xml`, a part of a sitemap split by [`sitemap`].
pub async fn sitemap_part(site: web::Data<Site>, store: web::Data<Store>, number: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let number: usize = number.parse().map_err(|_| ApiError::NotFound("Часть карты сайта"))?;
    let body = part(&site, &addresses(&store).await?, PER_FILE, number).ok_or(ApiError::NotFound("Часть карты сайта"))?;
    Ok(xml(body))
}

/// Robots: everything public, nothing of the cabinet, the API or the documentation's machinery.
pub async fn robots(site: web::Data<Site>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /cabinet\nDisallow: /api/\nDisallow: /docs/\nAllow: /\n\nSitemap: {}\n",
        site.url("/sitemap.xml")
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header(CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(3600)]))
        .body(body)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn addresses(n: usize) -> Vec<(String, Option<chrono::NaiveDate>)> {
        (0..n).map(|i| (format!("/services/s-{i}"), chrono::NaiveDate::from_ymd_opt(2026, 12, 1))).collect()
    }

    #[test]
    fn past_the_limit_the_sitemap_is_an_index_of_parts_that_cover_every_address_once() {
        let site = Site::new("https://socio.example.org/", None, true);
        let small = whole(&site, &addresses(3), 3);
        assert!(small.contains("<urlset") && small.matches("<url>").count() == 3);
        assert!(small.contains("<loc>https://socio.example.org/services/s-0</loc><lastmod>2026-12-01</lastmod>"));
        assert_eq!(part(&site, &addresses(3), 3, 1), None, "no parts when it fits");

        let all = addresses(7);
        let index = whole(&site, &all, 3);
        assert!(index.contains("<sitemapindex") && index.matches("<sitemap>").count() == 3);
        assert!(index.contains("<loc>https://socio.example.org/sitemap-3.xml</loc>"));
        let parts: Vec<String> = (1..=3).map(|n| part(&site, &all, 3, n).unwrap()).collect();
        assert_eq!(parts.iter().map(|p| p.matches("<url>").count()).sum::<usize>(), 7);
        assert!(parts[2].contains("s-6</loc>"));
        assert_eq!(part(&site, &all, 3, 0), None);
        assert_eq!(part(&site, &all, 3, 4), None);
    }
}
