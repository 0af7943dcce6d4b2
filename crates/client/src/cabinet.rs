//! The partner cabinet, the sign-in and the moderation queue through the typed client.
//!
//! Calls carry the token given to [`Client::with_token`]; writes of a record take the version
//! from its last read (`Editable::version`) and send it as `If-Match`. In the browser the
//! refresh cookie travels by itself (same origin); natively [`Client::refresh`] needs a
//! cookie-keeping reqwest client.

use reqwest::Method;
use socio_domain::api::{
    AccessChange, AuditEntry, AuthoredSituation, CabinetListItem, CabinetReport, Colleague, Editable, EmailOnly, ImportOutcome, Invitation,
    LocationInput, Login, Me, NewNote, NewOperator, NewPasswordWithToken, OneTimeToken, Operator, OrganizationInput, Page, PasswordChange,
    QualityItem, QualityReminder, Registration, Rejection, ResolveReport, ReviewDecision, ReviewerNote, RevisionProposal, RevisionView,
    RoleChange, ServiceCandidate, ServiceInput, ServiceStatistics, Session, SituationDefinition, SituationVersion, UsageReport,
};
use socio_domain::vocabulary::{NoteSubject, QualityCheck, RevisionSubject, UserRole};

use crate::{Client, ClientError};

/// A file of many records, and where it is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// The partner's filled-in template (CSV): `POST /api/v1/cabinet/import`.
    Template,
    /// The partner's own organization as an HSDS package (ZIP): `POST /api/v1/cabinet/import/package`.
    PartnerPackage,
    /// Any organizations as an HSDS package (ZIP), published at once: `POST /api/v1/backoffice/import`.
    OperatorPackage,
}

impl Upload {
    fn path(self) -> &'static str {
        match self {
            Upload::Template => "/api/v1/cabinet/import",
            Upload::PartnerPackage => "/api/v1/cabinet/import/package",
            Upload::OperatorPackage => "/api/v1/backoffice/import",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Upload::Template => "text/csv",
            Upload::PartnerPackage | Upload::OperatorPackage => "application/zip",
        }
    }

    /// The most the server takes of this kind, in bytes.
    pub fn limit(self) -> usize {
        match self {
            Upload::Template => socio_domain::api::MAX_TEMPLATE_BYTES,
            Upload::PartnerPackage | Upload::OperatorPackage => socio_domain::api::MAX_PACKAGE_UPLOAD_BYTES,
        }
    }
}

/// The two kinds of records with their own cabinet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CabinetPath {
    Locations,
    Services,
}

impl CabinetPath {
    fn path(self) -> &'static str {
        match self {
            CabinetPath::Locations => "/api/v1/cabinet/locations",
            CabinetPath::Services => "/api/v1/cabinet/services",
        }
    }
}

const NO_BODY: Option<&()> = None;

impl Client {
    /// `POST /api/v1/auth/register`.
    pub async fn register(&self, registration: &Registration) -> Result<Me, ClientError> {
        self.call(Method::POST, "/api/v1/auth/register", Some(registration), None).await
    }

