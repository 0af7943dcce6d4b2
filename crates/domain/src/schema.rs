//! Schemas of the OpenAPI document for the rules a derive cannot see: the shape of a code, an
//! e-mail, a phone, a website, the fixed lists of the «Не знаю, с чего начать» form. Each is
//! written from the same constants the parsers use, so what the document allows the API
//! accepts (the property-based test of the API holds them to that).

use utoipa::openapi::{
    RefOr,
    schema::{ArrayBuilder, ObjectBuilder, Schema, Type},
};

use crate::{router as suggest, slug::MAX_SLUG_LEN};

/// A code (slug): what [`crate::Slug::parse`] accepts.
pub const SLUG_PATTERN: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";

/// An identifier or a code, as `{id_or_slug}` paths take: digits only are an id (from 1); anything else is a code.
pub const ID_OR_SLUG_PATTERN: &str = r"^([1-9][0-9]{0,17}|[0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*|[0-9]+(-[a-z0-9]+)+)$";

/// An e-mail address [`crate::account::Email::parse`] accepts (the document states an ASCII
/// subset: a dot-atom local part of up to 62 characters, a domain of dot-separated labels).
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,32}(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,14}){0,2}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

/// A Russian phone number as [`crate::Phone::parse`] accepts it: +7, 7 or 8 and ten more
/// digits, with spaces, brackets and hyphens between them.
pub const PHONE_PATTERN: &str = r"^(\+7|7|8)([ ()-]{0,2}[0-9]){10}$";

/// A website as [`crate::web::WebsiteUrl::parse`] accepts it (the document asks for the scheme).
pub const WEBSITE_PATTERN: &str =
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?([/?#][A-Za-z0-9._~%!$&()*+,;=:@/?#-]*)?$";

/// ИНН: 10 or 12 digits (the check digit is verified too).
pub const INN_PATTERN: &str = r"^([0-9]{10}|[0-9]{12})$";

/// ОГРН: 13 or 15 digits (the check digit is verified too).
pub const OGRN_PATTERN: &str = r"^([0-9]{13}|[0-9]{15})$";

/// A time of day, ЧЧ:ММ; a closing time may also be 24:00.
pub const OPENS_PATTERN: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]$";
pub const CLOSES_PATTERN: &str = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

/// The ETag a cabinet record's GET returned, as If-Match takes it.
pub const ETAG_PATTERN: &str = r#"^(W/)?"v[0-9]{1,9}"$"#;

fn code_schema(description: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(SLUG_PATTERN)).max_length(Some(MAX_SLUG_LEN)).description(Some(description))
}

impl utoipa::PartialSchema for crate::Slug {
    fn schema() -> RefOr<Schema> {
        code_schema("Код: строчная латиница, цифры и дефисы между ними, до 120 символов.").into()
    }
}

impl utoipa::ToSchema for crate::Slug {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Slug")
    }
}

/// Who needs help: one of [`suggest::WHO`].
pub fn who() -> ObjectBuilder {
    let values: Vec<&str> = suggest::WHO.iter().map(|(key, ..)| *key).collect();
    let labels: Vec<String> = suggest::WHO.iter().map(|(key, label, _)| format!("`{key}` — {label}")).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(format!("Кому нужна помощь: {}.", labels.join("; "))))
}

/// What is needed: distinct values of [`suggest::NEEDS`].
pub fn needs() -> ArrayBuilder {
    let values: Vec<&str> = suggest::NEEDS.iter().map(|(key, ..)| *key).collect();
    let labels: Vec<String> = suggest::NEEDS.iter().map(|(key, label, _)| format!("`{key}` — {label}")).collect();
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)))
        .max_items(Some(suggest::NEEDS.len()))
        .unique_items(true)
        .description(Some(format!("Что нужно, без повторов: {}.", labels.join("; "))))
}

/// Weekdays of an opening rule: 1 (понедельник) … 7 (воскресенье), each once.
pub fn weekdays() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(7)))
        .min_items(Some(1))
        .max_items(Some(7))
        .unique_items(true)
        .description(Some("Дни недели: 1 — понедельник … 7 — воскресенье, без повторов."))
}

fn text(pattern: &str, max: usize, nullable: bool) -> ObjectBuilder {
    let kind = if nullable {
        utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null])
    } else {
        utoipa::openapi::schema::SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(kind).pattern(Some(pattern)).max_length(Some(max))
}

/// `contacts.phone`, a location's phone.
pub fn phone() -> ObjectBuilder {
    text(PHONE_PATTERN, 40, true).description(Some("Телефон: +7 или 8 и ещё 10 цифр; пробелы, скобки и дефисы между цифрами."))
}

/// A required e-mail address.
pub fn email() -> ObjectBuilder {
    text(EMAIL_PATTERN, crate::account::MAX_EMAIL_LEN, false).description(Some("Электронная почта."))
}

/// An optional e-mail address.
pub fn email_optional() -> ObjectBuilder {
    text(EMAIL_PATTERN, crate::account::MAX_EMAIL_LEN, true).description(Some("Электронная почта."))
}

/// `contacts.website`.
pub fn website() -> ObjectBuilder {
    text(WEBSITE_PATTERN, crate::web::MAX_URL_LEN, true).description(Some("Сайт: адрес с http:// или https://."))
}

/// An organization's ИНН.
pub fn inn() -> ObjectBuilder {
    text(INN_PATTERN, 12, true).description(Some("ИНН: 10 или 12 цифр с верной контрольной цифрой."))
}

/// An organization's ОГРН.
pub fn ogrn() -> ObjectBuilder {
    text(OGRN_PATTERN, 15, true).description(Some("ОГРН: 13 или 15 цифр с верной контрольной цифрой."))
}

/// When a place opens.
pub fn opens() -> ObjectBuilder {
    text(OPENS_PATTERN, 5, false).description(Some("Время открытия, ЧЧ:ММ."))
}

/// When a place closes.
pub fn closes() -> ObjectBuilder {
    text(CLOSES_PATTERN, 5, false).description(Some("Время закрытия, ЧЧ:ММ, позже открытия (24:00 — до конца суток)."))
}

/// A role of the operator's people: every [`UserRole`](crate::vocabulary::UserRole) but partner.
pub fn operator_role() -> ObjectBuilder {
    use crate::vocabulary::UserRole;
    let roles: Vec<&UserRole> = UserRole::ALL.iter().filter(|r| **r != UserRole::Partner).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(roles.iter().map(|r| r.as_str())))
        .description(Some(roles.iter().map(|r| format!("`{}` — {}", r.as_str(), r.label())).collect::<Vec<_>>().join("; ")))
}
