//! The OpenAPI document: general information here, paths and schemas collected from the
//! handlers by utoipa-actix-web. `socio openapi` writes it to `openapi/openapi.json`, and a test
//! fails when the committed file drifts from what the code generates.

use actix_web::App;
use utoipa::{
    OpenApi,
    openapi::{
        ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder,
        path::{Operation, ParameterIn},
        schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type},
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
    let (name, schema) = vocabulary::<socio_domain::Slug>();
    components.schemas.entry(name).or_insert(schema);
    let (name, schema) = vocabulary::<socio_domain::api::ImportAnswer>();
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
            (tags::AUTH, "Регистрация партнёров, подтверждение почты, вход (токен на 15 минут и продление по cookie), пароли"),
            (tags::CABINET, "Организация ведёт свои данные: профиль, адреса, услуги, изменения на модерации, сообщения граждан, статистика, коллеги. Только своя организация"),
            (tags::BACKOFFICE, "Для сотрудников оператора: очередь модерации, что искали и не нашли, журнал изменений, люди и роли"),
            (tags::REPORTS, "Сообщения граждан о неточностях в данных: без личных данных"),
            (tags::OPERATIONS, "Проверки работоспособности"),
        ]
        .into_iter()
        .map(|(name, description)| TagBuilder::new().name(name).description(Some(description)).build())
        .collect(),
    );
    // Lists whose repeats the forms refuse (`duplicate`); utoipa has no attribute for it.
    for (name, fields) in [
        ("ServiceInput", &["categories", "target_groups", "formats", "locations", "municipalities"][..]),
        ("LocationInput", &["accessibility"][..]),
    ] {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
            for field in fields {
                if let Some(RefOr::T(Schema::Array(array))) = object.properties.get_mut(*field) {
                    array.unique_items = true;
                }
            }
        }
    }
    let examples: serde_json::Value = serde_json::from_str(EXAMPLES).unwrap_or_default();
    for (path, item) in document.paths.paths.iter_mut() {
        for (method, operation) in [("get", &mut item.get), ("post", &mut item.post), ("put", &mut item.put), ("delete", &mut item.delete)]
        {
            let Some(operation) = operation else { continue };
            state_parameter_rules(operation);
            if path.starts_with("/api/v1/") {
                for (status, description) in [
                    (
                        "429",
                        "Слишком много запросов с этого адреса (по умолчанию больше 1200 в минуту); заголовок Retry-After говорит, через сколько секунд повторить",
                    ),
                    ("503", "База данных недоступна или перегружена; заголовок Retry-After говорит, через сколько секунд повторить"),
                ] {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem_response(description));
                }
            }
            add_examples(operation, &examples, &format!("{method} {path}"));
        }
    }
    document
}

/// Examples of request bodies and of the main answers, from the demo data
/// (`openapi/examples.json`; a test checks each against its schema and against what the demo
/// app answers, and rewrites the answers with `SOCIO_UPDATE_EXAMPLES=1`).
pub const EXAMPLES: &str = include_str!("../../../openapi/examples.json");

fn add_examples(operation: &mut Operation, examples: &serde_json::Value, key: &str) {
    if let (Some(body), Some(example)) = (operation.request_body.as_mut(), examples["requests"].get(key)) {
        for content in body.content.values_mut() {
            content.example = Some(example.clone());
        }
    }
    for answer in examples["responses"].as_array().into_iter().flatten().filter(|a| a["operation"] == key && !a["example"].is_null()) {
        let status = answer["status"].to_string();
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(&status) {
            for content in response.content.values_mut() {
                content.example = Some(answer["example"].clone());
            }
        }
    }
}

/// The rules every parameter of its name follows, stated once for all operations: the shape of
/// `{id_or_slug}`, `{slug}` and `{id}`, of an If-Match ETag; and the 400 that an operation
/// answers when a parameter or the body is not what it says.
fn state_parameter_rules(operation: &mut Operation) {
    use socio_domain::schema::{ETAG_PATTERN, ID_OR_SLUG_PATTERN};
    let string = |pattern: &str| ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).max_length(Some(120)).into();
    let mut takes_input = operation.request_body.is_some();
    for parameter in operation.parameters.iter_mut().flatten() {
        takes_input = true;
        let schema: Option<RefOr<Schema>> = match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, "id_or_slug") => Some(string(ID_OR_SLUG_PATTERN)),
            (ParameterIn::Path, "slug") => Some(RefOr::Ref(Ref::from_schema_name("Slug"))),
            (ParameterIn::Path, "id") => Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .minimum(Some(1))
                    .into(),
            ),
            (ParameterIn::Header, name) if name.eq_ignore_ascii_case("if-match") => Some(string(ETAG_PATTERN)),
            _ => None,
        };
        if let Some(schema) = schema {
            parameter.schema = Some(schema);
        }
    }
    if takes_input {
        operation.responses.responses.entry("400".to_owned()).or_insert_with(|| {
            problem_response("Параметр или тело запроса не по документу (например, тело не JSON); problem+json называет, что не так")
        });
    }
}

/// An answer with a problem+json body.
fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
        .into()
}

fn vocabulary<T: utoipa::ToSchema>() -> (String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    (T::name().into_owned(), T::schema())
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn document_json() -> anyhow::Result<String> {
    Ok(document().to_pretty_json()? + "\n")
}
