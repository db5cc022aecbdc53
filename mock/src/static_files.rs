//! Static files for `--www` and `--pkg`: no directory listings, no path traversal, and
//! the content types browsers insist on (`application/wasm` for streaming compilation,
//! `text/javascript` for modules).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use tokio_util::io::ReaderStream;

use crate::respond::text;

fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "css" => "text/css; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path below the mount point to a file under `root`, or `None` when the path
/// tries to leave `root` or names a hidden file.
fn resolve(root: &Path, relative: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(relative).decode_utf8().ok()?;
    let mut path = root.to_path_buf();
    for component in Path::new(decoded.as_ref()).components() {
        match component {
            Component::Normal(part) if !part.to_string_lossy().starts_with('.') => path.push(part),
            Component::CurDir | Component::RootDir => {}
            _ => return None,
        }
    }
    Some(path)
}

/// Serves `relative` from `root`; a directory serves its `index.html`.
pub async fn serve(root: &Path, relative: &str, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "Static files accept only GET and HEAD.\n");
    }
    let Some(mut path) = resolve(root, relative) else {
        return text(StatusCode::NOT_FOUND, "Not found.\n");
    };
    if tokio::fs::metadata(&path).await.is_ok_and(|metadata| metadata.is_dir()) {
        path.push("index.html");
    }
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(_) => return text(StatusCode::NOT_FOUND, "Not found.\n"),
    };
    let length = match file.metadata().await {
        Ok(metadata) if metadata.is_file() => metadata.len(),
        _ => return text(StatusCode::NOT_FOUND, "Not found.\n"),
    };

    let body = if method == Method::HEAD { Body::empty() } else { Body::from_stream(ReaderStream::new(file)) };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
