//! Test controls: faults, the request log, CORS, and static files.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::{assert_error, json_body, Mock};
use reqwest::Method;
use serde_json::{json, Value};

fn add_fault(mock: &Mock, spec: Value) -> Value {
    let response = mock.control(Method::POST, "/faults", Some(spec));
    assert_eq!(response.status(), 201, "fault accepted");
    response.json().expect("fault id")
}

#[test]
fn status_fault_applies_count_times() {
    let mock = Mock::start(&["--empty"]);
    let added = add_fault(&mock, json!({
        "method": "GET", "path_prefix": "/1.3/storage", "count": 2, "status": 503,
        "error_code": "SERVICE_UNAVAILABLE", "error_message": "Try later.", "retry_after": "2",
    }));
    assert!(added["id"].as_str().is_some_and(|id| !id.is_empty()));

    let created = mock.create_storage("POST is not matched", 1);
    for attempt in 0..2 {
        let response = mock.get("/storage");
        assert_eq!(response.headers()["retry-after"], "2", "attempt {attempt}");
        let body = assert_error(response, 503, "SERVICE_UNAVAILABLE");
        assert_eq!(body["error"]["error_message"], "Try later.");
    }
    json_body(mock.get(&format!("/storage/{created}")), 200, "after the fault is used up");
}

#[test]
fn raw_body_fault() {
    let mock = Mock::start(&["--empty"]);
    add_fault(&mock, json!({"path_prefix": "/1.3/", "status": 502, "body": "<html>bad gateway</html>", "content_type": "text/html"}));
    let response = mock.get("/storage");
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(response.text().expect("text"), "<html>bad gateway</html>");
}

#[test]
fn latency_fault_delays() {
    let mock = Mock::start(&["--empty"]);
    add_fault(&mock, json!({"path_prefix": "/1.3/storage", "latency_ms": 300}));
    let started = Instant::now();
    json_body(mock.get("/storage"), 200, "delayed but normal");
    assert!(started.elapsed() >= Duration::from_millis(300), "took {:?}", started.elapsed());
}

#[test]
fn drop_fault_closes_connection() {
    let mock = Mock::start(&["--empty"]);
    add_fault(&mock, json!({"method": "GET", "path_prefix": "/1.3/storage", "action": "drop"}));
    let result = mock.request(Method::GET, "/storage").send();
    assert!(result.is_err(), "no response on a dropped connection: {result:?}");
    json_body(mock.get("/storage"), 200, "the next request works");
    let log: Value = mock.control(Method::GET, "/requests", None).json().expect("log");
    assert_eq!(log["requests"][0]["status"], Value::Null, "the dropped request has no status");
}

#[test]
fn slow_body_fault_throttles_upload() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("slow", 1);
    let url = mock.direct_upload_url(&storage);
    add_fault(&mock, json!({"method": "PUT", "path_prefix": "/uploader/", "action": "slow_body", "bytes_per_second": 200_000}));
    let started = Instant::now();
    let response = mock.client.put(url).body(vec![1u8; 100_000]).send().expect("PUT");
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(400), "100 kB at 200 kB/s took {:?}", started.elapsed());
}

#[test]
fn invalid_fault_rejected() {
    let mock = Mock::start(&["--empty"]);
    for spec in [
        json!({"path_prefix": "/", "status": 99}),
        json!({"path_prefix": "/", "action": "explode"}),
        json!({"path_prefix": "/", "action": "slow_body"}),
        json!({"path_prefix": "/", "count": 0}),
        json!({"path_prefix": "/", "colour": "red"}),
    ] {
        let response = mock.control(Method::POST, "/faults", Some(spec.clone()));
        assert_eq!(response.status(), 400, "{spec}");
    }
    add_fault(&mock, json!({"path_prefix": "/1.3/", "status": 500}));
    assert_eq!(mock.control(Method::DELETE, "/faults", None).status(), 204);
    json_body(mock.get("/storage"), 200, "faults cleared");
}

