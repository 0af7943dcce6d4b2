//! Accounts: users, their sessions (refresh-token families) and one-time tokens.
//!
//! Only hashes of tokens are stored; the API hashes what a client presents and asks here. Every
//! state change of a token is a conditional update, so two requests racing with the same token
//! cannot both win.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use socio_domain::{
    account::Email,
    api::{Colleague, MyOrganization, OrganizationInput, ValidOrganization},
    vocabulary::{ModerationStatus, RevisionStatus, RevisionSubject, UserRole},
};

use crate::{
    Store, StoreError,
    audit::{Actor, audit},
    editing::organizations::insert_organization,
    entity::{invitation, one_time_token, organization, refresh_token, revision, user},
    error::parse_stored,
};

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
    Invitation,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::Invitation => "invitation",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::ConfirmEmail => Duration::days(3),
            TokenPurpose::ResetPassword => Duration::hours(1),
            TokenPurpose::Invitation => Duration::days(7),
        }
    }
}

/// A user as the API sees it: never serialised as is (the hash stays here).
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: UserRole,
    pub organization_id: Option<i64>,
    pub org_admin: bool,
    pub active: bool,
    pub email_confirmed: bool,
    pub password_hash: String,
    pub password_changed_at: Option<DateTime<Utc>>,
    /// Signed in with a one-time password: may do nothing but change it.
    pub must_change_password: bool,
}

impl TryFrom<user::Model> for Account {
    type Error = StoreError;
    fn try_from(row: user::Model) -> Result<Self, StoreError> {
        Ok(Account {
            role: parse_stored(&row.role)?,
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            organization_id: row.organization_id,
            org_admin: row.org_admin,
            active: row.is_active,
            email_confirmed: row.email_confirmed_at.is_some(),
            password_hash: row.password_hash,
            password_changed_at: row.password_changed_at,
            must_change_password: row.must_change_password,
        })
    }
}

/// A new user to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password_hash: String,
    pub display_name: String,
    pub role: UserRole,
    pub organization_id: Option<i64>,
    pub org_admin: bool,
    pub email_confirmed: bool,
}

/// What a registration asks for, with the password already hashed.
#[derive(Debug, Clone)]
pub enum RegistrationRequest {
    /// A new organization (a draft until approved).
    New(Box<(OrganizationInput, ValidOrganization)>),
    /// A claim of a published organization, by slug.
    Claim(String),
}

/// The outcome of using a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// Rotated: the old token is spent, the new one stored in the same family.
    Rotated { user_id: i64, family: String },
    /// The token was already spent or revoked: its whole family is now revoked.
    Reused,
    /// The session is older than its absolute lifetime: the person signs in again.
    Ended,
    /// Unknown or expired.
    Invalid,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetimes {
    /// Without a refresh a session (its latest token) expires after this long.
    pub idle: Duration,
    /// A partner's session ends this long after the sign-in, however often it was refreshed.
    pub partner: Duration,
    /// An operator's (moderator, editor, admin) likewise: shorter, their reach is wider.
    pub operator: Duration,
    /// A token rotated this recently may be presented once more (two tabs refreshing at the
    /// same moment): the second gets a token of the same session instead of ending it.
    pub grace: Duration,
}

impl SessionLifetimes {
    /// The absolute lifetime of a session of someone with this role.
    pub fn absolute(&self, role: UserRole) -> Duration {
        if role == UserRole::Partner { self.partner } else { self.operator }
    }
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        Self { idle: Duration::days(30), partner: Duration::days(30), operator: Duration::hours(12), grace: Duration::seconds(30) }
    }
}

/// A token older than a password change or an account that cannot sign in.
fn session_allowed(account: &Account) -> bool {
    account.active
}

