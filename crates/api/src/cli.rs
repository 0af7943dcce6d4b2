//! The `socio` command line: migrate, seed, serve, openapi, tokens and operator accounts.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use socio_migrations::{Migrator, MigratorTrait};
use socio_store::{Store, seed};

use socio_domain::{account::Email, vocabulary::UserRole};
use socio_store::NewAccount;

use crate::{
    Application, Settings,
    auth::{JwtKeys, PasswordHasher},
    openapi, telemetry,
};

/// «Социальный кластер»: the API server and its maintenance commands.
#[derive(Debug, Parser)]
#[command(name = "socio", version, about)]
pub struct Cli {
    /// Database URL (default: the SQLite file data/socio.sqlite).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending database migrations (or roll back with --down).
    Migrate {
        /// Roll back this many migrations instead of applying.
        #[arg(long)]
        down: Option<u32>,
    },
    /// Load the demo dataset (idempotent), or a large synthetic one for benchmarks.
    Seed {
        /// Also generate this many synthetic services (replacing earlier synthetic data).
        #[arg(long)]
        synthetic: Option<usize>,
        /// Only the reference data (cities, categories, target groups): for a directory that
        /// comes from an import.
        #[arg(long, conflicts_with = "synthetic")]
        reference_only: bool,
    },
    /// Serve the API (and the SPA, when built) over HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SOCIO_BIND")]
        bind: Option<String>,
        /// Folder with the built SPA to serve at `/`.
        #[arg(long, env = "SOCIO_STATIC_DIR")]
        static_dir: Option<PathBuf>,
        /// Apply pending migrations before serving.
        #[arg(long)]
        migrate: bool,
    },
    /// Print a bearer token of an existing user, for scripts (the user's role applies).
    Token {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// Hours the token stays valid.
        #[arg(long, default_value_t = 12)]
        hours: i64,
    },
    /// E-mail each organization the published records it has not confirmed for 180 days
    /// (once per record and month: safe to schedule daily).
    RemindStale,
    /// Delete answered reports and unmet searches older than the retention period (the server
    /// also does this daily).
    Purge {
        /// Days to keep (default `SOCIO_RETENTION_DAYS`, 365).
        #[arg(long)]
        days: Option<u32>,
    },
    /// Manage the operator's users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write the published directory in HSDS 3.0: JSON documents, NDJSON, or the tabular data
    /// package (datapackage.json and its CSVs).
    Export {
        #[arg(long, value_enum, default_value = "datapackage")]
        format: crate::export::Format,
        /// The folder to write into (created if missing).
        dir: PathBuf,
    },
    /// Import an HSDS tabular data package (a folder or a .zip) as published records, all or
    /// nothing; records keep their HSDS ids, so importing the same package again changes nothing.
    Import {
        /// Check everything and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also write the problems found as a CSV (file, row, column, problem) to this file.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// The package: a folder with datapackage.json and its CSVs, or a .zip of them.
        package: PathBuf,
    },
    /// Write the OpenAPI document.
    Openapi {
        /// Output file; `-` for standard output.
        #[arg(long, default_value = "openapi/openapi.json")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Create a moderator or an admin; prints a one-time password to change at first sign-in.
    Add {
        /// Role: moderator or admin.
        #[arg(long, default_value = "moderator")]
        role: String,
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// How to address the user.
        #[arg(long, default_value = "Модератор")]
        name: String,
    },
}

