//! Command-line options of `upcloud-mock`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// A local double of the UpCloud API 1.3 storage endpoints and of the direct-upload host.
///
/// It serves the storage, import and server calls under `/1.3/`, the uploader under
/// `/uploader/session/{import uuid}`, test controls under `/__mock/`, and optional static files.
/// All state is in memory; storage data lives in sparse files under a temporary directory that
/// is removed on SIGINT or SIGTERM.
#[derive(Debug, Parser)]
#[command(name = "upcloud-mock", version, after_help = AFTER_HELP)]
pub struct Args {
    /// Address of the plain HTTP listener. Port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Address of an extra HTTPS listener (HTTP/2 and HTTP/1.1 over TLS) that uses a
    /// self-signed certificate generated at start. Port 0 picks a free port.
    #[arg(long, value_name = "ADDR")]
    pub tls_listen: Option<SocketAddr>,

    /// An account accepted with HTTP Basic authentication. Repeat for more accounts. Each
    /// account can read only its own private storages. Without any, one account `demo`/`demo` exists.
    #[arg(long = "user", value_name = "NAME:PASSWORD", value_parser = parse_user)]
    pub users: Vec<(String, String)>,

    /// A bearer token accepted as the first account. Repeat for more tokens.
    #[arg(long = "token", value_name = "TOKEN")]
    pub tokens: Vec<String>,

    /// Duration in seconds of each slow operation (clone, backup, restore, templatize, resize,
    /// import phases). Fractions are accepted.
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0, value_parser = parse_seconds)]
    pub op_seconds: f64,

    /// Start with no storages at all: no public templates or CD-ROMs and no sample private
    /// storages. The two sample servers of each account still exist, with no devices.
    #[arg(long)]
    pub empty: bool,

    /// Add this many extra private storages to the first account, for list benchmarks.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_storages: usize,

    /// Serve the files of this directory at `/`.
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,

    /// Serve the files of this directory at `/pkg/`.
    #[arg(long, value_name = "DIR")]
    pub pkg: Option<PathBuf>,

    /// Respond to API and uploader requests from one recorded case file (JSON) in order,
    /// instead of simulating. `GET /__mock/replay` reports the matched and unmatched counts.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,

    /// Make the uploader reject a body without a Content-Length header with 411.
    #[arg(long)]
    pub require_content_length: bool,

    /// Keep storage data files in this directory instead of a temporary one. The directory is
    /// created if needed and is not removed at exit.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Tier given to a created or cloned storage when the request names none. UpCloud's older
    /// documentation says `hdd`; every SDK sends the tier explicitly.
    #[arg(long, value_name = "TIER", default_value = "hdd",
          value_parser = ["maxiops", "standard", "hdd"])]
    pub default_tier: String,

    /// Reject a size change of a storage attached to a started server with 409
    /// SERVER_STATE_ILLEGAL, as the API did in 2021. By default such a change is allowed, which
    /// is what UpCloud's Terraform provider has assumed since 2026.
    #[arg(long)]
    pub resize_requires_stopped_server: bool,
}

const AFTER_HELP: &str = "\
When ready, the mock prints `listening on http://HOST:PORT` (and `listening on https://HOST:PORT`
with --tls-listen), then one line per accepted credential, on stdout.

Test controls (no authentication, JSON bodies), all under /__mock/:
  POST   /__mock/faults                  inject a fault for the next `count` requests matching
                                         `method` and `path_prefix`: `status` with `error_code`/
                                         `error_message` or a raw `body` + `content_type`,
                                         `retry_after`, `latency_ms`, `action` drop | slow_body
                                         (with `bytes_per_second`)
  DELETE /__mock/faults                  clear all faults
  GET    /__mock/requests                the last 1000 API and uploader requests
  DELETE /__mock/requests                clear that log
  GET    /__mock/storages/{uuid}/data    a storage's bytes (?offset=&length=)
  POST   /__mock/storages/{uuid}/state   force a state: {\"state\", \"seconds\", \"progress\"}
  GET    /__mock/uploads                 uploader sessions and their byte counts
  POST   /__mock/imports/next            make the next import end {\"outcome\":\"failed\"|\"cancelled\"}
  GET    /__mock/replay                  replay counters (with --replay)
  POST   /__mock/reset                   restore the start-up state

Sample servers: the N-th account has `web-01` (started) and `build-01` (stopped) in fi-hel1,
with UUIDs 0000000N-0000-4000-8000-000000000001 and 0000000N-0000-4000-8000-000000000002.

HTTP imports download only from http://127.0.0.1 and http://localhost. Any other URL fails the
import with SOURCE_LOCATION_NOT_ALLOWED, without a connection; a failed download fails it with
IMPORT_SOURCE_FAILED.

Uploader error codes (the real uploader's are not documented): IMPORT_SESSION_NOT_FOUND (404),
IMPORT_SESSION_CLOSED (409), CONTENT_LENGTH_REQUIRED (411), IMPORT_SIZE_EXCEEDED (413, the
decompressed data is larger than the storage), IMPORT_DECOMPRESSION_FAILED (400),
IMPORT_CANCELLED (409), UPLOAD_INTERRUPTED (the connection ended before the body did).";

fn parse_user(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, password)) if !name.is_empty() => Ok((name.to_owned(), password.to_owned())),
        _ => Err("expected NAME:PASSWORD with a non-empty NAME".to_owned()),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_finite() && (0.0..=3600.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err("expected a number of seconds from 0 to 3600".to_owned())
    }
}