async fn insert_user(db: &impl ConnectionTrait, new: &NewAccount) -> Result<i64, StoreError> {
    let now = Utc::now();
    let saved = user::ActiveModel {
        email: Set(new.email.to_string()),
        password_hash: Set(new.password_hash.clone()),
        display_name: Set(new.display_name.clone()),
        role: Set(new.role.as_str().to_owned()),
        organization_id: Set(new.organization_id),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        email_confirmed_at: Set(new.email_confirmed.then_some(now)),
        password_changed_at: Set(Some(now)),
        org_admin: Set(new.org_admin),
        must_change_password: Set(false),
        joined_organization_at: Set(new.organization_id.map(|_| now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            StoreError::invalid("email", "taken", "На этот адрес уже зарегистрирована учётная запись. Войдите или восстановите пароль.")
        } else {
            e
        }
    })?;
    Ok(saved.id)
}

/// Ends every session of a user but `keep_family`: their refresh tokens are revoked, and the
/// access tokens of those sessions are refused from the next request.
pub(crate) async fn revoke_sessions(db: &impl ConnectionTrait, user_id: i64, keep_family: Option<&str>) -> Result<(), StoreError> {
    let mut revoke = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(family) = keep_family {
        revoke = revoke.filter(refresh_token::Column::FamilyId.ne(family));
    }
    revoke.exec(db).await?;
    Ok(())
}

