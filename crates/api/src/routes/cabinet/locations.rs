//! Addresses of the partner's organization: list, read, create a draft, save (a draft in
//! place, a published record as a revision), submit a draft to moderation, withdraw.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::StatusCode, post, put, web};
use socio_domain::api::{CabinetListItem, Editable, LocationInput, Problem};
use socio_store::Store;

use super::records::{self, id};
use crate::{ApiError, auth::Partner, http::JsonBody, routes::tags};

/// Адреса организации
///
/// Все адреса организации, кроме снятых с публикации: статус, ждёт ли изменение модератора,
/// отклонено ли оно, давно ли данные подтверждались. Сначала те, что пора проверить.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Список", body = Vec<CabinetListItem>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/locations")]
pub async fn list_locations(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    records::list::<LocationInput>(&partner, &store).await
}

/// Новый адрес
///
/// Создаёт черновик: гражданам он не виден, пока вы не отправите его на модерацию и модератор
/// не одобрит. Каждое неверное поле названо в ответе 422.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    request_body = LocationInput,
    responses(
        (status = 201, description = "Черновик создан; ETag — версия для If-Match", body = Editable<LocationInput>),
        (status = 400, description = "Тело не JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные поля, каждое названо", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/locations")]
pub async fn create_location(partner: Partner, store: web::Data<Store>, body: JsonBody<LocationInput>) -> Result<HttpResponse, ApiError> {
    records::create(&partner, &store, body.into_inner()?, "/api/v1/cabinet/locations").await
}

/// Адрес для редактирования
///
/// Данные формы: если изменение ждёт модератора — предложенные, иначе сохранённые; статус,
/// последнее решение модератора с комментарием и отличия от опубликованной версии. ETag —
/// версия, которую нужно передать в If-Match при сохранении.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор")),
    responses(
        (status = 200, description = "Запись", body = Editable<LocationInput>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой записи у вашей организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/locations/{id}")]
pub async fn get_location(partner: Partner, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    records::get::<LocationInput>(&partner, &store, id(path)?, StatusCode::OK).await
}

/// Сохранить адрес
///
/// Черновик меняется сразу. У опубликованной записи изменение уходит модератору, а гражданам
/// до одобрения видна прежняя версия. Нужен заголовок If-Match с ETag из последнего GET: если
/// запись за это время изменили, ответ 412 и ничего не перезаписывается.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Идентификатор"),
        ("If-Match" = String, Header, description = "ETag записи из последнего GET, например \"v3\""),
    ),
    request_body = LocationInput,
    responses(
        (status = 200, description = "Сохранено; новый ETag", body = Editable<LocationInput>),
        (status = 400, description = "Тело не JSON или If-Match не разбирается", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой записи у вашей организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Запись снята с публикации", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Запись изменилась после вашего GET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные поля, каждое названо", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет заголовка If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cabinet/locations/{id}")]
pub async fn update_location(
    req: HttpRequest,
    partner: Partner,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<LocationInput>,
) -> Result<HttpResponse, ApiError> {
    records::update(&req, &partner, &store, id(path)?, body.into_inner()?).await
}

/// Снять адрес с публикации
///
/// Черновик удаляется; опубликованная запись сразу пропадает из каталога и поиска. Нужен If-Match.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Идентификатор"),
        ("If-Match" = String, Header, description = "ETag записи из последнего GET"),
    ),
    responses(
        (status = 204, description = "Снято с публикации"),
        (status = 400, description = "If-Match не разбирается", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой записи у вашей организации", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Запись изменилась после вашего GET", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет заголовка If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cabinet/locations/{id}")]
pub async fn withdraw_location(
    req: HttpRequest,
    partner: Partner,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    records::withdraw::<LocationInput>(&req, &partner, &store, id(path)?).await
}

/// Отправить на модерацию
///
/// Черновик уходит модератору; после одобрения он появится в каталоге и поиске.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор")),
    responses(
        (status = 200, description = "Отправлено", body = Editable<LocationInput>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой записи у вашей организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Запись не черновик", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Черновик заполнен не полностью", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/locations/{id}/submit")]
pub async fn submit_location(partner: Partner, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    records::submit::<LocationInput>(&partner, &store, id(path)?).await
}
