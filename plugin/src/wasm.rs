//! The wasm-bindgen facade (filled in by the Node-host work): a thin `#[wasm_bindgen]` wrapper
//! around [`crate::Job`] exchanging JSON. Nothing else in the crate knows about wasm.
