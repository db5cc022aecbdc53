//! The `#[wasm_bindgen]` face: the exported `CloudManager`, conversions of
//! arguments and results, and the `UpCloudError` and `Storage` JS classes.
//!
//! Every exported method returns a Promise built over a clone of the
//! manager's [`Client`](crate::transport::Client) handle. It parses every
//! argument into a typed value first, so bad input rejects with
//! `VALIDATION_ERROR` before any request, and it converts every failure to
//! an `UpCloudError` through [`error::to_js_error`].

mod args;
mod call;
mod convert;
mod error;
mod imports;
mod manager;
mod servers;
mod storages;
mod strict;
mod types;
mod upload;
mod waits;

pub use manager::CloudManager;
