//! The JavaScript binding of the demo module (wasm32 only): `demoDataset`
//! (and `demoDatasetBytes`, the same with the interactions as bytes, and
//! `DemoStream`, the same made a chunk at a time),
//! with the options, result and errors it had when it lived in the analytics
//! module (a JavaScript `Error` with a stable `code`, and the `option` at fault).

use js_sys::{Reflect, JSON};
use rapport::Error;
use wasm_bindgen::prelude::*;

use super::{demo_dataset as generate, demo_options, DemoStream as Stream};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    set("code", e.code().into());
    if let Error::InvalidOptions { option, .. } = &e {
        set("option", option.as_str().into());
    }
    err.into()
}

/// The options' JSON text (`{}` when they are absent, `undefined` or `null`).
fn options_json(opts: &Option<JsValue>) -> Result<String, JsValue> {
    let Some(value) = opts.as_ref().filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok("{}".to_string());
    };
    let invalid = |reason: &str| js_error(Error::InvalidInput(reason.to_string()));
    let text =
        JSON::stringify(value).map_err(|_| invalid("cannot be turned into JSON (a cycle, or a BigInt)"))?;
    text.as_string().ok_or_else(|| invalid("cannot be turned into JSON"))
}

/// A deterministic demo dataset in the SPEC 2 format, with the viewer to use.
#[wasm_bindgen(js_name = demoDataset, unchecked_return_type = "DemoDataset")]
pub fn demo_dataset(
    #[wasm_bindgen(unchecked_optional_param_type = "DemoOptions")] opts: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    dataset(opts, JsValue::from_str)
}

/// `demoDataset` with the interactions as UTF-8 bytes: the engine's fast
/// path, without decoding the text into a JavaScript string only to encode it
/// again (tens of megabytes each way at 200,000 interactions).
#[wasm_bindgen(js_name = demoDatasetBytes, unchecked_return_type = "DemoDatasetBytes")]
pub fn demo_dataset_bytes(
    #[wasm_bindgen(unchecked_optional_param_type = "DemoOptions")] opts: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    dataset(opts, |text| js_sys::Uint8Array::from(text.as_bytes()).into())
}

/// The demo dataset made piece by piece: `people`, `viewer`,
/// `internalDomains` and `now` at once, then the interactions in NDJSON
/// (whatever `format` says), `next(minBytes)` giving the next chunk of whole
/// lines as UTF-8 bytes, `undefined` after the last. The chunks together are
/// `demoDatasetBytes`'s interactions, byte for byte; each can be given to
/// `loadInteractions` while the next is made (in another worker, say).
#[wasm_bindgen]
pub struct DemoStream {
    inner: Stream,
}

#[wasm_bindgen]
impl DemoStream {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "DemoOptions")] opts: Option<JsValue>,
    ) -> Result<DemoStream, JsValue> {
        let opts = demo_options(&options_json(&opts)?).map_err(js_error)?;
        Ok(DemoStream { inner: Stream::new(&opts) })
    }

    /// JSON array text of the people directory (SPEC 2.1).
    #[wasm_bindgen(getter)]
    pub fn people(&self) -> String {
        self.inner.people.clone()
    }

    /// Id of the signed-in user to use with this dataset.
    #[wasm_bindgen(getter)]
    pub fn viewer(&self) -> String {
        self.inner.viewer.clone()
    }

    /// The organization's e-mail domain(s).
    #[wasm_bindgen(getter, js_name = internalDomains)]
    pub fn internal_domains(&self) -> Vec<String> {
        self.inner.internal_domains()
    }

    /// The reference time the data was made for: give it as the engine's `now`.
    #[wasm_bindgen(getter)]
    pub fn now(&self) -> String {
        self.inner.now.clone()
    }

    /// The next chunk of interactions, at least `minBytes` long unless the
    /// records end first; `undefined` once all were given.
    pub fn next(
        &mut self,
        #[wasm_bindgen(js_name = minBytes)] min_bytes: usize,
    ) -> Option<js_sys::Uint8Array> {
        self.inner.next_chunk(min_bytes).map(|text| js_sys::Uint8Array::from(text.as_bytes()))
    }
}

/// The result object, with `interactions` turned into JavaScript by `interactions`.
fn dataset(opts: Option<JsValue>, interactions: impl Fn(&str) -> JsValue) -> Result<JsValue, JsValue> {
    let opts = demo_options(&options_json(&opts)?).map_err(js_error)?;
    let d = generate(&opts);
    // Built field by field: the texts can be hundreds of megabytes, and each
    // is copied into JavaScript exactly once.
    let out = js_sys::Object::new();
    let domains: js_sys::Array = d.internal_domains.iter().map(|s| JsValue::from_str(s)).collect();
    for (key, value) in [
        ("people", JsValue::from_str(&d.people)),
        ("interactions", interactions(&d.interactions)),
        ("viewer", JsValue::from_str(&d.viewer)),
        ("internalDomains", domains.into()),
        ("now", JsValue::from_str(&d.now)),
    ] {
        Reflect::set(&out, &JsValue::from_str(key), &value)?;
    }
    Ok(out.into())
}
