//! The uploader and HTTP imports: raw, gzip and xz data, real disk and ISO images, size
//! limits, closed sessions, missing lengths, broken connections and TLS with HTTP/2.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use common::{json_body, serve_bytes, sha256_hex, tool, Mock};
use md5::Digest as _;
use reqwest::Method;
use serde_json::{json, Value};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 1);
    encoder.write_all(data).expect("xz in memory");
    encoder.finish().expect("xz in memory")
}

fn pattern(length: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// Uploads `body` as `content_type` into a new import of `storage` and returns the response.
fn upload(mock: &Mock, storage: &str, content_type: &str, body: Vec<u8>) -> reqwest::blocking::Response {
    let url = mock.direct_upload_url(storage);
    mock.client.put(url).header("content-type", content_type).body(body).send().expect("PUT is answered")
}

/// Checks the uploader's response, the completed import and the bytes on the storage.
fn assert_landed(mock: &Mock, storage: &str, response: reqwest::blocking::Response, plain: &[u8], sent_bytes: usize) {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json", "the uploader has no charset");
    let answer: Value = response.json().expect("JSON");
    let keys: Vec<&String> = answer.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["md5sum", "sha256sum", "written_bytes"], "the bare answer");
    assert_eq!(answer["written_bytes"], plain.len());
    assert_eq!(answer["sha256sum"], sha256_hex(plain));
    assert_eq!(answer["md5sum"], hex::encode(md5::Md5::digest(plain)));

    let import = mock.wait_import_state(storage, "completed");
    assert_eq!(import["sha256sum"], answer["sha256sum"]);
    assert_eq!(import["md5sum"], answer["md5sum"]);
    assert_eq!(import["written_bytes"], plain.len());
    assert_eq!(import["read_bytes"], sent_bytes);
    assert_eq!(mock.data(storage, 0, plain.len() as u64), plain, "the storage holds the data");
    mock.wait_storage_state(storage, "online");
}

#[test]
fn raw_gzip_xz_uploads_land() {
    let mock = Mock::start(&["--empty"]);
    let plain = pattern(3 << 20);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("application/octet-stream", plain.clone()),
        ("application/gzip", gzip(&plain)),
        ("application/x-gzip", gzip(&plain)),
        ("application/x-xz", xz(&plain)),
        ("application/gzip; charset=binary", [gzip(&plain[..1000]), gzip(&plain[1000..])].concat()),
    ];
    for (content_type, body) in cases {
        let storage = mock.create_storage(content_type, 1);
        let sent = body.len();
        let response = upload(&mock, &storage, content_type, body);
        assert_landed(&mock, &storage, response, &plain, sent);
        assert_eq!(mock.import(&storage)["client_content_type"], content_type);
        assert_eq!(mock.import(&storage)["client_content_length"], sent);
    }
}

#[test]
fn unknown_type_is_written_raw() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("raw", 1);
    let compressed = gzip(b"not decompressed without the header");
    let response = upload(&mock, &storage, "application/json", compressed.clone());
    assert_landed(&mock, &storage, response, &compressed, compressed.len());
}

#[test]
fn import_overwrites_from_offset_zero() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("layers", 1);
    assert_eq!(upload(&mock, &storage, "application/octet-stream", vec![0xff; 8]).status(), 200);
    mock.wait_storage_state(&storage, "online");
    assert_eq!(upload(&mock, &storage, "application/octet-stream", vec![0x01; 4]).status(), 200);
    mock.wait_storage_state(&storage, "online");
    assert_eq!(mock.data(&storage, 0, 10), [1, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0, 0]);
}

#[test]
fn corrupt_gzip_fails_import() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("corrupt", 1);
    let mut body = gzip(&pattern(100_000));
    body.truncate(body.len() / 2);
    let response = upload(&mock, &storage, "application/gzip", body);
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().expect("JSON");
    assert_eq!(answer["error"]["error_code"], "IMPORT_DECOMPRESSION_FAILED");
    let failed = mock.wait_import_state(&storage, "failed");
    assert_eq!(failed["error_code"], "IMPORT_DECOMPRESSION_FAILED");
    mock.wait_storage_state(&storage, "online");
}

fn sha256sum_tool(path: &Path) -> String {
    let output = Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    String::from_utf8(output.stdout).expect("UTF-8").split_whitespace().next().expect("digest").to_owned()
}

