//! One HTTP exchange through `fetch`.
//!
//! gloo-net is not used: it cannot call a fetch function supplied by the user
//! (the seam for proxies and tests) and it looks fetch up on a window or
//! worker global, which workerd and Node do not provide. So fetch is called
//! here through js-sys, looked up on `globalThis` at each call, and the
//! body is read by `fetch.js`.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::signals::{AbortCause, CallSignal};

#[wasm_bindgen]
extern "C" {
    // Read directly rather than through `js_sys::global()`, whose glue probes
    // `window` among other names; the shipped JS must not mention `window`.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

#[wasm_bindgen(module = "/src/transport/fetch.js")]
extern "C" {
    // An async function: every failure arrives as a rejection.
    #[wasm_bindgen(js_name = readBody)]
    fn read_body(response: &JsValue) -> Promise;
}

/// A request ready for the wire. The URL is absolute.
pub(crate) struct HttpRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) body: Option<&'a str>,
}

/// A response, with the body read to the end as bytes.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// The reason no response came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchFailure {
    /// fetch rejected for another reason than our signal: DNS, refused
    /// connection, TLS, CORS, or a custom fetch that threw. The text is the
    /// runtime's message.
    Network(String),
    /// The call's signal aborted; the cause records whether the caller or the
    /// timeout aborted it.
    Aborted(AbortCause),
}

/// Sends `request` through `fetch_fn` (or `globalThis.fetch` when `None`)
/// and reads the whole body. The init object carries only `method`,
/// `headers`, `body` and `signal`, because Workers reject other options.
pub(crate) async fn send(
    fetch_fn: Option<&Function>,
    request: &HttpRequest<'_>,
    signal: &CallSignal,
) -> Result<HttpResponse, FetchFailure> {
    if let Some(cause) = signal.cause() {
        return Err(FetchFailure::Aborted(cause));
    }

    let init = build_init(request, signal).map_err(|_| network("could not build the request"))?;
    let promise = call_fetch(fetch_fn, request.url, &init)?;
    let response = JsFuture::from(signal.race(&promise))
        .await
        .map_err(|error| failure(signal, &error, request.url))?;
    let status = response_status(&response)?;
    let content_type = header(&response, "content-type");
    let retry_after = header(&response, "retry-after");

    // Bytes rather than text, because the parsers read UTF-8. Copying them
    // into wasm memory skips decoding the body to a JS string and encoding
    // it back.
    let body = JsFuture::from(signal.race(&read_body(&response)))
        .await
        .map_err(|error| failure(signal, &error, request.url))?
        .unchecked_into::<Uint8Array>()
        .to_vec();

    Ok(HttpResponse { status, content_type, retry_after, body })
}

fn build_init(request: &HttpRequest<'_>, signal: &CallSignal) -> Result<Object, JsValue> {
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &request.method.into())?;

    let headers = Object::new();
    for (name, value) in request.headers {
        Reflect::set(&headers, &(*name).into(), &(*value).into())?;
    }
    Reflect::set(&init, &"headers".into(), &headers)?;

    if let Some(body) = request.body {
        Reflect::set(&init, &"body".into(), &body.into())?;
    }
    Reflect::set(&init, &"signal".into(), &signal.signal())?;
    Ok(init)
}

fn call_fetch(
    fetch_fn: Option<&Function>,
    url: &str,
    init: &Object,
) -> Result<Promise, FetchFailure> {
    let global = GLOBAL_THIS.with(JsValue::clone);
    let returned = match fetch_fn {
        Some(function) => function.call2(&JsValue::UNDEFINED, &url.into(), init),
        None => {
            let fetch = Reflect::get(&global, &"fetch".into())
                .ok()
                .and_then(|value| value.dyn_into::<Function>().ok())
                .ok_or_else(|| network("this runtime has no global fetch; pass the fetch option"))?;
            // Some runtimes throw "Illegal invocation" unless `this` is the global.
            fetch.call2(&global, &url.into(), init)
        }
    };
    let returned = returned.map_err(|error| FetchFailure::Network(describe(&error, url)))?;
    // A custom fetch may return a plain value; resolve() turns it into a promise.
    Ok(Promise::resolve(&returned))
}

// The response is read through Reflect and calls that catch exceptions, not
// through web-sys's Response bindings. A custom fetch may resolve to a
// polyfill or a plain object whose getters throw, and such an exception must
// become an error here instead of unwinding through the wasm call.

/// Reads the numeric `status` of whatever fetch resolved to.
fn response_status(response: &JsValue) -> Result<u16, FetchFailure> {
    let status = Reflect::get(response, &"status".into()).ok().and_then(|value| value.as_f64());
    match status {
        Some(status) if response.is_object() && (100.0..=999.0).contains(&status) => Ok(status as u16),
        _ => Err(network("fetch resolved to something that is not a Response")),
    }
}

/// Reads one header, or `None` when it is absent or cannot be read.
fn header(response: &JsValue, name: &str) -> Option<String> {
    let headers = Reflect::get(response, &"headers".into()).ok()?;
    call_method_with(&headers, "get", &name.into()).ok()?.as_string()
}

fn call_method_with(target: &JsValue, name: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    let method: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    method.call1(target, argument)
}

fn failure(signal: &CallSignal, error: &JsValue, url: &str) -> FetchFailure {
    match signal.cause() {
        Some(cause) => FetchFailure::Aborted(cause),
        None => FetchFailure::Network(describe(error, url)),
    }
}

fn network(message: &str) -> FetchFailure {
    FetchFailure::Network(message.to_owned())
}

/// Describes a rejection from fetch: its message plus the message or code
/// of its `cause` (Node's "fetch failed" hides the reason there). The URL is
/// cut out because some runtimes quote it and a direct-upload URL is a
/// credential.
fn describe(error: &JsValue, url: &str) -> String {
    let message = string_property(error, "message").unwrap_or_else(|| "fetch failed".to_owned());
    let cause = Reflect::get(error, &"cause".into()).unwrap_or(JsValue::UNDEFINED);
    let detail = string_property(&cause, "message").or_else(|| string_property(&cause, "code"));
    let text = match detail {
        Some(detail) if !message.contains(&detail) => format!("{message}: {detail}"),
        _ => message,
    };
    text.replace(url, "<request URL>")
}

fn string_property(value: &JsValue, name: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &name.into()).ok()?.as_string().filter(|text| !text.is_empty())
}
