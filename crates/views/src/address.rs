//! A list page's address and its query, read and written the same way by the server and the SPA.

use serde::{Serialize, de::DeserializeOwned};

/// A list page's query from its `key=value` pairs: empty values and unknown parameters are
/// dropped (a stray one in a shared link must not blank the page); the values are checked later,
/// as the API checks them.
pub fn query_from_pairs<Q: DeserializeOwned + Default>(mut pairs: Vec<(String, String)>) -> Q {
    pairs.retain(|(_, v)| !v.is_empty());
    loop {
        let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        match serde_urlencoded::from_str::<Q>(&encoded) {
            Ok(query) => return query,
            Err(e) => {
                let message = e.to_string();
                let unknown = message.split('`').nth(1).unwrap_or_default().to_owned();
                let before = pairs.len();
                pairs.retain(|(k, _)| *k != unknown);
                if pairs.len() == before {
                    return Q::default();
                }
            }
        }
    }
}

/// `path?query` of a list's query (empty values left out).
pub fn href_with<Q: Serialize>(path: &str, query: &Q) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use socio_domain::api::ServiceQuery;

    use super::*;

    #[test]
    fn stray_and_empty_parameters_are_dropped_and_the_rest_kept() {
        let pairs = |raw: &str| serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap();
        let query: ServiceQuery = query_from_pairs(pairs("utm_source=vk&municipality=serov&cost=&fbclid=x&page=2"));
        assert_eq!(query.municipality.as_deref(), Some("serov"));
        assert_eq!((query.cost.as_deref(), query.page.as_deref()), (None, Some("2")));
        assert_eq!(href_with("/services", &query), "/services?municipality=serov&page=2");
        assert_eq!(href_with("/services", &ServiceQuery::default()), "/services");
    }
}
