//! The API client for this origin, and failures in a form views can show and clone.

use socio_client::{Client, ClientError};

/// A failed request, as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// What to tell the person.
    pub message: String,
}

impl Failure {
    /// Did the server say the record does not exist?
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Api { problem } => {
                Failure { status: Some(problem.status), message: socio_domain::wording::problem_message(&problem) }
            }
            ClientError::Transport(_) | ClientError::Decode(_) => Failure {
                status: None,
                message: "Не удалось связаться с сервером. Проверьте интернет и попробуйте ещё раз.".to_owned(),
            },
        }
    }
}

/// The result type of every request the pages make.
pub type Fetched<T> = Result<T, Failure>;

/// A client for the server that served this page.
pub fn client() -> Client {
    let origin = leptos::prelude::window().location().origin().unwrap_or_default();
    Client::new(origin)
}

/// The record the server drew this page from (`<script type="application/json" id="page-data">`),
/// taken once: the page starts from it instead of asking the API for it again. A later page, or
/// a page at another address, finds nothing and asks.
pub fn embedded<T: serde::de::DeserializeOwned>() -> Option<T> {
    let element = leptos::prelude::document().get_element_by_id("page-data")?;
    element.remove();
    let here = leptos::prelude::window().location().pathname().ok()?;
    if element.get_attribute("data-path")? != here {
        return None;
    }
    socio_client::json::decode(&element.text_content()?).ok()
}
