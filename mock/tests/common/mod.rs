//! Starts the mock binary on a free port and talks to it over plain HTTP.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::Method;
use serde_json::{json, Value};

pub const USER: &str = "a";
pub const PASSWORD: &str = "b";
pub const TOKEN: &str = "t";
/// Fast operations keep the suite short; state tests poll for each step.
pub const OP_SECONDS: &str = "0.4";

pub struct Mock {
    child: Child,
    pub url: String,
    pub tls_url: Option<String>,
    pub client: Client,
}

impl Mock {
    /// Starts `upcloud-mock --listen 127.0.0.1:0 --user a:b --token t --op-seconds 0.4` plus
    /// `extra`, whose own `--op-seconds` replaces the default.
    pub fn start(extra: &[&str]) -> Mock {
        let mut args = vec!["--listen", "127.0.0.1:0", "--user", "a:b", "--token", TOKEN];
        if !extra.contains(&"--op-seconds") {
            args.extend_from_slice(&["--op-seconds", OP_SECONDS]);
        }
        args.extend_from_slice(extra);
        Self::start_with(&args)
    }

    /// Starts the mock with exactly these arguments.
    pub fn start_with(args: &[&str]) -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_upcloud-mock"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the mock binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let wants_tls = args.contains(&"--tls-listen");
        let mut url = None;
        let mut tls_url = None;
        while url.is_none() || (wants_tls && tls_url.is_none()) {
            let line = lines
                .next()
                .expect("the mock prints its listening lines before exiting")
                .expect("stdout is UTF-8");
            if let Some(rest) = line.strip_prefix("listening on http://") {
                url = Some(format!("http://{rest}"));
            }
            if let Some(rest) = line.strip_prefix("listening on https://") {
                tls_url = Some(format!("https://{rest}"));
            }
        }
        // Keep draining stdout so the mock never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let client = Client::builder().timeout(Duration::from_secs(60)).build().expect("client builds");
        Mock { child, url: url.expect("checked by the loop"), tls_url, client }
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/1.3{}", self.url, path)
    }

    /// Builds a request with Basic authentication as the account `a`.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.api(path)).basic_auth(USER, Some(PASSWORD))
    }

    pub fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().expect("GET is answered")
    }

    pub fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, path).json(body).send().expect("the request is answered")
    }

    pub fn post(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::POST, path, body)
    }

    pub fn post_empty(&self, path: &str) -> Response {
        self.request(Method::POST, path).send().expect("POST is answered")
    }

    pub fn put(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PUT, path, body)
    }

    pub fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().expect("DELETE is answered")
    }

    pub fn control(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self.client.request(method, format!("{}/__mock{}", self.url, path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().expect("the control is answered")
    }

    /// Creates an online normal storage in the sample servers' zone and returns its UUID.
    pub fn create_storage(&self, title: &str, size: u64) -> String {
        let response = self.post(
            "/storage",
            &json!({"storage": {"size": size.to_string(), "tier": "maxiops", "title": title, "zone": "fi-hel1"}}),
        );
        assert_eq!(response.status(), 201, "create storage");
        let body: Value = response.json().expect("create returns JSON");
        body["storage"]["uuid"].as_str().expect("created storage has a uuid").to_owned()
    }

    pub fn storage(&self, uuid: &str) -> Value {
        let response = self.get(&format!("/storage/{uuid}"));
        assert_eq!(response.status(), 200, "GET /storage/{uuid}");
        response.json::<Value>().expect("storage JSON")["storage"].clone()
    }

    pub fn import(&self, storage: &str) -> Value {
        let response = self.get(&format!("/storage/{storage}/import"));
        assert_eq!(response.status(), 200, "GET import of {storage}");
        response.json::<Value>().expect("import JSON")["storage_import"].clone()
    }

    /// Polls `probe` every 20 ms until it returns `Some`, for at most `seconds`.
    pub fn wait_for<T>(&self, seconds: f64, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs_f64(seconds);
        loop {
            if let Some(value) = probe() {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out after {seconds} s waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_storage_state(&self, uuid: &str, state: &str) -> Value {
        self.wait_for(10.0, &format!("storage {uuid} to be {state}"), || {
            let storage = self.storage(uuid);
            (storage["state"] == state).then_some(storage)
        })
    }

    pub fn wait_import_state(&self, storage: &str, state: &str) -> Value {
        self.wait_for(10.0, &format!("import of {storage} to be {state}"), || {
            let import = self.import(storage);
            (import["state"] == state).then_some(import)
        })
    }

    /// Creates a direct-upload import and returns its `direct_upload_url`.
    pub fn direct_upload_url(&self, storage: &str) -> String {
        let response = self.post(
            &format!("/storage/{storage}/import"),
            &json!({"storage_import": {"source": "direct_upload"}}),
        );
        assert_eq!(response.status(), 201, "create direct upload import");
        let body: Value = response.json().expect("import JSON");
        body["storage_import"]["direct_upload_url"].as_str().expect("direct_upload_url").to_owned()
    }

    pub fn data(&self, storage: &str, offset: u64, length: u64) -> Vec<u8> {
        let response = self.control(
            Method::GET,
            &format!("/storages/{storage}/data?offset={offset}&length={length}"),
            None,
        );
        assert_eq!(response.status(), 200, "read storage data");
        response.bytes().expect("data bytes").to_vec()
    }
}

impl Drop for Mock {
    /// Stops the mock with SIGTERM so it removes its data directory, then waits for it.
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the recorded cases folder: `UPCLOUD_CONFORMANCE_DIR`, else
/// `../../shared/conformance` from this crate.
pub fn conformance_dir() -> PathBuf {
    match std::env::var_os("UPCLOUD_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    }
}

pub fn load_case(name: &str) -> Value {
    let path = conformance_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).expect("case files are JSON")
}

/// Returns the JSON body of a response after checking its status and content type.
pub fn json_body(response: Response, status: u16, what: &str) -> Value {
    assert_eq!(response.status(), status, "{what}: status");
    let content_type = response.headers().get("content-type").map(|value| value.to_str().unwrap_or_default().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/json; charset=UTF-8"), "{what}: content type");
    response.json().expect("JSON body")
}

/// Checks a legacy error response: status, content type and `error_code`.
pub fn assert_error(response: Response, status: u16, code: &str) -> Value {
    let body = json_body(response, status, code);
    assert_eq!(body["error"]["error_code"], code, "error code in {body}");
    assert!(body["error"]["error_message"].as_str().is_some_and(|message| !message.is_empty()), "error message in {body}");
    body
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Finds a tool on the machine, or returns `None` with a note when it is not installed.
pub fn tool(name: &str) -> Option<PathBuf> {
    for dir in ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"] {
        let path = PathBuf::from(dir).join(name);
        if path.exists() {
            return Some(path);
        }
    }
    eprintln!("note: `{name}` is not installed; skipping the part of this test that needs it");
    None
}

/// Serves `body` to every GET on a loopback port until the test ends, as the source of an
/// HTTP import. With `credentials`, requests without that Basic header get 401.
/// Returns the base URL (`http://127.0.0.1:PORT`).
pub fn serve_bytes(body: Vec<u8>, content_type: &'static str, credentials: Option<(&str, &str)>) -> String {
    use base64::Engine as _;
    use std::io::{Read, Write};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    let expected = credentials.map(|(user, password)| {
        format!("authorization: basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
    });
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).map(|count| count == 1).unwrap_or(false) {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
            let authorized = expected.as_ref().is_none_or(|line| head.contains(&line.to_ascii_lowercase()));
            let reply = if authorized {
                let mut reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend_from_slice(&body);
                reply
            } else {
                b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()
            };
            let _ = stream.write_all(&reply);
        }
    });
    format!("http://{address}")
}
