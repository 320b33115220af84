//! The JavaScript binding of the demo module (wasm32 only): `demoDataset`
//! (and `demoDatasetBytes`, the same with the interactions as bytes),
//! with the options, result and errors it had when it lived in the analytics
//! module (a JavaScript `Error` with a stable `code`, and the `option` at fault).

use js_sys::{Reflect, JSON};
use rapport::Error;
use wasm_bindgen::prelude::*;

use super::{demo_dataset as generate, demo_options};

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
