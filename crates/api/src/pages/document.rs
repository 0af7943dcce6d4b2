//! The HTML document around a rendered page: the built SPA page (its stylesheet and its loader
//! script, whose hash the CSP names) with the page's own head and body put in, or a bare
//! document when the SPA has not been built (tests, an API-only deployment).
//!
//! Everything that reaches the document from a record goes through [`escape_text`],
//! [`escape_attribute`] or [`json_in_script`]: a partner's name with `<script>` or quotes comes
//! out as text.

use std::path::Path;

/// A built SPA page split where a rendered page's parts go in.
#[derive(Debug, Clone)]
pub struct Template {
    /// From the start up to the end of `<head>`, its `<title>` and description taken out.
    head: String,
    /// `</head>` up to the end of `<body>`'s start tag.
    body_start: String,
    /// From `</body>` to the end.
    end: String,
}

impl Template {
    /// The document when no build is served: the site's stylesheet is not there either.
    fn bare() -> Self {
        Self {
            head: "<!doctype html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n\
                   <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                .to_owned(),
            body_start: "</head>\n<body>\n".to_owned(),
            end: "</body>\n</html>\n".to_owned(),
        }
    }

    /// `page` of the build in `static_dir` (`index.html`, `route/index.html`), or the bare
    /// document when there is none or it does not look like the build's output.
    pub fn load(static_dir: Option<&Path>, page: &str) -> Self {
        static_dir
            .and_then(|dir| std::fs::read_to_string(dir.join(page)).ok())
            .and_then(|html| Self::split(&html))
            .unwrap_or_else(Self::bare)
    }

    fn split(html: &str) -> Option<Self> {
        let head_end = html.find("</head>")?;
        let body_open = html[head_end..].find("<body")? + head_end;
        let body_open_end = html[body_open..].find('>')? + body_open + 1;
        let body_end = html.rfind("</body>")?;
        let mut head = without_element(&html[..head_end], "<title", "</title>");
        head = without_element(&head, "<meta name=\"description\"", ">");
        Some(Self { head, body_start: html[head_end..body_open_end].to_owned() + "\n", end: html[body_end..].to_owned() })
    }

    /// The whole document: `head` (title, description and the rest, already escaped) and `body`.
    pub fn render(&self, head: &str, body: &str) -> String {
        let mut out = String::with_capacity(self.head.len() + head.len() + body.len() + self.body_start.len() + self.end.len());
        out.push_str(&self.head);
        out.push_str(head);
        out.push_str(&self.body_start);
        out.push_str(body);
        out.push_str(&self.end);
        out
    }
}

/// `html` without the first element that starts with `open` and ends with `close`.
fn without_element(html: &str, open: &str, close: &str) -> String {
    let Some(start) = html.find(open) else { return html.to_owned() };
    let Some(end) = html[start..].find(close) else { return html.to_owned() };
    format!("{}{}", &html[..start], html[start + end + close.len()..].trim_start_matches('\n'))
}

/// Text between tags.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute's value in double quotes.
pub fn escape_attribute(text: &str) -> String {
    escape_text(text).replace('"', "&quot;").replace('\'', "&#39;")
}

/// JSON to put inside a `<script>` data block: no `<` (so no `</script>` and no `<!--`) and no
/// `>` or `&` in it, each written as its `\u` escape, which reads back as the same JSON.
pub fn json_in_script(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_built_page_keeps_its_loader_and_loses_its_own_title() {
        let built = "<!doctype html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\" />\n<meta name=\"description\" content=\"Сайт\" />\n\
                     <title>Сайт</title>\n<script type=\"module\">import init from '/a.js';</script>\n</head>\n<body>\n<noscript>JS</noscript>\n</body>\n</html>\n";
        let page = Template::split(built).unwrap().render("<title>Услуга</title>\n", "<main>Текст</main>\n");
        assert!(page.contains("<script type=\"module\">import init from '/a.js';</script>"), "{page}");
        assert_eq!(page.matches("<title>").count(), 1, "{page}");
        assert!(page.contains("<title>Услуга</title>") && !page.contains("content=\"Сайт\""), "{page}");
        assert!(page.contains("<body>\n<main>Текст</main>\n</body>"), "{page}");
        assert!(!page.contains("noscript"), "the page itself is the content without JavaScript: {page}");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let text = json_in_script(&serde_json::json!({ "name": "</script><script>alert(1)</script> & <!--" }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & <!--");
    }

    #[test]
    fn attributes_and_text_are_escaped() {
        assert_eq!(escape_attribute("a\"b'<c>&"), "a&quot;b&#39;&lt;c&gt;&amp;");
        assert_eq!(escape_text("<b>&"), "&lt;b&gt;&amp;");
    }
}