#[test]
fn real_ext4_image_uploads() {
    let Some(qemu_img) = tool("qemu-img") else { return };
    let Some(mkfs) = tool("mkfs.ext4") else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    let image = dir.path().join("disk.img");
    let created = Command::new(qemu_img).args(["create", "-q", "-f", "raw"]).arg(&image).arg("48M").status().expect("qemu-img runs");
    assert!(created.success(), "qemu-img create");
    let formatted = Command::new(mkfs).args(["-F", "-q", "-L", "mockdisk"]).arg(&image).status().expect("mkfs.ext4 runs");
    assert!(formatted.success(), "mkfs.ext4");
    let expected = sha256sum_tool(&image);
    let plain = std::fs::read(&image).expect("image bytes");

    let mock = Mock::start(&["--empty"]);
    for (content_type, body) in [
        ("application/octet-stream", plain.clone()),
        ("application/gzip", gzip(&plain)),
        ("application/x-xz", xz(&plain)),
    ] {
        let storage = mock.create_storage("ext4 image", 1);
        let response = upload(&mock, &storage, content_type, body);
        let answer = json_body_uploader(response);
        assert_eq!(answer["sha256sum"], expected.as_str(), "{content_type}: matches sha256sum of the image");
        let import = mock.wait_import_state(&storage, "completed");
        assert_eq!(import["sha256sum"], expected.as_str());
        let superblock = mock.data(&storage, 1024, 1024);
        assert_eq!(&superblock[0x38..0x3a], &[0x53, 0xef], "{content_type}: ext4 magic on the storage");
    }
}

fn json_body_uploader(response: reqwest::blocking::Response) -> Value {
    assert_eq!(response.status(), 200, "upload status");
    response.json().expect("JSON")
}

#[test]
fn real_iso_image_uploads() {
    let maker = tool("xorriso").map(|path| (path, true)).or_else(|| tool("genisoimage").map(|path| (path, false)));
    let Some((maker, is_xorriso)) = maker else {
        eprintln!("note: neither xorriso nor genisoimage is installed; the ISO upload case was skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let content = dir.path().join("content");
    std::fs::create_dir(&content).expect("content folder");
    std::fs::write(content.join("readme.txt"), pattern(200_000)).expect("a file for the ISO");
    let iso = dir.path().join("image.iso");
    let mut command = Command::new(maker);
    if is_xorriso {
        command.args(["-as", "mkisofs"]);
    }
    let made = command.args(["-quiet", "-V", "MOCKISO", "-o"]).arg(&iso).arg(&content).status().expect("ISO tool runs");
    assert!(made.success(), "making the ISO");
    let expected = sha256sum_tool(&iso);

    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("iso", 1);
    let answer = json_body_uploader(upload(&mock, &storage, "application/octet-stream", std::fs::read(&iso).expect("ISO bytes")));
    assert_eq!(answer["sha256sum"], expected.as_str());
    assert_eq!(&mock.data(&storage, 0x8001, 5), b"CD001", "ISO 9660 signature on the storage");
}

#[test]
fn oversized_data_fails_import() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("small", 1);
    // 1 GiB + 1 MiB of zeros compresses to about 1 MiB.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![0u8; 1 << 20];
    for _ in 0..1025 {
        encoder.write_all(&block).expect("gzip in memory");
    }
    let body = encoder.finish().expect("gzip in memory");

    let response = upload(&mock, &storage, "application/gzip", body);
    assert_eq!(response.status(), 413);
    let answer: Value = response.json().expect("JSON");
    assert_eq!(answer["error"]["error_code"], "IMPORT_SIZE_EXCEEDED");
    let failed = mock.wait_import_state(&storage, "failed");
    assert_eq!(failed["error_code"], "IMPORT_SIZE_EXCEEDED");
    assert!(failed["error_message"].as_str().is_some_and(|message| message.contains("1073741824")), "{failed}");
    mock.wait_storage_state(&storage, "online");
}

#[test]
fn sessions_reject_second_put() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("once", 1);
    let url = mock.direct_upload_url(&storage);
    assert_eq!(mock.client.put(&url).body(vec![1u8; 100]).send().expect("PUT").status(), 200);
    let again = mock.client.put(&url).body(vec![2u8; 100]).send().expect("PUT");
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().expect("JSON")["error"]["error_code"], "IMPORT_SESSION_CLOSED");

    let unknown = mock.client.put(format!("{}/uploader/session/07000000-0000-4000-8000-000000000000", mock.url)).body("x").send().expect("PUT");
    assert_eq!(unknown.status(), 404);
    let post = mock.client.post(&url).body("x").send().expect("POST");
    assert_eq!(post.status(), 405);
}

#[test]
fn authorization_on_upload_ignored() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("auth", 1);
    let url = mock.direct_upload_url(&storage);
    let response = mock.client.put(url).basic_auth("nobody", Some("wrong")).body(vec![3u8; 10]).send().expect("PUT");
    assert_eq!(response.status(), 200);
}