#[test]
fn request_log_records_exchanges() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("logged", 1);
    let url = mock.direct_upload_url(&storage);
    mock.client.put(url).header("content-type", "application/octet-stream").body(vec![0u8; 1234]).send().expect("PUT");
    mock.client.get(mock.api("/storage")).bearer_auth(common::TOKEN).send().expect("GET");

    let log: Value = mock.control(Method::GET, "/requests", None).json().expect("log");
    let requests = log["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 4);
    let create = &requests[0];
    assert_eq!(create["method"], "POST");
    assert_eq!(create["path"], "/1.3/storage");
    assert_eq!(create["status"], 201);
    assert_eq!(create["body"]["storage"]["title"], "logged");
    assert_eq!(create["headers"]["content-type"], "application/json");
    assert!(create["headers"]["authorization"].as_str().is_some_and(|value| value.starts_with("Basic ")));

    let upload = &requests[2];
    assert_eq!(upload["method"], "PUT");
    assert_eq!(upload["body"], "<1234 bytes>");
    assert!(upload["headers"].get("authorization").is_none(), "no Authorization on the upload");
    assert_eq!(requests[3]["headers"]["authorization"], format!("Bearer {}", common::TOKEN));

    assert_eq!(mock.control(Method::DELETE, "/requests", None).status(), 204);
    let log: Value = mock.control(Method::GET, "/requests", None).json().expect("log");
    assert_eq!(log["requests"], json!([]));
}

#[test]
fn cors_on_api_and_uploader() {
    let mock = Mock::start(&["--empty"]);
    for path in ["/1.3/storage", "/uploader/session/07000000-0000-4000-8000-000000000000", "/1.3/storage/01000000-0000-4000-8000-000000000000/import"] {
        let response = mock
            .client
            .request(Method::OPTIONS, format!("{}{path}", mock.url))
            .header("origin", "http://localhost:5173")
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
            .expect("preflight");
        assert_eq!(response.status(), 204, "{path}");
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], "*");
        let methods = headers["access-control-allow-methods"].to_str().expect("ASCII");
        for method in ["GET", "POST", "PUT", "DELETE"] {
            assert!(methods.contains(method), "{path} allows {method}");
        }
        let allowed = headers["access-control-allow-headers"].to_str().expect("ASCII");
        assert!(allowed.contains("authorization"), "{allowed}");
        assert!(allowed.contains("content-type"), "{allowed}");
    }
    let response = mock.client.get(mock.api("/storage")).send().expect("GET");
    assert_eq!(response.headers()["access-control-allow-origin"], "*", "even on a 401");
    assert!(response.headers()["access-control-expose-headers"].to_str().expect("ASCII").contains("retry-after"));
}

#[test]
fn static_files_served_safely() {
    let www = tempfile::tempdir().expect("www");
    let pkg = tempfile::tempdir().expect("pkg");
    std::fs::write(www.path().join("index.html"), "<h1>demo</h1>").expect("write");
    std::fs::write(www.path().join("app.mjs"), "export {};").expect("write");
    std::fs::write(www.path().join(".secret"), "hidden").expect("write");
    std::fs::create_dir(www.path().join("css")).expect("mkdir");
    std::fs::write(www.path().join("css/site.css"), "body{}").expect("write");
    std::fs::write(pkg.path().join("lib_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(pkg.path().join("lib.js"), "export {};").expect("write");
    std::fs::write(pkg.path().join("package.json"), "{}").expect("write");
    let mock = Mock::start(&[
        "--empty",
        "--www", www.path().to_str().expect("UTF-8"),
        "--pkg", pkg.path().to_str().expect("UTF-8"),
    ]);

    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/app.mjs", "text/javascript; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/pkg/lib_bg.wasm", "application/wasm"),
        ("/pkg/lib.js", "text/javascript; charset=utf-8"),
        ("/pkg/package.json", "application/json"),
    ];
    for (path, content_type) in cases {
        let response = mock.client.get(format!("{}{path}", mock.url)).send().expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
    }

    for path in ["/.secret", "/css/", "/missing.js", "/%2e%2e/Cargo.toml", "/pkg/..%2f..%2fetc%2fpasswd", "/css/%2e%2e/%2e%2e/etc/passwd"] {
        let status = raw_get_status(&mock, path);
        assert_eq!(status, 404, "{path}");
    }
}

/// Sends a GET with the path exactly as given, because HTTP clients normalise `..` away.
fn raw_get_status(mock: &Mock, path: &str) -> u16 {
    let address = mock.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer.split_whitespace().nth(1).and_then(|status| status.parse().ok()).expect("status line")
}
