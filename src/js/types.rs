//! TypeScript declarations for the values that cross the JS boundary as
//! plain objects. They are appended to the generated `.d.ts`, where the
//! `unchecked_*_type` attributes of the exported methods refer to them.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.ts");
