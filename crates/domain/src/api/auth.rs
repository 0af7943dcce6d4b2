//! Accounts of the cabinet: registration (a new organization or a claim of one from the
//! directory), sign-in, passwords, e-mail confirmation, colleagues.

use serde::{Deserialize, Serialize};

use super::{FieldError, OrganizationInput, ValidOrganization};
use crate::{
    Slug,
    account::{Email, Password},
    form::Form,
    vocabulary::{ModerationStatus, UserRole},
};

/// Longest display name.
pub const MAX_DISPLAY_NAME: usize = 100;
/// Longest one-time token accepted (they are 64 hex characters).
pub const MAX_TOKEN_LEN: usize = 128;

/// A partner's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// Рабочая электронная почта: на неё придёт письмо для подтверждения.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    /// Пароль: от 12 до 128 символов, не из списка распространённых.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 128))]
    pub password: String,
    /// Как к вам обращаться (1–100 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
    /// Новая организация (если её ещё нет в справочнике).
    #[serde(default)]
    pub organization: Option<OrganizationInput>,
    /// Или код существующей организации из справочника: заявку на управление ею проверит модератор.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::Slug>))]
    pub claim: Option<String>,
}

/// A checked registration.
#[derive(Debug, Clone)]
pub struct ValidRegistration {
    pub email: Email,
    pub password: Password,
    pub display_name: String,
    pub organization: RegistrationTarget,
}

/// What the partner registers for.
#[derive(Debug, Clone)]
pub enum RegistrationTarget {
    /// A new organization, a draft until a moderator approves it.
    New(Box<(OrganizationInput, ValidOrganization)>),
    /// A claim of an organization already in the directory.
    Claim(Slug),
}

fn email(form: &mut Form, raw: &str) -> Option<Email> {
    Email::parse(raw).map_err(|e| form.error("email", "invalid", format!("Электронная почта: {e}."))).ok()
}

fn password(form: &mut Form, field: &str, raw: &str, email: Option<&Email>) -> Option<Password> {
    Password::parse(raw, email).map_err(|e| form.error(field, e.code(), format!("Пароль: {e}."))).ok()
}

impl TryFrom<&Registration> for ValidRegistration {
    type Error = Vec<FieldError>;
    fn try_from(input: &Registration) -> Result<Self, Self::Error> {
        let mut form = Form::new();
        let email = email(&mut form, &input.email);
        let password = password(&mut form, "password", &input.password, email.as_ref());
        let display_name = form.line("display_name", "Имя", &input.display_name, 1, MAX_DISPLAY_NAME);
        let target = match (&input.organization, &input.claim) {
            (Some(org), None) => match ValidOrganization::try_from(org) {
                Ok(valid) => Some(RegistrationTarget::New(Box::new((org.clone(), valid)))),
                Err(errors) => {
                    for e in errors {
                        form.error(format!("organization.{}", e.field), &e.code, e.detail);
                    }
                    None
                }
            },
            (None, Some(slug)) => Slug::parse(slug.trim())
                .map(RegistrationTarget::Claim)
                .map_err(|e| form.error("claim", "invalid", format!("Код организации: {e}.")))
                .ok(),
            _ => {
                form.error(
                    "organization",
                    "required",
                    "Укажите новую организацию или выберите существующую из справочника — одно из двух.",
                );
                None
            }
        };
        match (email, password, target) {
            (Some(email), Some(password), Some(organization)) => form.finish(Self { email, password, display_name, organization }),
            _ => Err(form.finish(()).err().unwrap_or_default()),
        }
    }
}

/// Sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Электронная почта.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    /// Пароль.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// A checked sign-in: the address parses and the password is of an acceptable length (anything
/// longer is refused before hashing, so a stranger cannot make the server hash megabytes).
#[derive(Debug, Clone)]
pub struct ValidLogin {
    pub email: Email,
    pub password: String,
}

impl TryFrom<&Login> for ValidLogin {
    type Error = Vec<FieldError>;
    fn try_from(input: &Login) -> Result<Self, Self::Error> {
        let mut form = Form::new();
        let email = email(&mut form, &input.email);
        if input.password.is_empty() {
            form.error("password", "required", "Введите пароль.");
        } else if input.password.chars().count() > crate::account::MAX_PASSWORD_CHARS {
            form.error("password", "too_long", "Пароль длиннее 128 символов.");
        }
        match email {
            Some(email) => form.finish(Self { email, password: input.password.clone() }),
            None => Err(form.finish(()).err().unwrap_or_default()),
        }
    }
}

