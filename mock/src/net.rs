//! Listeners: plain HTTP/1.1 and h2c, and TLS with a self-signed certificate offering
//! HTTP/2 and HTTP/1.1 through ALPN (browsers stream request bodies only over HTTP/2).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::service::{self, Connection};
use crate::state::AppState;

/// A self-signed certificate for `localhost` and `127.0.0.1`, made at start.
pub struct Certificate {
    pub acceptor: TlsAcceptor,
    /// Base64 SHA-256 of the public key, the form Chromium's
    /// `--ignore-certificate-errors-spki-list` takes.
    pub spki_sha256: String,
}

pub fn self_signed() -> Result<Certificate, String> {
    use base64::Engine as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    let generated = rcgen::generate_simple_self_signed(names)
        .map_err(|error| format!("cannot generate a TLS certificate: {error}"))?;
    let spki_sha256 = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(generated.key_pair.public_key_der()));
    let certificate = CertificateDer::from(generated.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("cannot configure TLS: {error}"))?
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .map_err(|error| format!("cannot use the generated certificate: {error}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Certificate { acceptor: TlsAcceptor::from(Arc::new(config)), spki_sha256 })
}

/// Accepts connections until the process ends.
pub async fn serve(listener: TcpListener, tls: Option<TlsAcceptor>, state: Arc<AppState>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Running out of file descriptors is the usual cause; back off briefly.
                tracing::warn!(%error, "failed to accept a connection");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let local = match stream.local_addr() {
            Ok(local) => local,
            Err(_) => continue,
        };
        let state = Arc::clone(&state);
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(stream) => serve_connection(stream, true, local, state).await,
                    Err(error) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                },
                None => serve_connection(stream, false, local, state).await,
            }
        });
    }
}

async fn serve_connection<S>(stream: S, tls: bool, local: SocketAddr, state: Arc<AppState>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = CancellationToken::new();
    let connection = Connection { tls, local, kill: kill.clone() };
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let state = Arc::clone(&state);
        let connection = connection.clone();
        async move {
            let request = request.map(Body::new);
            Ok::<_, Infallible>(service::handle(state, connection, request).await)
        }
    });

    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Larger HTTP/2 windows let one upload stream go faster than the 64 KiB default allows.
    builder
        .http2()
        .initial_stream_window_size(4 << 20)
        .initial_connection_window_size(8 << 20)
        .max_frame_size(1 << 20);
    let serving = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(serving);
    tokio::select! {
        result = serving.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        _ = kill.cancelled() => {}
    }
}