/// A refresh token of the family begun at `started`.
async fn insert_refresh(
    db: &impl ConnectionTrait,
    user_id: i64,
    family: &str,
    token_hash: &str,
    started: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    refresh_token::ActiveModel {
        user_id: Set(user_id),
        family_id: Set(family.to_owned()),
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        rotated_at: Set(None),
        created_at: Set(Utc::now()),
        family_started_at: Set(Some(started)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn insert_one_time(db: &impl ConnectionTrait, user_id: i64, purpose: TokenPurpose, token_hash: &str) -> Result<(), StoreError> {
    let now = Utc::now();
    one_time_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl Store {
    /// A user by id.
    pub async fn account(&self, id: i64) -> Result<Option<Account>, StoreError> {
        user::Entity::find_by_id(id).one(&self.db).await?.map(Account::try_from).transpose()
    }

    /// A user by e-mail.
    pub async fn account_by_email(&self, email: &Email) -> Result<Option<Account>, StoreError> {
        user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&self.db).await?.map(Account::try_from).transpose()
    }

    /// Creates a user (an operator's moderator, a script's account).
    pub async fn create_account(&self, new: &NewAccount) -> Result<i64, StoreError> {
        insert_user(&self.db, new).await
    }

    /// Creates a user whose password was printed once (`socio user add`): until it is changed,
    /// changing it is all the account can do.
    pub async fn create_account_with_one_time_password(&self, new: &NewAccount) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let id = insert_user(&txn, new).await?;
        user::Entity::update_many()
            .col_expr(user::Column::MustChangePassword, Expr::value(true))
            .filter(user::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Registers a partner in one transaction: the new organization (a draft) or a pending
    /// claim, the user, and the e-mail confirmation token. Returns the user's id.
    pub async fn register_partner(
        &self,
        new: &NewAccount,
        request: &RegistrationRequest,
        confirmation_hash: &str,
    ) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let (user_id, claim) = match request {
            RegistrationRequest::New(org) => {
                let (input, valid) = org.as_ref();
                let org_id = insert_organization(&txn, valid).await?;
                let user_id = insert_user(&txn, &NewAccount { organization_id: Some(org_id), org_admin: true, ..new.clone() }).await?;
                audit(&txn, Actor::User(user_id), "register", "organization", org_id, serde_json::json!({ "after": input })).await?;
                (user_id, None)
            }
            RegistrationRequest::Claim(slug) => {
                let org = organization::Entity::find()
                    .filter(organization::Column::Slug.eq(slug.as_str()))
                    .filter(organization::Column::Status.eq(ModerationStatus::Published.as_str()))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid(
                            "claim",
                            "unknown_value",
                            format!("Организации «{slug}» нет в справочнике. Выберите её из списка или зарегистрируйте новую."),
                        )
                    })?;
                let user_id = insert_user(&txn, &NewAccount { organization_id: None, org_admin: false, ..new.clone() }).await?;
                (user_id, Some(org))
            }
        };
        if let Some(org) = claim {
            revision::ActiveModel {
                entity_type: Set(RevisionSubject::Claim.as_str().to_owned()),
                entity_id: Set(Some(org.id)),
                organization_id: Set(Some(org.id)),
                author_id: Set(Some(user_id)),
                base_version: Set(Some(org.version)),
                payload: Set(serde_json::json!({ "display_name": new.display_name, "email": new.email.as_str() })),
                status: Set(RevisionStatus::Pending.as_str().to_owned()),
                reviewer_id: Set(None),
                review_comment: Set(None),
                created_at: Set(Utc::now()),
                decided_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        insert_one_time(&txn, user_id, TokenPurpose::ConfirmEmail, confirmation_hash).await?;
        txn.commit().await?;
        Ok(user_id)
    }

    /// Stores a new one-time token for `user_id`.
    pub async fn issue_one_time_token(&self, user_id: i64, purpose: TokenPurpose, token_hash: &str) -> Result<(), StoreError> {
        insert_one_time(&self.db, user_id, purpose, token_hash).await
    }

    /// Spends a one-time token: `Some(user_id)` once, `None` when unknown, expired or used.
    pub async fn use_one_time_token(&self, purpose: TokenPurpose, token_hash: &str) -> Result<Option<i64>, StoreError> {
        let now = Utc::now();
        let Some(row) = one_time_token::Entity::find()
            .filter(one_time_token::Column::TokenHash.eq(token_hash))
            .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if row.used_at.is_some() || row.expires_at < now {
            return Ok(None);
        }
        let spent = one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::UsedAt, Expr::value(now))
            .filter(one_time_token::Column::Id.eq(row.id))
            .filter(one_time_token::Column::UsedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok((spent.rows_affected == 1).then_some(row.user_id))
    }

    /// The user a usable (unspent, unexpired) one-time token belongs to, without spending it.
    pub async fn account_by_token(&self, purpose: TokenPurpose, token_hash: &str) -> Result<Option<Account>, StoreError> {
        let Some(row) = one_time_token::Entity::find()
            .filter(one_time_token::Column::TokenHash.eq(token_hash))
            .filter(one_time_token::Column::Purpose.eq(purpose.as_str()))
            .filter(one_time_token::Column::UsedAt.is_null())
            .filter(one_time_token::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        self.account(row.user_id).await
    }

    /// Marks the user's address confirmed.
    pub async fn confirm_email(&self, user_id: i64) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(user::Column::EmailConfirmedAt, Expr::value(Some(Utc::now())))
            .filter(user::Column::Id.eq(user_id))
            .filter(user::Column::EmailConfirmedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Sets a new password hash, ends every session but `keep_family`, spends every unused reset
    /// and invitation link of the user, and confirms the address (a reset or invitation link
    /// proves the person reads that mailbox).
    pub async fn set_password(&self, user_id: i64, password_hash: &str, keep_family: Option<&str>) -> Result<(), StoreError> {
        let now = Utc::now();
        let txn = self.write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(false))
            .col_expr(user::Column::PasswordChangedAt, Expr::value(Some(now)))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        user::Entity::update_many()
            .col_expr(user::Column::EmailConfirmedAt, Expr::value(Some(now)))
            .filter(user::Column::Id.eq(user_id))
            .filter(user::Column::EmailConfirmedAt.is_null())
            .exec(&txn)
            .await?;
        // Every other link of this kind that is still out there is spent with it: a reset
        // asked for twice leaves no second way in.
        one_time_token::Entity::update_many()
            .col_expr(one_time_token::Column::UsedAt, Expr::value(Some(now)))
            .filter(one_time_token::Column::UserId.eq(user_id))
            .filter(one_time_token::Column::Purpose.is_in([TokenPurpose::ResetPassword.as_str(), TokenPurpose::Invitation.as_str()]))
            .filter(one_time_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        revoke_sessions(&txn, user_id, keep_family).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Notes a successful sign-in.
    /// Notes a sign-in; an operator's (not a partner's) is also an audit entry.
    pub async fn record_login(&self, user_id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::LastLoginAt, Expr::value(Some(Utc::now())))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        let role = user::Entity::find_by_id(user_id).one(&txn).await?.map(|u| u.role);
        if role.as_deref().is_some_and(|r| r != UserRole::Partner.as_str()) {
            audit(&txn, Actor::User(user_id), "login", "user", user_id, serde_json::json!({ "role": role })).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Stores the first refresh token of a new session (family) of `account`.
    pub async fn start_session(
        &self,
        account: &Account,
        family: &str,
        token_hash: &str,
        lifetimes: &SessionLifetimes,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let expires_at = now + lifetimes.idle.min(lifetimes.absolute(account.role));
        insert_refresh(&self.db, account.id, family, token_hash, now, expires_at).await
    }

    /// Spends `presented` and stores `next` in its family. A token presented a second time
    /// revokes the family (someone else holds a copy), unless it was rotated within the grace
    /// window (a second tab): then it too gets a token of the same family. A family older than
    /// its absolute lifetime ends.
    pub async fn rotate_session(&self, presented: &str, next: &str, lifetimes: &SessionLifetimes) -> Result<Refresh, StoreError> {
        let now = Utc::now();
        let Some(row) = refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(presented)).one(&self.db).await? else {
            return Ok(Refresh::Invalid);
        };
        if row.revoked_at.is_some() {
            self.end_session(&row.family_id).await?;
            return Ok(Refresh::Reused);
        }
        let Some(account) = self.account(row.user_id).await?.filter(session_allowed) else {
            self.end_session(&row.family_id).await?;
            return Ok(Refresh::Invalid);
        };
        let started = row.family_started_at.unwrap_or(row.created_at);
        let ends = started + lifetimes.absolute(account.role);
        if now >= ends {
            self.end_session(&row.family_id).await?;
            return Ok(Refresh::Ended);
        }
        if row.rotated_at.is_none() && row.expires_at < now {
            return Ok(Refresh::Invalid);
        }
        let txn = self.write().await?;
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(now)))
            .filter(refresh_token::Column::Id.eq(row.id))
            .filter(refresh_token::Column::RotatedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            // Rotated already: a moment ago by another tab of the same browser is fine, anything
            // else means a copy of the token is elsewhere.
            let rotated = refresh_token::Entity::find_by_id(row.id).one(&txn).await?;
            let just_now = rotated.is_some_and(|r| r.revoked_at.is_none() && r.rotated_at.is_some_and(|at| now - at <= lifetimes.grace));
            if !just_now {
                txn.rollback().await?;
                self.end_session(&row.family_id).await?;
                return Ok(Refresh::Reused);
            }
        }
        insert_refresh(&txn, row.user_id, &row.family_id, next, started, (now + lifetimes.idle).min(ends)).await?;
        txn.commit().await?;
        Ok(Refresh::Rotated { user_id: row.user_id, family: row.family_id })
    }

    /// The family of a refresh token, if the token is known.
    pub async fn session_family(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        Ok(refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(token_hash)).one(&self.db).await?.map(|t| t.family_id))
    }

    /// Revokes every token of a session (logout, reuse).
    pub async fn end_session(&self, family: &str) -> Result<(), StoreError> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(refresh_token::Column::FamilyId.eq(family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Is any token of this session still usable?
    pub async fn session_active(&self, family: &str) -> Result<bool, StoreError> {
        Ok(refresh_token::Entity::find()
            .filter(refresh_token::Column::FamilyId.eq(family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::RotatedAt.is_null())
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The organization a partner works for, in short.
    pub async fn my_organization(&self, id: i64) -> Result<Option<MyOrganization>, StoreError> {
        organization::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|o| Ok(MyOrganization { id: o.id, slug: o.slug, name: o.name, status: parse_stored(&o.status)? }))
            .transpose()
    }

    /// The addresses of the organization's active cabinet admins.
    pub async fn organization_admins(&self, organization_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::OrganizationId.eq(organization_id))
            .filter(user::Column::OrgAdmin.eq(true))
            .filter(user::Column::IsActive.eq(true))
            .order_by_asc(user::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect())
    }

    /// Does the user have a claim waiting for a moderator?
    pub async fn claim_pending(&self, user_id: i64) -> Result<bool, StoreError> {
        Ok(revision::Entity::find()
            .filter(revision::Column::EntityType.eq(RevisionSubject::Claim.as_str()))
            .filter(revision::Column::AuthorId.eq(user_id))
            .filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The organization's users, then the invitations still waiting to be accepted.
    pub async fn colleagues(&self, organization_id: i64) -> Result<Vec<Colleague>, StoreError> {
        let users = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(organization_id))
            .filter(user::Column::IsActive.eq(true))
            .order_by_asc(user::Column::Id)
            .all(&self.db)
            .await?;
        let waiting = invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
            .order_by_asc(invitation::Column::Id)
            .all(&self.db)
            .await?;
        let people = users.into_iter().map(|u| Colleague {
            id: u.id,
            active: u.password_changed_at.is_some() && u.email_confirmed_at.is_some(),
            email: u.email,
            display_name: u.display_name,
            org_admin: u.org_admin,
            invitation: false,
        });
        let invited = waiting.into_iter().map(|i| Colleague {
            id: i.id,
            active: false,
            email: i.email,
            display_name: i.display_name,
            org_admin: false,
            invitation: true,
        });
        Ok(people.chain(invited).collect())
    }

    /// Invites a colleague into a published organization's cabinet, at most `daily_limit`
    /// invitations a day per organization. No account is made: the address stays free until
    /// the invitation is accepted. Returns the invitation's id.
    pub async fn invite_colleague(
        &self,
        actor: i64,
        organization_id: i64,
        email: &Email,
        display_name: &str,
        token_hash: &str,
        daily_limit: u32,
    ) -> Result<i64, StoreError> {
        let now = Utc::now();
        let txn = self.write().await?;
        let organization = organization::Entity::find_by_id(organization_id).one(&txn).await?.ok_or(StoreError::NotFound("Организация"))?;
        if organization.status != ModerationStatus::Published.as_str() {
            return Err(StoreError::Refused {
                code: "organization_not_approved",
                detail:
                    "Приглашать коллег можно после того, как модератор одобрит организацию: до этого письма от её имени не отправляются."
                        .to_owned(),
            });
        }
        let since = now - Duration::days(1);
        let today = invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(organization_id))
            .filter(invitation::Column::CreatedAt.gt(since))
            .order_by_asc(invitation::Column::CreatedAt)
            .all(&txn)
            .await?;
        if today.len() >= daily_limit as usize {
            let retry_after = today.first().map_or(3600, |first| (first.created_at + Duration::days(1) - now).num_seconds().max(1) as u64);
            return Err(StoreError::Limited {
                code: "invitation_limit",
                detail: format!(
                    "За сутки организация может отправить не больше {daily_limit} приглашений. Следующее — через {} ч.",
                    retry_after.div_ceil(3600)
                ),
                retry_after,
            });
        }
        if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(&txn).await?.is_some() {
            return Err(StoreError::invalid("email", "taken", "На этот адрес уже есть учётная запись: такого коллегу пригласить нельзя."));
        }
        let saved = invitation::ActiveModel {
            organization_id: Set(organization_id),
            email: Set(email.to_string()),
            display_name: Set(display_name.to_owned()),
            token_hash: Set(token_hash.to_owned()),
            invited_by: Set(Some(actor)),
            created_at: Set(now),
            expires_at: Set(now + TokenPurpose::Invitation.lifetime()),
            accepted_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            Actor::User(actor),
            "invite",
            "organization",
            organization_id,
            serde_json::json!({ "email": email.as_str(), "invitation": saved.id }),
        )
        .await?;
        txn.commit().await?;
        Ok(saved.id)
    }

    /// The address a usable (unaccepted, unexpired) colleague's invitation was sent to.
    pub async fn invited_email(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        Ok(invitation::Entity::find()
            .filter(invitation::Column::TokenHash.eq(token_hash))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?
            .map(|i| i.email))
    }

    /// Accepts a colleague's invitation: the account is made now, confirmed (the link proves the
    /// mailbox) and with this password. `None` when the link is unknown, spent or expired.
    pub async fn accept_invitation(&self, token_hash: &str, password_hash: &str) -> Result<Option<i64>, StoreError> {
        let now = Utc::now();
        let txn = self.write().await?;
        let Some(row) = invitation::Entity::find()
            .filter(invitation::Column::TokenHash.eq(token_hash))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        let spent = invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(now)))
            .filter(invitation::Column::Id.eq(row.id))
            .filter(invitation::Column::AcceptedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Ok(None);
        }
        let email = Email::parse(&row.email).map_err(|e| StoreError::corrupt(format!("invitation {}: {e}", row.id)))?;
        let new = NewAccount {
            email,
            password_hash: password_hash.to_owned(),
            display_name: row.display_name.clone(),
            role: UserRole::Partner,
            organization_id: Some(row.organization_id),
            org_admin: false,
            email_confirmed: true,
        };
        let user_id = insert_user(&txn, &new).await?;
        audit(
            &txn,
            Actor::User(user_id),
            "accept_invitation",
            "user",
            user_id,
            serde_json::json!({ "invitation": row.id, "organization_id": row.organization_id }),
        )
        .await?;
        txn.commit().await?;
        Ok(Some(user_id))
    }

    /// A user without a usable password yet and the invitation token, audited as `invite`.
    pub(crate) async fn invite(
        &self,
        actor: i64,
        new: &NewAccount,
        token_hash: &str,
        details: serde_json::Value,
    ) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let user_id = insert_user(&txn, new).await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordChangedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        insert_one_time(&txn, user_id, TokenPurpose::Invitation, token_hash).await?;
        audit(&txn, Actor::User(actor), "invite", "user", user_id, details).await?;
        txn.commit().await?;
        Ok(user_id)
    }

    /// Removes a colleague from the organization: disabled, sessions ended. `false` when the
    /// user is not of this organization. An admin who joined before the actor (say, the one the
    /// actor's claim came after) is refused: only an operator may remove them.
    pub async fn remove_colleague(&self, actor: i64, organization_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let now = Utc::now();
        let txn = self.write().await?;
        let (Some(remover), Some(target)) =
            (user::Entity::find_by_id(actor).one(&txn).await?, user::Entity::find_by_id(user_id).one(&txn).await?)
        else {
            return Ok(false);
        };
        let first = |u: &user::Model| u.joined_organization_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
        if target.organization_id == Some(organization_id) && target.org_admin && first(&target) < first(&remover) {
            return Err(StoreError::Refused {
                code: "admin_was_first",
                detail: "Этот администратор работал в кабинете раньше вас: удалить его может только оператор. Напишите модератору."
                    .to_owned(),
            });
        }
        let removed = user::Entity::update_many()
            .col_expr(user::Column::IsActive, Expr::value(false))
            .col_expr(user::Column::OrganizationId, Expr::value(Option::<i64>::None))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(user_id))
            .filter(user::Column::OrganizationId.eq(organization_id))
            .filter(user::Column::IsActive.eq(true))
            .exec(&txn)
            .await?;
        if removed.rows_affected == 0 {
            return Ok(false);
        }
        revoke_sessions(&txn, user_id, None).await?;
        audit(&txn, Actor::User(actor), "remove_colleague", "user", user_id, serde_json::json!({ "organization_id": organization_id }))
            .await?;
        txn.commit().await?;
        Ok(true)
    }
}
