//! `sen`: the Sen CRM binary. Wires configuration → store → app → web.

use std::net::SocketAddr;
use std::path::PathBuf;

mod bench;
mod bench_load;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use sen_app::App;
use sen_app::auth::SetupInput;
use sen_app::backup::{BackupKind, Restored};
use sen_app::jobs::Worker;
use sen_app::mail::MailConfig;
use sen_app::workspace_file;
use sen_store::Db;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "sen",
    version,
    about = "Sen CRM: one binary, your sales pipeline"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Where the SQLite file and uploads live.
    #[arg(
        long,
        env = "SEN_DATA_DIR",
        default_value = "./sen-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Use PostgreSQL instead of SQLite (postgres://user:pass@host/db).
    #[arg(long, env = "SEN_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Log format: `human` or `json`.
    #[arg(long, env = "SEN_LOG_FORMAT", default_value = "human", global = true)]
    log_format: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app and the API (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load a small demo data set (Vietnamese and Taiwanese companies and people), or with
    /// `--opportunities N` the benchmark's workload of N opportunities (fixed seed).
    Demo {
        /// Generate this many opportunities (benchmark.md's data shape) instead of the demo.
        #[arg(long)]
        opportunities: Option<usize>,
        /// The generator's seed: the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Run benchmark.md's workload: generate data, start a server, time each operation
    /// through HTTP beside the hand-written SQL for the same answer.
    Bench(bench::BenchArgs),
    /// Recompute the board's and the report's maintained sums from the records (they are
    /// kept in every write's transaction; this is for after a restore or a manual edit).
    RebuildSums,
    /// Write a backup of the workspace while it keeps serving: on SQLite a copy of the
    /// database file, on PostgreSQL the portable workspace file read in one snapshot.
    Backup {
        /// Where to write it (replaced only once the backup is complete).
        file: PathBuf,
    },
    /// Replace the workspace with a backup (either kind) or a workspace file. Stop `sen`
    /// first.
    Restore {
        /// The backup or workspace file.
        file: PathBuf,
    },
    /// Write the whole workspace as a portable file (JSON Lines) that either database
    /// reads, e.g. to move from SQLite to PostgreSQL. `-` writes to standard output.
    ExportWorkspace { file: PathBuf },
    /// Read a workspace file into this database, in one transaction. The database must be
    /// empty unless `--replace` is given.
    ImportWorkspace {
        file: PathBuf,
        /// Replace the workspace this database already holds.
        #[arg(long)]
        replace: bool,
    },
    /// Manage users from the command line.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SEN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Mark cookies Secure (when served behind HTTPS).
    #[arg(long, env = "SEN_SECURE_COOKIES", default_value_t = false)]
    secure_cookies: bool,
    /// Outgoing mail server: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465 (TLS).
    /// Without it, mail waits in the outbox (Settings → E-mail).
    #[arg(long, env = "SEN_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of outgoing mail, e.g. "Sen CRM <crm@example.com>".
    #[arg(long, env = "SEN_MAIL_FROM")]
    mail_from: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; with --admin on a new database this also creates the workspace.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// The password (or set SEN_USER_PASSWORD to keep it out of the shell history).
        #[arg(long, env = "SEN_USER_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long)]
        admin: bool,
        /// Role when not --admin: manager, team_leader or salesperson.
        #[arg(long, default_value = "salesperson")]
        role: String,
        #[arg(long, default_value = "vi")]
        language: String,
        #[arg(long, default_value = "Asia/Ho_Chi_Minh")]
        time_zone: String,
        /// Workspace name, if this creates the workspace.
        #[arg(long, default_value = "Sen CRM")]
        workspace: String,
        /// Workspace currency, if this creates the workspace.
        #[arg(long, default_value = "VND")]
        currency: String,
    },
}

fn init_logging(format: &str) {
    let filter = EnvFilter::try_from_env("SEN_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_db(args: &DbArgs) -> Result<Db> {
    let db = match &args.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Db::open_postgres(url)
                .await
                .context("connecting to PostgreSQL")?
        }
        Some(other) => bail!(
            "SEN_DATABASE_URL must start with postgres:// (got {:?})",
            other.split(':').next().unwrap_or("")
        ),
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("creating {}", args.data_dir.display()))?;
            Db::open_sqlite(&args.data_dir.join("sen.db"))
                .await
                .context("opening the SQLite database")?
        }
    };
    db.migrate().await.context("applying migrations")?;
    // A workspace made before activity types existed gets the usual ones once.
    App::new(db.clone())
        .ensure_activity_types()
        .await
        .map_err(|e| anyhow::anyhow!("adding the default activity types: {e}"))?;
    Ok(db)
}

