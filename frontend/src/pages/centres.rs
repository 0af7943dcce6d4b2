use leptos::prelude::*;
use socio_views::CentreList;

use crate::{
    api::{client, embedded},
    components::{Title, loaded},
};

/// The offline СОЦИО centres by city.
#[component]
pub fn CentresPage() -> impl IntoView {
    let centres = LocalResource::new(|| async {
        match embedded() {
            Some(centres) => Ok(centres),
            None => client().socio_centres().await.map_err(Into::into),
        }
    });
    view! {
        <Title text="Центры СОЦИО".to_string() />
        <p>"В центре СОЦИО консультант бесплатно поможет разобраться в вашей ситуации, найти нужные организации и распечатать алгоритм действий."</p>
        {loaded(centres, |centres| view! { <CentreList centres /> })}
    }
}
