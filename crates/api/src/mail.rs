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

    /// An invitation into a cabinet. The subject is ours alone and the body names only what a
    /// moderator approved (the organization's name, or the operator's role): no text a partner
    /// typed (an invitee's name, say) reaches a letter sent from our domain.
    pub fn invitation(to: &str, organization: &str, link: &str) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: "Приглашение в кабинет организации — Социальный кластер".to_owned(),
            body: format!(
                "Здравствуйте!\n\nВас приглашают вести данные организации «{organization}» \
                 в «Социальном кластере». Чтобы принять приглашение и задать пароль, откройте ссылку:\n\n{link}\n\n\
                 Ссылка действует 7 дней. Если вы не ждали этого письма, просто не открывайте ссылку.\n"
            ),
        }
    }

    /// To an organization's admin: a moderator approved someone else's claim of the cabinet.
    pub fn claim_approved(to: &str, organization: &str, newcomer: &str) -> Letter {
        Letter {
            to: to.to_owned(),
            subject: "В кабинете вашей организации новый администратор — Социальный кластер".to_owned(),
            body: format!(
                "Здравствуйте!\n\nМодератор «Социального кластера» одобрил заявку {newcomer} на управление кабинетом \
                 организации «{organization}»: теперь это ещё один администратор кабинета.\n\n\
                 Если вы не знаете этого человека, ответьте модератору как можно скорее: доступ отзовут. \
                 Удалить вас из кабинета новый администратор не может.\n"
            ),
        }
    }

    pub fn quality_reminder(to: &str, organization: &str, check: &str, findings: &[String], link: &str) -> Letter {
        let list = findings.iter().map(|r| format!("— {r}")).collect::<Vec<_>>().join("\n");
        Letter {
            to: to.to_owned(),
            subject: format!("Проверьте данные: {check} — Социальный кластер"),
            body: format!(
                "Здравствуйте!\n\nМодератор «Социального кластера» просит проверить данные организации «{organization}» \
                 ({check}):\n\n{list}\n\nЛюди в трудной ситуации звонят и приходят по этим данным. Исправить их можно в кабинете:\n\n{link}\n"
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
    /// Letters sent and failed (for `/metrics`).
    pub letters: LetterCounts,
}

/// The outcome of sending a letter, as a metric's label.
#[derive(Debug, Clone, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct LetterOutcome {
    pub outcome: &'static str,
}

/// Letters by outcome.
pub type LetterCounts = prometheus_client::metrics::family::Family<LetterOutcome, prometheus_client::metrics::counter::Counter>;

impl Outgoing {
    /// A link to a cabinet page carrying a one-time token.
    pub fn link(&self, page: &str, token: &str) -> String {
        format!("{}/cabinet/{page}?token={token}", self.public_url)
    }

    /// The mailer of these settings, sending from their address with links to `public_url`.
    pub fn new(settings: &MailSettings, public_url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            mailer: Mailer::new(settings)?,
            from: settings.from.clone(),
            public_url: public_url.to_owned(),
            letters: Default::default(),
        })
    }

    /// Sends a letter.
    pub async fn send(&self, letter: Letter) -> Result<(), ApiError> {
        let sent = self.mailer.send(&self.from, letter).await;
        self.letters.get_or_create(&LetterOutcome { outcome: if sent.is_ok() { "sent" } else { "failed" } }).inc();
        sent
    }
}

/// A letter read back from the file outbox (the demo's and the tests' mailbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxLetter {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl OutboxLetter {
    /// Every letter in `dir`, oldest first.
    pub fn read_all(dir: &std::path::Path) -> Vec<OutboxLetter> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut files: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "eml")).collect();
        files.sort();
        files.iter().map(|f| Self::parse(&std::fs::read_to_string(f).unwrap_or_default())).collect()
    }

    /// Parses what [`Mailer::Outbox`] wrote: unfolded headers with RFC 2047 words decoded, and
    /// the base64 body.
    pub fn parse(eml: &str) -> Self {
        let (head, body) = eml.split_once("\r\n\r\n").unwrap_or((eml, ""));
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let header = |name: &str| {
            let raw = unfolded.split("\r\n").find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned())).unwrap_or_default();
            raw.split(' ')
                .map(|word| {
                    let encoded =
                        word.strip_prefix("=?utf-8?b?").or_else(|| word.strip_prefix("=?UTF-8?B?")).and_then(|w| w.strip_suffix("?="));
                    match encoded {
                        Some(encoded) => String::from_utf8_lossy(&base64_decode(encoded)).into_owned(),
                        None => format!("{word} "),
                    }
                })
                .collect::<String>()
                .trim()
                .to_owned()
        };
        let body = base64_decode(&body.split_whitespace().collect::<String>());
        OutboxLetter { to: header("To:"), subject: header("Subject:"), body: String::from_utf8_lossy(&body).into_owned() }
    }

    /// The one-time token of the cabinet link in the letter, if there is one.
    pub fn token(&self) -> Option<String> {
        let start = self.body.find("token=")? + "token=".len();
        Some(self.body[start..].chars().take_while(char::is_ascii_hexdigit).collect())
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0);
    for v in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_outbox_letter_reads_back_with_its_russian_subject_and_link() {
        let dir = std::env::temp_dir().join(format!("socio-outbox-{}", std::process::id()));
        let mailer = Mailer::Outbox(dir.clone());
        let letter = letters::password_reset("anna@example.org", "http://localhost:8080/cabinet/reset?token=abc123");
        mailer.send("Социальный кластер <noreply@example.org>", letter).await.unwrap_or_else(|e| panic!("{e}"));
        let read = OutboxLetter::read_all(&dir);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].subject, "Восстановление пароля — Социальный кластер");
        assert!(read[0].to.contains("anna@example.org"));
        assert_eq!(read[0].token().as_deref(), Some("abc123"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
