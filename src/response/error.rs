//! Maps an HTTP error response to [`Error`], whatever shape its body has.

use serde::Deserialize;
use serde_json::Value;

use super::excerpt::text_excerpt;
use crate::error::{codes, Error, InvalidParam};

/// Returns the media type without parameters, lower-cased (`application/problem+json`).
pub(crate) fn media_type(content_type: Option<&str>) -> Option<String> {
    content_type.map(|value| {
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    })
}

fn is_json_media_type(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

#[derive(Deserialize)]
struct LegacyBody {
    error: LegacyError,
}

#[derive(Deserialize)]
struct LegacyError {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
}

/// Builds the error for a response whose status is not 2xx.
///
/// Recognises the legacy `{"error": {"error_code", "error_message"}}` body and
/// RFC 7807 problems. A problem is detected by the media type
/// `application/problem+json`, whatever its parameters, or by a top-level
/// string `type`. Any other body becomes `HTTP_ERROR` with a short text
/// excerpt of the body.
pub fn error_from_response(status: u16, content_type: Option<&str>, body: &[u8]) -> Error {
    let media_type = media_type(content_type);
    let declared_problem = media_type.as_deref() == Some("application/problem+json");
    let may_be_json = media_type.as_deref().is_none_or(is_json_media_type);

    let json: Option<Value> = if may_be_json {
        serde_json::from_slice(body).ok()
    } else {
        None
    };

    let error = match &json {
        Some(value) if value.get("error").is_some_and(Value::is_object) => legacy_error(value),
        Some(value) if declared_problem || value.get("type").is_some_and(Value::is_string) => {
            Some(problem_error(value))
        }
        _ => None,
    };

    error
        .unwrap_or_else(|| plain_http_error(status, body))
        .with_status(status)
}

fn legacy_error(value: &Value) -> Option<Error> {
    let body = LegacyBody::deserialize(value).ok()?;
    let message = body
        .error
        .error_message
        .filter(|message| !message.is_empty());
    match body.error.error_code.filter(|code| !code.is_empty()) {
        Some(code) => Some(Error::new(&code, message.unwrap_or_else(|| code.clone()))),
        None => message.map(|message| Error::new(codes::HTTP_ERROR, message)),
    }
}

fn string_field(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// Extracts the code of a problem `type` URL: its fragment, without a leading `ERROR_`
/// (`…/errors#ERROR_RESOURCE_NOT_FOUND` → `RESOURCE_NOT_FOUND`).
pub(crate) fn problem_code(problem_type: &str) -> Option<String> {
    let fragment = match problem_type.rsplit_once('#') {
        Some((_, fragment)) => fragment,
        None if problem_type == "about:blank" => return None,
        None => problem_type
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default(),
    };
    let code = fragment.strip_prefix("ERROR_").unwrap_or(fragment);
    if code.is_empty() {
        None
    } else {
        Some(code.to_string())
    }
}

fn problem_error(value: &Value) -> Error {
    let problem_type = string_field(value, "type");
    let code = problem_type
        .as_deref()
        .and_then(problem_code)
        .unwrap_or_else(|| codes::HTTP_ERROR.to_string());

    let title = string_field(value, "title");
    let detail = string_field(value, "detail");
    let message = match (title, detail) {
        (Some(title), Some(detail)) => format!("{title}: {detail}"),
        (Some(text), None) | (None, Some(text)) => text,
        (None, None) => format!("The API answered with problem {code}."),
    };

    let mut error = Error::new(&code, message);
    error.problem_type = problem_type;
    error.correlation_id = string_field(value, "correlation_id");
    error.invalid_params = value
        .get("invalid_params")
        .and_then(Value::as_array)
        .map(|params| {
            params
                .iter()
                .filter_map(|param| {
                    Some(InvalidParam {
                        name: string_field(param, "name")?,
                        reason: string_field(param, "reason").unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    error
}

fn plain_http_error(status: u16, body: &[u8]) -> Error {
    let excerpt = text_excerpt(body);
    let message = if excerpt.is_empty() {
        format!("The API answered HTTP {status} with an empty body.")
    } else {
        format!("The API answered HTTP {status}: {excerpt}")
    };
    Error::new(codes::HTTP_ERROR, message)
}