    /// `POST /api/v1/auth/confirm-email` with the token from the letter.
    pub async fn confirm_email(&self, token: &str) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/confirm-email", Some(&OneTimeToken { token: token.to_owned() }), None).await
    }

    /// `POST /api/v1/auth/resend-confirmation`.
    pub async fn resend_confirmation(&self, email: &str) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/resend-confirmation", Some(&EmailOnly { email: email.to_owned() }), None).await
    }

    /// `POST /api/v1/auth/login`.
    pub async fn login(&self, login: &Login) -> Result<Session, ClientError> {
        self.call(Method::POST, "/api/v1/auth/login", Some(login), None).await
    }

    /// `POST /api/v1/auth/refresh` (the refresh cookie must travel with the request).
    pub async fn refresh(&self) -> Result<Session, ClientError> {
        self.call(Method::POST, "/api/v1/auth/refresh", NO_BODY, None).await
    }

    /// `POST /api/v1/auth/logout`.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/logout", NO_BODY, None).await
    }

    /// `GET /api/v1/auth/me`.
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.call(Method::GET, "/api/v1/auth/me", NO_BODY, None).await
    }

    /// `POST /api/v1/auth/password`.
    pub async fn change_password(&self, change: &PasswordChange) -> Result<Session, ClientError> {
        self.call(Method::POST, "/api/v1/auth/password", Some(change), None).await
    }

    /// `POST /api/v1/auth/password-reset`.
    pub async fn request_password_reset(&self, email: &str) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/password-reset", Some(&EmailOnly { email: email.to_owned() }), None).await
    }

    /// `POST /api/v1/auth/password-reset/confirm`.
    pub async fn reset_password(&self, reset: &NewPasswordWithToken) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/password-reset/confirm", Some(reset), None).await
    }

    /// `POST /api/v1/auth/invitation/accept`.
    pub async fn accept_invitation(&self, accept: &NewPasswordWithToken) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/auth/invitation/accept", Some(accept), None).await
    }

    /// `GET /api/v1/cabinet/organization`.
    pub async fn cabinet_organization(&self) -> Result<Editable<OrganizationInput>, ClientError> {
        self.call(Method::GET, "/api/v1/cabinet/organization", NO_BODY, None).await
    }

    /// `PUT /api/v1/cabinet/organization` at `version`.
    pub async fn save_cabinet_organization(
        &self,
        version: i32,
        input: &OrganizationInput,
    ) -> Result<Editable<OrganizationInput>, ClientError> {
        self.call(Method::PUT, "/api/v1/cabinet/organization", Some(input), Some(version)).await
    }

    /// `POST /api/v1/cabinet/organization/submit`.
    pub async fn submit_cabinet_organization(&self) -> Result<Editable<OrganizationInput>, ClientError> {
        self.call(Method::POST, "/api/v1/cabinet/organization/submit", NO_BODY, None).await
    }

    /// `POST /api/v1/cabinet/organization/confirm`: «Данные актуальны».
    pub async fn confirm_cabinet_organization(&self) -> Result<Editable<OrganizationInput>, ClientError> {
        self.call(Method::POST, "/api/v1/cabinet/organization/confirm", NO_BODY, None).await
    }

    /// `GET /api/v1/cabinet/locations` or `/services`.
    pub async fn cabinet_list(&self, kind: CabinetPath) -> Result<Vec<CabinetListItem>, ClientError> {
        self.call(Method::GET, kind.path(), NO_BODY, None).await
    }

    /// `POST /api/v1/cabinet/locations`: a new draft address.
    pub async fn create_location(&self, input: &LocationInput) -> Result<Editable<LocationInput>, ClientError> {
        self.call(Method::POST, CabinetPath::Locations.path(), Some(input), None).await
    }

    /// `GET /api/v1/cabinet/locations/{id}`.
    pub async fn cabinet_location(&self, id: i64) -> Result<Editable<LocationInput>, ClientError> {
        self.call(Method::GET, &format!("{}/{id}", CabinetPath::Locations.path()), NO_BODY, None).await
    }

    /// `PUT /api/v1/cabinet/locations/{id}` at `version`.
    pub async fn save_location(&self, id: i64, version: i32, input: &LocationInput) -> Result<Editable<LocationInput>, ClientError> {
        self.call(Method::PUT, &format!("{}/{id}", CabinetPath::Locations.path()), Some(input), Some(version)).await
    }

    /// `POST /api/v1/cabinet/services`: a new draft service.
    pub async fn create_service(&self, input: &ServiceInput) -> Result<Editable<ServiceInput>, ClientError> {
        self.call(Method::POST, CabinetPath::Services.path(), Some(input), None).await
    }

    /// `GET /api/v1/cabinet/services/{id}`.
    pub async fn cabinet_service(&self, id: i64) -> Result<Editable<ServiceInput>, ClientError> {
        self.call(Method::GET, &format!("{}/{id}", CabinetPath::Services.path()), NO_BODY, None).await
    }

    /// `PUT /api/v1/cabinet/services/{id}` at `version`.
    pub async fn save_service(&self, id: i64, version: i32, input: &ServiceInput) -> Result<Editable<ServiceInput>, ClientError> {
        self.call(Method::PUT, &format!("{}/{id}", CabinetPath::Services.path()), Some(input), Some(version)).await
    }

    /// `POST /api/v1/cabinet/services/{id}/confirm`: «Данные актуальны».
    pub async fn confirm_service(&self, id: i64) -> Result<Editable<ServiceInput>, ClientError> {
        self.call(Method::POST, &format!("{}/{id}/confirm", CabinetPath::Services.path()), NO_BODY, None).await
    }

    /// `POST /api/v1/cabinet/{locations|services}/{id}/submit`: a draft to moderation.
    pub async fn submit(&self, kind: CabinetPath, id: i64) -> Result<(), ClientError> {
        self.call_empty(Method::POST, &format!("{}/{id}/submit", kind.path()), NO_BODY, None).await
    }

    /// `DELETE /api/v1/cabinet/{locations|services}/{id}` at `version`: withdraw.
    pub async fn withdraw(&self, kind: CabinetPath, id: i64, version: i32) -> Result<(), ClientError> {
        self.call_empty(Method::DELETE, &format!("{}/{id}", kind.path()), NO_BODY, Some(version)).await
    }

    /// `GET /api/v1/cabinet/revisions`.
    pub async fn cabinet_revisions(&self, page: u32) -> Result<Page<RevisionView>, ClientError> {
        self.get("/api/v1/cabinet/revisions", &[("page", page.to_string())]).await
    }

    /// `GET /api/v1/cabinet/revisions/{id}`.
    pub async fn cabinet_revision(&self, id: i64) -> Result<RevisionView, ClientError> {
        self.call(Method::GET, &format!("/api/v1/cabinet/revisions/{id}"), NO_BODY, None).await
    }

    /// `GET /api/v1/cabinet/reports`.
    pub async fn cabinet_reports(&self) -> Result<Vec<CabinetReport>, ClientError> {
        self.call(Method::GET, "/api/v1/cabinet/reports", NO_BODY, None).await
    }

    /// `POST /api/v1/cabinet/reports/{id}/resolve`.
    pub async fn resolve_report(&self, id: i64, comment: &str) -> Result<(), ClientError> {
        self.call_empty(
            Method::POST,
            &format!("/api/v1/cabinet/reports/{id}/resolve"),
            Some(&ResolveReport { comment: comment.to_owned() }),
            None,
        )
        .await
    }

    /// `GET /api/v1/cabinet/statistics`.
    pub async fn cabinet_statistics(&self) -> Result<Vec<ServiceStatistics>, ClientError> {
        self.call(Method::GET, "/api/v1/cabinet/statistics", NO_BODY, None).await
    }

    /// `GET /api/v1/cabinet/colleagues`.
    pub async fn colleagues(&self) -> Result<Vec<Colleague>, ClientError> {
        self.call(Method::GET, "/api/v1/cabinet/colleagues", NO_BODY, None).await
    }

    /// `POST /api/v1/cabinet/colleagues`.
    pub async fn invite_colleague(&self, invitation: &Invitation) -> Result<Vec<Colleague>, ClientError> {
        self.call(Method::POST, "/api/v1/cabinet/colleagues", Some(invitation), None).await
    }

    /// `DELETE /api/v1/cabinet/colleagues/{id}`.
    pub async fn remove_colleague(&self, id: i64) -> Result<(), ClientError> {
        self.call_empty(Method::DELETE, &format!("/api/v1/cabinet/colleagues/{id}"), NO_BODY, None).await
    }

    /// `GET /api/v1/backoffice/revisions`: the moderation queue.
    pub async fn moderation_queue(&self, page: u32) -> Result<Page<RevisionView>, ClientError> {
        self.moderation_queue_of(None, None, page).await
    }

    /// `GET /api/v1/backoffice/revisions?subject=…&municipality=…`: one kind, one city.
    pub async fn moderation_queue_of(
        &self,
        subject: Option<RevisionSubject>,
        municipality: Option<&str>,
        page: u32,
    ) -> Result<Page<RevisionView>, ClientError> {
        let mut query = vec![("page", page.to_string())];
        query.extend(subject.map(|s| ("subject", s.as_str().to_owned())));
        query.extend(municipality.map(|m| ("municipality", m.to_owned())));
        self.get("/api/v1/backoffice/revisions", &query).await
    }

    /// `GET /api/v1/backoffice/revisions/{id}`.
    pub async fn moderation_revision(&self, id: i64) -> Result<RevisionView, ClientError> {
        self.call(Method::GET, &format!("/api/v1/backoffice/revisions/{id}"), NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/revisions/{id}/approve` at the proposal's `version` (the one
    /// the moderator read; 412 when the partner has rewritten it since), with the moderator's
    /// correction when `decision.edited` holds one.
    pub async fn approve_revision(&self, id: i64, version: i32, decision: &ReviewDecision) -> Result<RevisionView, ClientError> {
        self.call(Method::POST, &format!("/api/v1/backoffice/revisions/{id}/approve"), Some(decision), Some(version)).await
    }

    /// `GET /api/v1/backoffice/revisions/{id}/proposal`: the proposed record, for a correction.
    pub async fn revision_proposal(&self, id: i64) -> Result<RevisionProposal, ClientError> {
        self.call(Method::GET, &format!("/api/v1/backoffice/revisions/{id}/proposal"), NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/revisions/{id}/reject` at the proposal's `version`.
    pub async fn reject_revision(&self, id: i64, version: i32, rejection: &Rejection) -> Result<RevisionView, ClientError> {
        self.call(Method::POST, &format!("/api/v1/backoffice/revisions/{id}/reject"), Some(rejection), Some(version)).await
    }

    /// `GET /api/v1/backoffice/audit?{query}` (filters as the document lists them).
    pub async fn audit_log(&self, query: &str) -> Result<Page<AuditEntry>, ClientError> {
        self.call(Method::GET, &format!("/api/v1/backoffice/audit?{query}"), NO_BODY, None).await
    }

    /// `GET /api/v1/backoffice/notes`: the operator's notes on a record.
    pub async fn notes(&self, subject: NoteSubject, entity_id: i64) -> Result<Vec<ReviewerNote>, ClientError> {
        self.call(Method::GET, &format!("/api/v1/backoffice/notes?subject={subject}&entity_id={entity_id}"), NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/notes`.
    pub async fn add_note(&self, note: &NewNote) -> Result<ReviewerNote, ClientError> {
        self.call(Method::POST, "/api/v1/backoffice/notes", Some(note), None).await
    }

    /// `GET /api/v1/backoffice/usage?days=…[&municipality=…]`.
    pub async fn usage(&self, days: u16, municipality: Option<&str>) -> Result<UsageReport, ClientError> {
        let city = municipality.map(|m| format!("&municipality={m}")).unwrap_or_default();
        self.call(Method::GET, &format!("/api/v1/backoffice/usage?days={days}{city}"), NO_BODY, None).await
    }

    /// `GET /api/v1/backoffice/quality?check=…&page=…`: one data-quality list.
    pub async fn quality(&self, check: QualityCheck, page: u32) -> Result<Page<QualityItem>, ClientError> {
        self.get("/api/v1/backoffice/quality", &[("check", check.as_str().to_owned()), ("page", page.to_string())]).await
    }

    /// `POST /api/v1/backoffice/quality/remind`: a reminder letter to the organization.
    pub async fn remind(&self, reminder: &QualityReminder) -> Result<(), ClientError> {
        self.call_empty(Method::POST, "/api/v1/backoffice/quality/remind", Some(reminder), None).await
    }

    /// `GET /api/v1/backoffice/audit.csv?{query}`: the log as CSV text (UTF-8 with BOM).
    pub async fn audit_csv(&self, query: &str) -> Result<String, ClientError> {
        let response = self.send(Method::GET, &format!("/api/v1/backoffice/audit.csv?{query}"), NO_BODY, None).await?;
        if response.status().is_success() {
            return Ok(response.text().await?);
        }
        Self::decode(response).await
    }

    /// `GET /api/v1/cabinet/import/template`: the template for Excel (CSV, UTF-8 with BOM).
    pub async fn import_template(&self) -> Result<String, ClientError> {
        let response = self.send(Method::GET, "/api/v1/cabinet/import/template", NO_BODY, None).await?;
        if response.status().is_success() {
            return Ok(response.text().await?);
        }
        Self::decode(response).await
    }

    /// Uploads `file` (a dry run checks it and writes nothing); every problem comes back as
    /// the 422's errors, one per row and column (`шаблон.csv:3:Категории`).
    pub async fn import_file(&self, upload: Upload, file: Vec<u8>, dry_run: bool) -> Result<ImportOutcome, ClientError> {
        Self::decode(self.upload(upload, file, &format!("dry_run={dry_run}")).await?).await
    }

    /// The problems of `file` as a CSV table for Excel (nothing is written).
    pub async fn import_problems_csv(&self, upload: Upload, file: Vec<u8>) -> Result<String, ClientError> {
        let response = self.upload(upload, file, "dry_run=true&answer=csv").await?;
        if response.status().is_success() {
            return Ok(response.text().await?);
        }
        Self::decode(response).await
    }

    async fn upload(&self, upload: Upload, file: Vec<u8>, query: &str) -> Result<reqwest::Response, ClientError> {
        let mut request = self
            .http
            .post(format!("{}{}?{query}", self.base, upload.path()))
            .header(reqwest::header::CONTENT_TYPE, upload.content_type())
            .body(file);
        if let Some(token) = &self.token {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        Ok(request.send().await?)
    }

    /// `GET /api/v1/backoffice/users`.
    pub async fn operators(&self) -> Result<Vec<Operator>, ClientError> {
        self.call(Method::GET, "/api/v1/backoffice/users", NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/users`.
    pub async fn invite_operator(&self, new: &NewOperator) -> Result<Vec<Operator>, ClientError> {
        self.call(Method::POST, "/api/v1/backoffice/users", Some(new), None).await
    }

    /// `PUT /api/v1/backoffice/users/{id}/role`.
    pub async fn change_role(&self, id: i64, role: UserRole) -> Result<Operator, ClientError> {
        self.call(Method::PUT, &format!("/api/v1/backoffice/users/{id}/role"), Some(&RoleChange { role }), None).await
    }

    /// `PUT /api/v1/backoffice/users/{id}/active`: closes (`false`) or opens an operator's access.
    pub async fn set_operator_active(&self, id: i64, active: bool) -> Result<Operator, ClientError> {
        self.call(Method::PUT, &format!("/api/v1/backoffice/users/{id}/active"), Some(&AccessChange { active }), None).await
    }

    /// `GET /api/v1/backoffice/situations`: the editor's list.
    pub async fn authored_situations(&self) -> Result<Vec<AuthoredSituation>, ClientError> {
        self.call(Method::GET, "/api/v1/backoffice/situations", NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/situations`: a draft, the first or the next version of its slug.
    pub async fn create_situation_version(&self, definition: &SituationDefinition) -> Result<SituationVersion, ClientError> {
        self.call(Method::POST, "/api/v1/backoffice/situations", Some(definition), None).await
    }

    /// `GET /api/v1/backoffice/situations/{slug}/versions`, newest first.
    pub async fn situation_versions(&self, slug: &str) -> Result<Vec<SituationVersion>, ClientError> {
        self.call(Method::GET, &format!("/api/v1/backoffice/situations/{slug}/versions"), NO_BODY, None).await
    }

    /// `PUT /api/v1/backoffice/situation-versions/{id}` at the draft's `version`.
    pub async fn save_situation_version(
        &self,
        id: i64,
        version: i32,
        definition: &SituationDefinition,
    ) -> Result<SituationVersion, ClientError> {
        self.call(Method::PUT, &format!("/api/v1/backoffice/situation-versions/{id}"), Some(definition), Some(version)).await
    }

    /// `GET /api/v1/backoffice/situations/preview-candidates`: a city's services for a draft's categories.
    pub async fn preview_candidates(&self, municipality: &str, categories: &[String]) -> Result<Vec<ServiceCandidate>, ClientError> {
        let query = [("municipality", municipality.to_owned()), ("categories", categories.join(","))];
        self.get("/api/v1/backoffice/situations/preview-candidates", &query).await
    }

    /// `POST /api/v1/backoffice/situation-versions/{id}/publish`.
    pub async fn publish_situation_version(&self, id: i64) -> Result<SituationVersion, ClientError> {
        self.call(Method::POST, &format!("/api/v1/backoffice/situation-versions/{id}/publish"), NO_BODY, None).await
    }

    /// `POST /api/v1/backoffice/situation-versions/{id}/restore`: a new draft with its definition.
    pub async fn restore_situation_version(&self, id: i64) -> Result<SituationVersion, ClientError> {
        self.call(Method::POST, &format!("/api/v1/backoffice/situation-versions/{id}/restore"), NO_BODY, None).await
    }
}
