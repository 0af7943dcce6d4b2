use leptos::prelude::*;
use socio_domain::vocabulary::SocioCentreStatus;
use socio_domain::wording;

use crate::{
    api::client,
    components::{PhoneLink, Title, loaded},
};

/// The offline СОЦИО centres by city.
#[component]
pub fn CentresPage() -> impl IntoView {
    let centres = LocalResource::new(|| async { client().socio_centres().await.map_err(Into::into) });
    view! {
        <Title text="Центры СОЦИО".to_string() />
        <p>"В центре СОЦИО консультант бесплатно поможет разобраться в вашей ситуации, найти нужные организации и распечатать алгоритм действий."</p>
        {loaded(centres, |centres| {
            view! {
                <ul class="results">
                    {centres.into_iter().map(|c| {
                        let open = c.status == SocioCentreStatus::Open;
                        let hours: Vec<String> = c.opening_hours.iter().map(wording::hours).collect();
                        view! {
                            <li>
                                <h2>{format!("{} — {}", c.municipality.name, c.status.label())}</h2>
                                <p>{c.description.clone()}</p>
                                {c.address.clone().map(|a| view! { <p><strong>"Адрес: "</strong>{format!("{}, {a}", c.municipality.name)}</p> })}
                                {c.phone.clone().map(|p| view! { <p><strong>"Телефон: "</strong><PhoneLink number=p /></p> })}
                                {(open && !hours.is_empty()).then(|| view! { <p><strong>"Часы работы: "</strong>{hours.join("; ")}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        })}
    }
}
