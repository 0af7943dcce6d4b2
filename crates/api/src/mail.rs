//! Outgoing mail: SMTP (lettre) when `SOCIO_SMTP_URL` is set, otherwise a file outbox with one
//! `.eml` per letter, which is also what tests and the demo read. Letters are in Russian.

use std::path::PathBuf;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, SinglePart, header::ContentTransferEncoding},
};
use secrecy::ExposeSecret;

use crate::{ApiError, settings::MailSettings};

/// Where letters go.
pub enum Mailer {
    /// Files in a folder.
    Outbox(PathBuf),
    /// An SMTP server.
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
}

/// A letter to send.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => Ok(Mailer::Smtp(Box::new(AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())?.build()))),
            None => Ok(Mailer::Outbox(settings.outbox_dir.clone())),
        }
    }

    /// Sends `letter` from `from`. A failure is logged and reported as a 500 to the caller,
    /// who then knows the letter did not go.
    pub async fn send(&self, from: &str, letter: Letter) -> Result<(), ApiError> {
        let from: Mailbox = from.parse().map_err(|e| ApiError::Internal(anyhow::anyhow!("SOCIO_MAIL_FROM: {e}")))?;
        let to: Mailbox = letter.to.parse().map_err(|e| ApiError::Internal(anyhow::anyhow!("recipient: {e}")))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(letter.subject)
            .singlepart(
                SinglePart::builder()
                    .header(lettre::message::header::ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(letter.body),
            )
            .map_err(|e| ApiError::Internal(e.into()))?;
        match self {
            Mailer::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| ApiError::Internal(e.into()))?;
                let name = format!("{}-{}.eml", chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"), &crate::auth::random_token()?[..8]);
                std::fs::write(dir.join(name), message.formatted()).map_err(|e| ApiError::Internal(e.into()))
            }
            Mailer::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|e| ApiError::Internal(e.into())),
        }
    }
}

/// The letters the cabinet sends.
pub mod letters {
    use super::Letter;

    pub fn confirmation(to: &str, name: &str, link: &str) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: "Подтвердите почту — Социальный кластер".to_owned(),
            body: format!(
                "Здравствуйте, {name}!\n\nВы зарегистрировались в кабинете партнёра «Социального кластера». \
                 Чтобы подтвердить адрес почты, откройте ссылку:\n\n{link}\n\nСсылка действует 3 дня. \
                 Если вы не регистрировались, просто удалите это письмо.\n"
            ),
        }
    }

    pub fn password_reset(to: &str, link: &str) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: "Восстановление пароля — Социальный кластер".to_owned(),
            body: format!(
                "Здравствуйте!\n\nКто-то (возможно, вы) попросил восстановить пароль кабинета партнёра. \
                 Чтобы задать новый пароль, откройте ссылку:\n\n{link}\n\nСсылка действует 1 час и работает один раз. \
                 Если вы ничего не просили, просто удалите это письмо: пароль останется прежним.\n"
            ),
        }
    }

    pub fn invitation(to: &str, name: &str, organization: &str, link: &str) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: format!("Приглашение в кабинет «{organization}» — Социальный кластер"),
            body: format!(
                "Здравствуйте, {name}!\n\nКоллега приглашает вас вести данные организации «{organization}» \
                 в «Социальном кластере». Чтобы принять приглашение и задать пароль, откройте ссылку:\n\n{link}\n\n\
                 Ссылка действует 7 дней.\n"
            ),
        }
    }

    pub fn stale_reminder(to: &str, organization: &str, records: &[String], link: &str) -> Letter {
        let list = records.iter().map(|r| format!("— {r}")).collect::<Vec<_>>().join("\n");
        Letter {
            to: to.to_owned(),
            subject: "Проверьте данные организации — Социальный кластер".to_owned(),
            body: format!(
                "Здравствуйте!\n\nДанные организации «{organization}» давно не подтверждались:\n\n{list}\n\n\
                 Люди в трудной ситуации звонят и приходят по этим данным. Если всё верно, нажмите «Данные актуальны» \
                 в кабинете; если нет — исправьте:\n\n{link}\n"
            ),
        }
    }
}

/// The mailer with what every letter needs: the sender and the site's address for links.
pub struct Outgoing {
    pub mailer: Mailer,
    pub from: String,
    pub public_url: String,
}

impl Outgoing {
    /// A link to a cabinet page carrying a one-time token.
    pub fn link(&self, page: &str, token: &str) -> String {
        format!("{}/cabinet/{page}?token={token}", self.public_url)
    }

    /// Sends a letter.
    pub async fn send(&self, letter: Letter) -> Result<(), ApiError> {
        self.mailer.send(&self.from, letter).await
    }
}