/// A signed-in session: the short-lived access token (the refresh token travels in an
/// `HttpOnly` cookie, never in the body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Токен доступа (JWT) для заголовка `Authorization: Bearer …`.
    pub access_token: String,
    /// Всегда `Bearer`.
    pub token_type: String,
    /// Через сколько секунд токен истечёт (900).
    pub expires_in: u32,
    /// Кто вошёл.
    pub user: Me,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Идентификатор пользователя.
    pub id: i64,
    /// Электронная почта.
    pub email: String,
    /// Имя.
    pub display_name: String,
    /// Роль.
    pub role: UserRole,
    /// Почта подтверждена.
    pub email_confirmed: bool,
    /// Администратор кабинета своей организации (приглашает коллег).
    pub org_admin: bool,
    /// Организация пользователя.
    pub organization: Option<MyOrganization>,
    /// Заявка на управление организацией ждёт модератора.
    pub claim_pending: bool,
    /// Вход по одноразовому паролю: пока пароль не сменён, доступна только его смена.
    pub must_change_password: bool,
}

/// The organization a partner works for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyOrganization {
    /// Идентификатор организации.
    pub id: i64,
    /// Код организации.
    pub slug: String,
    /// Название.
    pub name: String,
    /// Статус: пока организация не одобрена, её записи не публикуются.
    pub status: ModerationStatus,
}

/// A one-time token from a letter (confirmation, reset, invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OneTimeToken {
    /// Код из ссылки в письме.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub token: String,
}

/// Asking for a password-reset letter (or a new confirmation letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailOnly {
    /// Электронная почта учётной записи.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
}

impl EmailOnly {
    pub fn email(&self) -> Result<Email, Vec<FieldError>> {
        let mut form = Form::new();
        let parsed = email(&mut form, &self.email);
        match parsed {
            Some(e) => form.finish(e),
            None => Err(form.finish(()).err().unwrap_or_default()),
        }
    }
}

/// Setting a new password with a one-time token (reset, or accepting an invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPasswordWithToken {
    /// Код из ссылки в письме.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub token: String,
    /// Новый пароль: от 12 до 128 символов.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 128))]
    pub password: String,
}

/// Changing one's password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// Текущий пароль.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub current_password: String,
    /// Новый пароль: от 12 до 128 символов.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 128))]
    pub new_password: String,
}

/// Checks a new password for the account `email`.
pub fn new_password(field: &str, raw: &str, email: &Email) -> Result<Password, Vec<FieldError>> {
    let mut form = Form::new();
    match password(&mut form, field, raw, Some(email)) {
        Some(p) => form.finish(p),
        None => Err(form.finish(()).err().unwrap_or_default()),
    }
}

/// A colleague of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colleague {
    /// Идентификатор пользователя.
    pub id: i64,
    /// Электронная почта.
    pub email: String,
    /// Имя.
    pub display_name: String,
    /// Администратор кабинета организации.
    pub org_admin: bool,
    /// Приглашение принято (пароль задан).
    pub active: bool,
    /// Это приглашение, которое ещё не принято: учётной записи пока нет, `id` — номер
    /// приглашения.
    pub invitation: bool,
}

/// Inviting a colleague.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    /// Электронная почта коллеги: на неё придёт приглашение.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    /// Имя коллеги (1–100 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
}

impl Invitation {
    pub fn parse(&self) -> Result<(Email, String), Vec<FieldError>> {
        let mut form = Form::new();
        let address = email(&mut form, &self.email);
        let name = form.line("display_name", "Имя", &self.display_name, 1, MAX_DISPLAY_NAME);
        match address {
            Some(a) => form.finish((a, name)),
            None => Err(form.finish(()).err().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_is_for_one_organization_new_or_claimed() {
        let base = Registration {
            email: "anna@example.org".into(),
            password: "синий кит плывёт на север".into(),
            display_name: "Анна".into(),
            organization: None,
            claim: Some("kcson-serov".into()),
        };
        assert!(matches!(ValidRegistration::try_from(&base).map(|r| r.organization), Ok(RegistrationTarget::Claim(_))));
        let neither = Registration { claim: None, ..base.clone() };
        let errors = ValidRegistration::try_from(&neither).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["organization"]);
        let weak = Registration { password: "qwerty123456".into(), email: "bad".into(), ..base };
        let errors = ValidRegistration::try_from(&weak).err().unwrap_or_default();
        assert_eq!(
            errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect::<Vec<_>>(),
            [("email", "invalid"), ("password", "common_password")]
        );
    }
}