/// Runs the command line.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load()?;
    if let Some(url) = cli.database_url {
        settings.database_url = url;
    }
    telemetry::init(&settings.log, settings.log_json);
    match cli.command {
        Command::Migrate { down } => {
            let store = Store::connect(&settings.database_url).await?;
            match down {
                Some(steps) => Migrator::down(store.connection(), Some(steps)).await?,
                None => store.migrate().await?,
            }
            tracing::info!("migrations done");
        }
        Command::Seed { reference_only: true, .. } => {
            let store = Store::connect(&settings.database_url).await?;
            store.migrate().await?;
            seed::seed_reference_data(&store).await.context("loading the reference data")?;
        }
        Command::Seed { synthetic, .. } => {
            let store = Store::connect(&settings.database_url).await?;
            store.migrate().await?;
            seed::seed_demo(&store).await.context("seeding the demo dataset")?;
            tracing::info!("demo dataset loaded");
            if let Some(count) = synthetic {
                seed::seed_synthetic(&store, count).await.context("generating the synthetic dataset")?;
                tracing::info!(count, "synthetic services loaded");
            }
        }
        Command::Serve { bind, static_dir, migrate } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            if static_dir.is_some() {
                settings.static_dir = static_dir;
            }
            let store = Store::connect(&settings.database_url).await?;
            if migrate {
                store.migrate().await?;
            }
            let app = Application::with_store(settings.clone(), store).await?;
            tracing::info!("listening on http://{} (API: /api/v1, docs: /docs)", settings.bind.replace("0.0.0.0", "localhost"));
            app.run_until_stopped().await?;
        }
        Command::Token { email, hours } => {
            anyhow::ensure!((1..=24 * 30).contains(&hours), "--hours must be between 1 and 720");
            let store = Store::connect(&settings.database_url).await?;
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let account = store.account_by_email(&email).await?.filter(|a| a.active);
            let account = account.ok_or_else(|| anyhow::anyhow!("no active user {email}: create one with `socio user add`"))?;
            println!("{}", JwtKeys::new(&settings.jwt_secret).issue(account.id, hours * 3600, None)?);
        }
        Command::Purge { days } => {
            let days = days.unwrap_or(settings.retention_days);
            anyhow::ensure!((30..=3650).contains(&days), "--days must be between 30 and 3650");
            let store = Store::connect(&settings.database_url).await?;
            let purged = crate::retention::purge(&store, days).await?;
            println!("deleted {} answered reports and {} unmet searches older than {days} days", purged.reports, purged.unmet_searches);
        }
        Command::RemindStale => {
            let store = Store::connect(&settings.database_url).await?;
            let mail = crate::mail::Outgoing::new(&settings.mail, &settings.public_url)?;
            let sent = crate::reminders::remind_stale(&store, &mail).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(sent, "stale-record reminders sent");
        }
        Command::User { action: UserAction::Add { role, email, name } } => {
            let role: UserRole = role.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::ensure!(
                matches!(role, UserRole::Moderator | UserRole::Admin),
                "--role must be moderator or admin (partners register themselves)"
            );
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let store = Store::connect(&settings.database_url).await?;
            store.migrate().await?;
            let password = crate::auth::random_token().map_err(|e| anyhow::anyhow!("{e}"))?[..20].to_owned();
            let password_hash = PasswordHasher::new(1)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .hash(password.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let new = NewAccount {
                email: email.clone(),
                password_hash,
                display_name: name,
                role,
                organization_id: None,
                org_admin: false,
                email_confirmed: true,
            };
            store.create_account_with_one_time_password(&new).await?;
            println!("created {role} {email}; one-time password (change it after signing in): {password}");
        }
        Command::Export { format, dir } => {
            let store = Store::connect(&settings.database_url).await?;
            let written = crate::export::export(&store, format, &dir).await?;
            for (file, count) in written.0 {
                println!("{}: {count}", dir.join(file).display());
            }
        }
        Command::Import { dry_run, errors, package } => {
            let store = Store::connect(&settings.database_url).await?;
            let files = crate::export::read_package_files(&package)?;
            let report = crate::export::import(&store, files, socio_store::Actor::System, dry_run).await?;
            if let Some(path) = errors {
                std::fs::write(&path, crate::export::problems_csv(&report.problems))
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            for p in &report.problems {
                println!("{}:{} {}: {}", p.file, p.row, p.column, p.message);
            }
            let what = if dry_run { "would be" } else { "were" };
            println!("{} created, {} updated, {} unchanged {what}", report.created, report.updated, report.unchanged);
            anyhow::ensure!(report.problems.is_empty(), "{} problems: nothing was written", report.problems.len());
        }
        Command::Openapi { output } => {
            let json = openapi::document_json()?;
            if output.as_os_str() == "-" {
                print!("{json}");
            } else {
                if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&output, json).with_context(|| format!("writing {}", output.display()))?;
            }
        }
    }
    Ok(())
}
