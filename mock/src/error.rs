//! API errors in UpCloud's legacy shape `{"error":{"error_code","error_message"}}`.
//!
//! Only STORAGE_NOT_FOUND, SERVER_INVALID and SERVER_STATE_ILLEGAL have known real message
//! texts; the others are written here in the same style. Clients must branch on the code.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::respond::json_response;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, code: code.to_owned(), message: message.into() }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn authentication_failed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_FAILED",
            "Authentication failed using the given username and password.",
        )
    }

    pub fn storage_not_found(uuid: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "STORAGE_NOT_FOUND",
            format!("The storage {uuid} does not exist."),
        )
    }

    pub fn storage_invalid() -> Self {
        Self::bad_request("STORAGE_INVALID", "The storage UUID is invalid.")
    }

    pub fn storage_forbidden(uuid: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "STORAGE_FORBIDDEN",
            format!("You do not have access to the storage {uuid}."),
        )
    }

    pub fn storage_state_illegal(uuid: &str, state: &str) -> Self {
        Self::conflict(
            "STORAGE_STATE_ILLEGAL",
            format!("The operation is not allowed while the storage {uuid} is in state '{state}'."),
        )
    }

    pub fn storage_type_illegal(uuid: &str, kind: &str) -> Self {
        Self::conflict(
            "STORAGE_TYPE_ILLEGAL",
            format!("The operation is not allowed for the storage {uuid} of type '{kind}'."),
        )
    }

    pub fn server_not_found(uuid: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SERVER_NOT_FOUND",
            format!("The server {uuid} does not exist."),
        )
    }

    pub fn server_invalid() -> Self {
        Self::bad_request("SERVER_INVALID", "The server UUID is invalid.")
    }

    pub fn server_forbidden(uuid: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "SERVER_FORBIDDEN",
            format!("You do not have access to the server {uuid}."),
        )
    }

    pub fn server_state_illegal(uuid: &str, state: &str) -> Self {
        Self::conflict(
            "SERVER_STATE_ILLEGAL",
            format!("The operation is not allowed while the server {uuid} is in state '{state}'."),
        )
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::bad_request("INVALID_REQUEST", message)
    }

    pub fn unknown_attribute(name: &str) -> Self {
        Self::bad_request("UNKNOWN_ATTRIBUTE", format!("The attribute '{name}' is not allowed here."))
    }

    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"error_code": self.code, "error_message": self.message}})
    }

    /// The API's error response: legacy body, `application/json; charset=UTF-8`.
    pub fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}
