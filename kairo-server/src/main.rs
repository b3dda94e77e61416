//! `kairo-server`: `serve` (default), `migrate`, `import <trades.csv>`, `import-prices <closes.csv>`,
//! `import-activities <activities.json|csv>`, `demo`.

use clap::{Parser, Subcommand};
use kairo_server::config::Config;
use kairo_server::load::LoadError;
use kairo_server::store::{Store, StoreError};

/// mimalloc: the service allocates many small, short-lived objects (results, JSON) on several threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "kairo-server", version, about = "The kairo analytics and compliance service")]
struct Cli {
    /// Development mode: generates and prints a service token when KAIRO_SERVICE_TOKEN is not set.
    #[arg(long, global = true)]
    dev: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP server and the job workers (the default).
    Serve,
    /// Applies the database migrations and exits.
    Migrate,
    /// Loads a CSV or Parquet file of trades (user_id, symbol, side, qty, price, executed_at[, external_id, fees]);
    /// every row is validated first and any bad row aborts the import.
    Import {
        /// The CSV file.
        path: std::path::PathBuf,
    },
    /// Loads a CSV of daily closes (symbol,date,close) into the market-data cache (source `csv`): prices and
    /// benchmarks without Alpaca keys. Every row is validated first; any bad row aborts the import.
    ImportPrices {
        /// The CSV file.
        path: std::path::PathBuf,
    },
    /// Loads an account's history: Alpaca's account activities (a `.json` array as `GET /v2/account/activities`
    /// returns it; fills become trades) for `--user`, or kairo's CSV of activities (`id,user_id,type,date,symbol,
    /// amount,qty,ratio,cash_in_lieu,new_symbol,cost_basis,acquired`). Every record is validated first; any bad
    /// one aborts the import, naming each.
    ImportActivities {
        /// The `.json` or `.csv` file.
        path: std::path::PathBuf,
        /// The user the activities are of (required for Alpaca's JSON).
        #[arg(long)]
        user: Option<uuid::Uuid>,
        /// Skip (and list) activity types kairo does not take instead of refusing the import.
        #[arg(long)]
        skip_unsupported: bool,
    },
    /// Creates a demo user with a few months of generated (synthetic, not market) trades and prices, and prints
    /// its id.
    Demo,
    /// Prints the OpenAPI document (what `/openapi.json` serves), e.g. for `openapi-typescript`.
    Openapi,
}

fn token(config: &Config) -> String {
    match &config.service_token {
        Some(t) => t.clone(),
        None => {
            use rand::Rng;
            let t: String = rand::rng().sample_iter(rand::distr::Alphanumeric).take(32).map(char::from).collect();
            println!("dev mode: service token (send as 'Authorization: Bearer <token>'): {t}");
            t
        }
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    logging(cli.dev);
    let needs_secrets = matches!(cli.command, None | Some(Command::Serve));
    let config = match Config::from_env(cli.dev || !needs_secrets) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kairo-server: configuration error: {e}");
            std::process::exit(2);
        }
    };
    let result: Result<(), CliError> = async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let token = token(&config);
                let server = kairo_server::start(config, token).await?;
                println!("kairo-server listening on http://{} (docs at /docs)", server.addr);
                kairo_server::run_until_signal(server).await;
                Ok(())
            }
            Command::Openapi => {
                println!("{}", kairo_server::api::openapi_json());
                Ok(())
            }
            Command::Migrate => {
                let store = connect(&config).await?;
                println!("migrated {} database", store.backend());
                Ok(())
            }
            Command::Import { path } => {
                let trades = read(&path).map_err(|e| in_file(&path, e))?;
                let store = connect(&config).await?;
                let n = kairo_server::load::import(&store, trades).await?;
                println!("imported {n} trade(s)");
                Ok(())
            }
            Command::ImportPrices { path } => {
                let file = std::fs::File::open(&path)
                    .map_err(|source| LoadError::File { path: path.display().to_string(), source })?;
                let rows = kairo_server::load::read_prices(file).map_err(|e| in_file(&path, e))?;
                let store = connect(&config).await?;
                let n = kairo_server::load::import_prices(&store, &rows).await?;
                println!("imported {n} close(s)");
                Ok(())
            }
            Command::ImportActivities { path, user, skip_unsupported } => {
                let store = connect(&config).await?;
                let done = kairo_server::load::import_activities(&store, &path, user, skip_unsupported)
                    .await
                    .map_err(|e| in_file(&path, e))?;
                for (user, s) in done {
                    println!(
                        "user {user}: {} trade(s) ({} new), {} activit(ies) ({} new), {} skipped",
                        s.trades,
                        s.trades_created,
                        s.activities,
                        s.activities_created,
                        s.skipped.len()
                    );
                    for r in &s.skipped {
                        println!(
                            "  skipped record {} ({}): {}",
                            r.index,
                            r.id.as_deref().unwrap_or("no id"),
                            r.message
                        );
                    }
                }
                Ok(())
            }
            Command::Demo => {
                let store = connect(&config).await?;
                let id = kairo_server::load::demo(&store).await?;
                println!("demo user {id} with SYNTHETIC trades and prices (generated, not market data)");
                println!("try GET /users/{id}/metrics and /users/{id}/comparative?benchmark=SPY");
                Ok(())
            }
        }
    }
    .await;
    if let Err(e) = result {
        eprintln!("kairo-server: {e}");
        std::process::exit(1);
    }
}

/// Log lines on stderr: JSON objects (one per line, with the request's span: request id, method, route) unless
/// `KAIRO_LOG_FORMAT=text`, which is the default in dev mode. `RUST_LOG` filters (default `info`).
fn logging(dev: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let format = std::env::var("KAIRO_LOG_FORMAT").unwrap_or_else(|_| if dev { "text" } else { "json" }.into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format.eq_ignore_ascii_case("json") {
        builder.json().with_current_span(true).with_span_list(false).init();
    } else {
        builder.init();
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// The server did not start.
    #[error(transparent)]
    Start(#[from] kairo_server::StartError),
    /// A load failed, nothing stored.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A load of a file failed, nothing stored.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The failure.
        source: LoadError,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A load's failure, naming the file (which a file's own open error already does).
fn in_file(path: &std::path::Path, e: LoadError) -> CliError {
    match e {
        LoadError::File { .. } => CliError::Load(e),
        source => CliError::File { path: path.display().to_string(), source },
    }
}

/// Trades of a CSV file, or of a Parquet file (`.parquet`, with the `parquet` feature).
fn read(path: &std::path::Path) -> Result<std::collections::BTreeMap<uuid::Uuid, Vec<kairo_core::Trade>>, LoadError> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
        #[cfg(feature = "parquet")]
        return kairo_server::load::read_parquet(path);
        #[cfg(not(feature = "parquet"))]
        return Err(LoadError::NoParquet);
    }
    let file =
        std::fs::File::open(path).map_err(|source| LoadError::File { path: path.display().to_string(), source })?;
    kairo_server::load::read_trades(file)
}

async fn connect(config: &Config) -> Result<Store, StoreError> {
    let store = Store::connect(&config.database_url, config.pool_min, config.pool_max).await?;
    store.migrate().await?;
    Ok(store)
}
