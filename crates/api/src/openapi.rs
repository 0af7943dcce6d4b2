//! The OpenAPI document: general information here, paths and schemas collected from the
//! handlers by utoipa-actix-web. `socio openapi` writes it to `openapi/openapi.json`, and a test
//! fails when the committed file drifts from what the code generates.

use actix_web::App;
use utoipa::{
    OpenApi,
    openapi::{
        OpenApi as Document,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        tag::TagBuilder,
    },
};
use utoipa_actix_web::{AppExt, scope};

use crate::routes::{self, tags};

#[derive(OpenApi)]
#[openapi(info(
    title = "Социальный кластер — API",
    description = "Открытый API «Социального кластера»: организации и социальные услуги 14 городов Свердловской области, жизненные ситуации с пошаговыми алгоритмами, центры СОЦИО.\n\nВсе ответы — JSON; ошибки — `application/problem+json` (RFC 7807) со стабильным полем `code` и пояснением по-русски в `detail`. Списки постраничные (`page`, `per_page` до 100) и возвращают общее количество. Ответы на GET несут `ETag`: повторный запрос с `If-None-Match` получит 304, если данные не изменились. Чтение доступно с любого сайта (CORS).",
    license(name = "AGPL-3.0-or-later"),
))]
struct Info;

/// The complete document, as served at `/api/openapi.json`.
pub fn document() -> Document {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(Info::openapi())
        .service(scope::scope("/api/v1").configure(routes::configure_v1))
        .configure(routes::configure_health)
        .split_for_parts();
    let components = document.components.get_or_insert_with(Default::default);
    // Vocabularies only named by query parameters are not collected from the handlers.
    let (name, schema) = vocabulary::<socio_domain::vocabulary::SearchSort>();
    components.schemas.entry(name).or_insert(schema);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    document.tags = Some(
        [
            (tags::DIRECTORY, "Города, центры СОЦИО, категории услуг и получателей, сведения о платформе"),
            (tags::ORGANIZATIONS, "Организации, которые помогают: государственные, муниципальные, НКО, фонды"),
            (tags::SERVICES, "Социальные услуги, выплаты и льготы"),
            (tags::SITUATIONS, "Жизненные ситуации и пошаговые алгоритмы действий"),
            (tags::ROUTER, "Личный маршрут по жизненной ситуации и подбор ситуации по ответам и тексту"),
            (tags::SEARCH, "Поиск по смыслу с учётом окончаний, опечаток и сокращений; подсказки при наборе"),
            (tags::MODERATION, "Для модераторов: что искали и не нашли"),
            (tags::AUTH, "Регистрация партнёров, подтверждение почты, вход (токен на 15 минут и продление по cookie), пароли"),
            (tags::CABINET, "Организация ведёт свои данные: профиль, адреса, услуги, изменения на модерации, сообщения граждан, статистика, коллеги. Только своя организация"),
            (tags::BACKOFFICE, "Для модераторов: очередь изменений и заявок, одобрение и отклонение"),
            (tags::REPORTS, "Сообщения граждан о неточностях в данных: без личных данных"),
            (tags::OPERATIONS, "Проверки работоспособности"),
        ]
        .into_iter()
        .map(|(name, description)| TagBuilder::new().name(name).description(Some(description)).build())
        .collect(),
    );
    document
}

fn vocabulary<T: utoipa::ToSchema>() -> (String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    (T::name().into_owned(), T::schema())
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> anyhow::Result<String> {
    Ok(document().to_pretty_json()? + "\n")
}