/// Wraps `data` in a reader of unknown size, which reqwest sends chunked with no Content-Length.
fn chunked(data: Vec<u8>) -> reqwest::blocking::Body {
    reqwest::blocking::Body::new(std::io::Cursor::new(data))
}

#[test]
fn chunked_upload_records_zero_length() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("chunked", 1);
    let url = mock.direct_upload_url(&storage);
    let response = mock.client.put(url).body(chunked(pattern(500_000))).send().expect("PUT");
    assert_eq!(response.status(), 200);
    let import = mock.wait_import_state(&storage, "completed");
    assert_eq!(import["client_content_length"], 0);
    assert_eq!(import["written_bytes"], 500_000);
}

#[test]
fn required_length_answers_411() {
    let mock = Mock::start(&["--empty", "--require-content-length"]);
    let storage = mock.create_storage("length", 1);
    let url = mock.direct_upload_url(&storage);
    let response = mock.client.put(&url).body(chunked(vec![1u8; 1000])).send().expect("PUT");
    assert_eq!(response.status(), 411);
    assert_eq!(mock.import(&storage)["state"], "prepared", "the session stays open");
    assert_eq!(mock.client.put(&url).body(vec![1u8; 1000]).send().expect("PUT").status(), 200);
}

#[test]
fn broken_connection_aborts_upload() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("broken", 1);
    let url = mock.direct_upload_url(&storage);
    let path = url.split_once("/uploader").map(|(_, rest)| format!("/uploader{rest}")).expect("uploader path");
    let address = mock.url.trim_start_matches("http://").to_owned();

    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    let head = format!("PUT {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000000\r\n\r\n");
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(&[9u8; 5000]).expect("send part of the body");
    stream.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(200));
    drop(stream);

    let record = mock.wait_for(10.0, "the aborted upload", || {
        let uploads: Value = mock.control(Method::GET, "/uploads", None).json().expect("uploads");
        let record = uploads["uploads"][0].clone();
        (record["state"] != "receiving").then_some(record)
    });
    assert_eq!(record["state"], "aborted");
    assert_eq!(record["received_bytes"], 5000);
    assert_eq!(record["content_length"], 1_000_000);
    let failed = mock.wait_import_state(&storage, "failed");
    assert_eq!(failed["error_code"], "UPLOAD_INTERRUPTED");
    mock.wait_storage_state(&storage, "online");

    let log: Value = mock.control(Method::GET, "/requests", None).json().expect("log");
    let put = log["requests"].as_array().expect("requests").iter().find(|entry| entry["method"] == "PUT").cloned();
    let put = put.expect("the broken PUT is logged");
    assert_eq!(put["body"], "<5000 bytes>");
    assert_eq!(put["status"], 400);
}

#[test]
fn cancel_during_upload() {
    let mock = Mock::start(&["--empty"]);
    let storage = mock.create_storage("cancelled", 1);
    let url = mock.direct_upload_url(&storage);
    let path = url.split_once("/uploader").map(|(_, rest)| format!("/uploader{rest}")).expect("uploader path");
    let address = mock.url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    let head = format!("PUT {path} HTTP/1.1\r\nhost: {address}\r\ncontent-length: 100000000\r\n\r\n");
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(&vec![7u8; 2 << 20]).expect("send part of the body");
    mock.wait_import_state(&storage, "importing");

    let cancelled = json_body(mock.post_empty(&format!("/storage/{storage}/import/cancel")), 200, "cancel");
    assert_eq!(cancelled["storage_import"]["state"], "cancelling");
    // The writer stops at its next block; more data lets it notice.
    let _ = stream.write_all(&vec![7u8; 4 << 20]);
    let mut answer = String::new();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 409"), "the PUT is answered 409: {answer}");
    assert!(answer.contains("IMPORT_CANCELLED"), "{answer}");
    mock.wait_import_state(&storage, "cancelled");
    mock.wait_storage_state(&storage, "online");
}

