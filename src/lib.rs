//! UpCloud block-storage client.
//!
//! The core (`model`, `request`, `response`, `validate`, `upload`) is sans-IO:
//! it builds requests and parses responses as pure functions, so it runs and
//! is tested natively. Only `transport` calls `fetch`, and only `js` speaks to
//! JavaScript; both exist in the wasm build alone.

// Errors are rare and travel to JavaScript as one flat object, so the size of
// `Error` (about 240 bytes) is not worth boxing its fields.
#![allow(clippy::result_large_err)]

pub mod error;
pub mod input;
pub mod model;
pub mod request;
pub mod response;
pub mod retry;
pub mod upload;
pub mod validate;
pub mod wait;

#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod transport;

#[cfg(target_arch = "wasm32")]
pub use js::CloudManager;

pub use error::Error;
