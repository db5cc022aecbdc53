//! `upcloud-mock`: a local double of the UpCloud API 1.3 storage endpoints and of the
//! direct-upload host, for tests, benchmarks and the demo. See `upcloud-mock --help`.

// Control and uploader helpers return a ready `Response` as their error, as axum handlers
// do; moving 128 bytes once per request costs nothing measurable.
#![allow(clippy::result_large_err)]

mod api;
mod api_server;
mod api_storage;
mod cli;
mod controls;
mod datafile;
mod error;
mod faults;
mod http_import;
mod imports;
mod jobs;
mod net;
mod pipeline;
mod render;
mod replay;
mod request_log;
mod respond;
mod seed;
mod service;
mod state;
mod static_files;
mod store;
mod uploader;
mod validate;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;

use crate::cli::Args;
use crate::replay::Replay;
use crate::state::{AppState, Config};

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("upcloud-mock: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("upcloud-mock: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The data directory and whether it is ours to delete at exit.
enum DataDir {
    Temporary(tempfile::TempDir),
    Given(PathBuf),
}

impl DataDir {
    fn path(&self) -> PathBuf {
        match self {
            DataDir::Temporary(directory) => directory.path().to_path_buf(),
            DataDir::Given(path) => path.clone(),
        }
    }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(address).await.map_err(|error| format!("cannot listen on {address}: {error}"))
}

async fn run(args: Args) -> Result<(), String> {
    let data_dir = match &args.data_dir {
        Some(path) => {
            std::fs::create_dir_all(path)
                .map_err(|error| format!("cannot create the data directory {}: {error}", path.display()))?;
            DataDir::Given(path.clone())
        }
        None => DataDir::Temporary(
            tempfile::Builder::new()
                .prefix("upcloud-mock-")
                .tempdir()
                .map_err(|error| format!("cannot create a temporary data directory: {error}"))?,
        ),
    };
    let replay = args.replay.as_deref().map(Replay::load).transpose()?;

    let accounts = if args.users.is_empty() {
        vec![("demo".to_owned(), "demo".to_owned())]
    } else {
        args.users.clone()
    };
    let config = Config {
        accounts,
        tokens: args.tokens.clone(),
        op_seconds: args.op_seconds,
        empty: args.empty,
        seed_storages: args.seed_storages,
        www: args.www.clone(),
        pkg: args.pkg.clone(),
        require_content_length: args.require_content_length,
        data_dir: data_dir.path(),
        default_tier: args.default_tier.clone(),
        resize_requires_stopped_server: args.resize_requires_stopped_server,
    };
    let state = AppState::new(config, replay);

    let plain = bind(args.listen).await?;
    let secure = match args.tls_listen {
        Some(address) => Some((bind(address).await?, net::self_signed()?)),
        None => None,
    };

    let mut announcement = String::new();
    let plain_address = plain.local_addr().map_err(|error| error.to_string())?;
    announcement.push_str(&format!("listening on http://{plain_address}\n"));
    let mut spki = None;
    if let Some((listener, certificate)) = &secure {
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        announcement.push_str(&format!("listening on https://{address}\n"));
        spki = Some(certificate.spki_sha256.clone());
    }
    for (name, password) in &state.config.accounts {
        announcement.push_str(&format!("credentials: basic {name}:{password}\n"));
    }
    if let Some((first, _)) = state.config.accounts.first() {
        for token in &state.config.tokens {
            announcement.push_str(&format!("credentials: bearer {token} (account {first})\n"));
        }
    }
    if let Some(spki) = spki {
        announcement.push_str(&format!("tls certificate spki sha256: {spki}\n"));
    }
    if let Some(path) = &args.replay {
        announcement.push_str(&format!("replaying {}\n", path.display()));
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(announcement.as_bytes()).map_err(|error| error.to_string())?;
    stdout.flush().map_err(|error| error.to_string())?;
    drop(stdout);

    tokio::spawn(net::serve(plain, None, std::sync::Arc::clone(&state)));
    if let Some((listener, certificate)) = secure {
        tokio::spawn(net::serve(listener, Some(certificate.acceptor), std::sync::Arc::clone(&state)));
    }
    tracing::info!(%plain_address, "upcloud-mock started");

    wait_for_shutdown().await;
    tracing::info!("upcloud-mock stopping");
    drop(data_dir);
    Ok(())
}

async fn wait_for_shutdown() {
    use tokio::signal::unix::{signal, SignalKind};

    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(terminate) => terminate,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