/// The SQLite file of the workspace, when it is on SQLite.
fn sqlite_path(args: &DbArgs) -> Option<PathBuf> {
    args.database_url
        .is_none()
        .then(|| args.data_dir.join("sen.db"))
}

/// `sen serve` holds this lock on an SQLite data directory for as long as it runs, so a
/// restore or an import never swaps or rewrites the database under a running server.
fn data_dir_lock(args: &DbArgs) -> Result<Option<std::fs::File>> {
    if args.database_url.is_some() {
        return Ok(None);
    }
    let path = args.data_dir.join("sen.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "sen is running on {} (it holds {}); stop it first",
            args.data_dir.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

async fn export_workspace(db: &Db, file: &std::path::Path) -> Result<workspace_file::Summary> {
    if file.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        return Ok(workspace_file::export(db, &mut out).await?);
    }
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    let _ = std::fs::remove_file(&partial);
    let written = async {
        let created = sen_app::backup::private_file(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        let mut out = std::io::BufWriter::new(created);
        let summary = workspace_file::export(db, &mut out).await?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        anyhow::Ok(summary)
    }
    .await;
    match written {
        Ok(summary) => {
            std::fs::rename(&partial, file)?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

async fn serve(db: Db, args: ServeArgs) -> Result<()> {
    let addr: SocketAddr = args
        .listen
        .parse()
        .with_context(|| format!("--listen {:?} is not host:port", args.listen))?;
    let mail = MailConfig::new(args.smtp_url.as_deref(), args.mail_from.as_deref())
        .map_err(anyhow::Error::msg)?;
    match &mail.smtp {
        Some(s) => tracing::info!(host = %s.host, port = s.port, "sending mail through SMTP"),
        None => tracing::info!("no SMTP server (SEN_SMTP_URL): mail waits in the outbox"),
    }
    let app = App::new(db.clone()).with_mail(mail);
    app.requeue_outbox()
        .await
        .map_err(|e| anyhow::anyhow!("queueing the outbox: {e}"))?;
    // The background worker: mail, notification e-mails, digests, reminders.
    let (stop_worker, stopped) = tokio::sync::watch::channel(false);
    let worker =
        tokio::spawn(Worker::new(app.clone(), sen_web::i18n::worker_texts()).run(stopped.clone()));
    let compactor = tokio::spawn(app.clone().keep_lead_sums_compact(stopped));
    let router = sen_web::router(app, args.secure_cookies);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    // The address actually bound: `--listen 127.0.0.1:0` asks for any free port.
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!("Sen CRM at http://{bound}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    // The worker finishes the job in hand, so a restart sends nothing twice.
    let _ = stop_worker.send(true);
    let _ = worker.await;
    let _ = compactor.await;
    // Every acknowledged write was committed before its answer; closing the pools lets
    // SQLite checkpoint its WAL.
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_logging(&cli.db.log_format);
    let db = open_db(&cli.db).await?;
    match cli
        .command
        .unwrap_or(Command::Serve(ServeArgs::default_from_env()))
    {
        Command::Serve(args) => {
            let _lock = data_dir_lock(&cli.db)?;
            let _serving = db
                .hold_serving_lock()
                .await
                .context("marking the database as served")?;
            serve(db, args).await
        }
        Command::Bench(args) => {
            if args.database == "postgres" && cli.db.database_url.is_none() {
                bail!("--database postgres needs --database-url (an empty database)");
            }
            if args.database == "sqlite" && cli.db.database_url.is_some() {
                bail!("--database sqlite uses --data-dir, not --database-url");
            }
            let dir = cli.db.data_dir.clone();
            let url = cli.db.database_url.clone();
            let r = bench::run(db.clone(), args, dir, url).await;
            db.close().await;
            r
        }
        Command::RebuildSums => {
            let r = App::new(db.clone())
                .rebuild_lead_sums()
                .await
                .map_err(|e| anyhow::anyhow!("rebuilding the sums: {e}"));
            db.close().await;
            r.map(|()| println!("board and report sums rebuilt"))
        }
        Command::Backup { file } => {
            let r = sen_app::backup::backup(&db, &file).await;
            db.close().await;
            match r? {
                BackupKind::SqliteFile => println!("backed up the database to {}", file.display()),
                BackupKind::WorkspaceFile(s) => println!(
                    "backed up {} rows of {} tables to {}",
                    s.rows,
                    s.tables,
                    file.display()
                ),
            }
            Ok(())
        }
        Command::Restore { file } => {
            let _lock = data_dir_lock(&cli.db)?;
            let _alone = db
                .lock_out_servers()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let target = sqlite_path(&cli.db);
            let restored = sen_app::backup::restore(&db, target.as_deref(), &file).await;
            db.close().await;
            match restored? {
                Restored::SqliteFile { schema_version } => println!(
                    "restored the database file from {} (schema version {schema_version})",
                    file.display()
                ),
                Restored::WorkspaceFile(s) => println!(
                    "restored {} rows of {} tables from {}",
                    s.rows,
                    s.tables,
                    file.display()
                ),
            }
            Ok(())
        }
        Command::ExportWorkspace { file } => {
            let r = export_workspace(&db, &file).await;
            db.close().await;
            let s = r?;
            eprintln!("exported {} rows of {} tables", s.rows, s.tables);
            Ok(())
        }
        Command::ImportWorkspace { file, replace } => {
            let _lock = data_dir_lock(&cli.db)?;
            let _alone = db
                .lock_out_servers()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let input = std::io::BufReader::new(
                std::fs::File::open(&file)
                    .with_context(|| format!("opening {}", file.display()))?,
            );
            let r = workspace_file::import(&db, input, replace).await;
            db.close().await;
            let s = r?;
            println!("imported {} rows of {} tables", s.rows, s.tables);
            Ok(())
        }
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Demo {
            opportunities: Some(n),
            seed,
        } => {
            let app = App::new(db.clone());
            let fail = |e: sen_app::AppError| anyhow::anyhow!("{e}");
            if app.ensure_demo_workspace().await.map_err(fail)? {
                println!(
                    "created a demo workspace; sign in as {} / {}",
                    sen_app::demo::DEMO_ADMIN_EMAIL,
                    sen_app::demo::DEMO_PASSWORD
                );
            }
            let g = app.generate_workload(n, seed).await.map_err(fail)?;
            println!(
                "generated {} opportunities and {} companies in pipeline {} in {:.1} s ({:.0} records/s)",
                g.opportunities,
                g.companies,
                g.pipeline_id,
                g.seconds,
                g.opportunities as f64 / g.seconds.max(1e-9)
            );
            db.close().await;
            Ok(())
        }
        Command::Demo { .. } => {
            let report = App::new(db.clone())
                .load_demo()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if report.created_workspace {
                println!(
                    "created a demo workspace; sign in as {} / {}",
                    sen_app::demo::DEMO_ADMIN_EMAIL,
                    sen_app::demo::DEMO_PASSWORD
                );
            }
            println!(
                "demo data: {} users, {} contacts added",
                report.users, report.contacts
            );
            db.close().await;
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    name,
                    email,
                    password,
                    admin,
                    role,
                    language,
                    time_zone,
                    workspace,
                    currency,
                },
        } => {
            let app = App::new(db.clone());
            let setup = SetupInput {
                workspace_name: Some(workspace),
                language: Some(language.clone()),
                currency: Some(currency),
                time_zone: Some(time_zone.clone()),
                admin_name: Some(name.clone()),
                admin_email: Some(email.clone()),
                admin_password: Some(password.clone()),
            };
            let user = if admin {
                app.create_admin_cli(setup).await
            } else {
                let actor = app.system_actor().await.map_err(|_| {
                    anyhow::anyhow!("create an admin first: sen user create --admin …")
                })?;
                app.create_user(
                    &actor,
                    sen_app::users::NewUserInput {
                        name: Some(name),
                        email: Some(email),
                        password: Some(password),
                        role: Some(role),
                        language: Some(language),
                        time_zone: Some(time_zone),
                    },
                )
                .await
            };
            let user = user.map_err(|e| anyhow::anyhow!("{}", describe(e)))?;
            println!(
                "created user {} <{}> with role {}",
                user.name, user.email, user.role
            );
            db.close().await;
            Ok(())
        }
    }
}

impl ServeArgs {
    /// `sen` with no subcommand serves, reading the same environment as `sen serve`.
    fn default_from_env() -> Self {
        ServeArgs {
            listen: std::env::var("SEN_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into()),
            secure_cookies: std::env::var("SEN_SECURE_COOKIES")
                .is_ok_and(|v| v == "1" || v == "true"),
            smtp_url: std::env::var("SEN_SMTP_URL").ok(),
            mail_from: std::env::var("SEN_MAIL_FROM").ok(),
        }
    }
}

fn describe(e: sen_app::AppError) -> String {
    match e {
        sen_app::AppError::Invalid(errors) => errors
            .0
            .iter()
            .map(|(f, whys)| {
                format!(
                    "{f}: {}",
                    whys.iter()
                        .map(|w| format!("{w:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