#[test]
fn http_import_downloads_loopback_source() {
    let mock = Mock::start(&["--empty"]);
    let plain = pattern(2 << 20);
    let compressed = gzip(&plain);
    let source = serve_bytes(compressed.clone(), "application/gzip", Some(("fetch", "s3cr:et")));
    let with_credentials = source.replace("http://", "http://fetch:s3cr%3Aet@");
    let storage = mock.create_storage("http import", 1);
    let created = mock.post(&format!("/storage/{storage}/import"), &json!({"storage_import": {"source": "http_import", "source_location": format!("{with_credentials}/disk.img.gz")}}));
    let created = json_body(created, 201, "http import");
    assert_eq!(created["storage_import"]["state"], "prepared");
    assert!(created["storage_import"].get("direct_upload_url").is_none());

    let completed = mock.wait_import_state(&storage, "completed");
    assert_eq!(completed["client_content_type"], "application/gzip");
    assert_eq!(completed["client_content_length"], compressed.len());
    assert_eq!(completed["read_bytes"], compressed.len());
    assert_eq!(completed["written_bytes"], plain.len());
    assert_eq!(completed["sha256sum"], sha256_hex(&plain));
    assert_eq!(mock.data(&storage, 0, plain.len() as u64), plain);
}

#[test]
fn http_import_rejects_other_hosts() {
    let mock = Mock::start(&["--empty"]);
    for location in ["https://127.0.0.1:1/image.iso", "http://127.0.0.2:9/image.iso"] {
        let storage = mock.create_storage("elsewhere", 1);
        let created = mock.post(&format!("/storage/{storage}/import"), &json!({"storage_import": {"source": "http_import", "source_location": location}}));
        json_body(created, 201, location);
        let failed = mock.wait_import_state(&storage, "failed");
        assert_eq!(failed["error_code"], "SOURCE_LOCATION_NOT_ALLOWED", "{location}");
        assert!(failed["error_message"].as_str().is_some_and(|message| message.contains("127.0.0.1")), "{failed}");
        mock.wait_storage_state(&storage, "online");
    }
}

#[test]
fn http_import_source_errors() {
    let mock = Mock::start(&["--empty"]);
    let source = serve_bytes(vec![1u8; 100], "application/octet-stream", Some(("user", "right")));
    let storage = mock.create_storage("unauthorised", 1);
    let location = source.replace("http://", "http://user:wrong@") + "/x.img";
    let created = mock.post(&format!("/storage/{storage}/import"), &json!({"storage_import": {"source": "http_import", "source_location": location}}));
    json_body(created, 201, "http import");
    let failed = mock.wait_import_state(&storage, "failed");
    assert_eq!(failed["error_code"], "IMPORT_SOURCE_FAILED");
    assert!(failed["error_message"].as_str().is_some_and(|message| message.contains("401")), "{failed}");
    assert!(!failed["error_message"].as_str().unwrap_or_default().contains("wrong"), "no password in the message");
}

#[test]
fn tls_upload_over_http2() {
    let Some(curl) = tool("curl") else { return };
    let mock = Mock::start(&["--empty", "--tls-listen", "127.0.0.1:0"]);
    let tls = mock.tls_url.clone().expect("TLS listener");
    let storage = mock.create_storage("over tls", 1);

    let output = Command::new(&curl)
        .args(["-sk", "--http2", "-u", "a:b", "-H", "content-type: application/json", "-d", r#"{"storage_import":{"source":"direct_upload"}}"#])
        .arg(format!("{tls}/1.3/storage/{storage}/import"))
        .output()
        .expect("curl runs");
    let created: Value = serde_json::from_slice(&output.stdout).expect("import JSON over TLS");
    let url = created["storage_import"]["direct_upload_url"].as_str().expect("direct_upload_url").to_owned();
    assert!(url.starts_with(&format!("{tls}/uploader/session/")), "{url} is on the TLS listener");

    let plain = pattern(1 << 20);
    let mut child = Command::new(&curl)
        .args(["-sk", "--http2", "-w", "\n%{http_version}", "-H", "content-type: application/octet-stream", "-T", "-", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("curl runs");
    child.stdin.take().expect("stdin").write_all(&plain).expect("stream the body");
    let output = child.wait_with_output().expect("curl finishes");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let (body, version) = text.rsplit_once('\n').expect("body and version");
    assert_eq!(version, "2", "HTTP/2 was negotiated");
    let answer: Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(answer["sha256sum"], sha256_hex(&plain));
    let import = mock.wait_import_state(&storage, "completed");
    assert_eq!(import["client_content_length"], 0, "a streamed body has no length");
}

#[test]
fn api_errors_keep_legacy_shape_on_tls() {
    let Some(curl) = tool("curl") else { return };
    let mock = Mock::start(&["--empty", "--tls-listen", "127.0.0.1:0"]);
    let tls = mock.tls_url.clone().expect("TLS listener");
    let output = Command::new(curl).args(["-sk", "--http2", "-u", "a:b"]).arg(format!("{tls}/1.3/storage/01000000-0000-4000-8000-00000000dead")).output().expect("curl runs");
    let body: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(body["error"]["error_code"], "STORAGE_NOT_FOUND");
}
