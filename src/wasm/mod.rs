//! The JavaScript binding (wasm32 only): converts JavaScript values to what
//! the core takes, calls the core, and converts results and errors back.
//! Bulk input crosses as one string or one `Uint8Array`; results cross as one
//! JSON text, parsed once on the JavaScript side.

use js_sys::{JsString, Reflect, Uint8Array, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::{self, EngineOptions};
use crate::error::Error;
use crate::insights::aggregates::AggregatesRequest;
use crate::json::{
    self, ActivityRequest, ConsentFlags, Level, LoadRequest, PathsRequest, RelationshipRequest,
    SetConsentOptions, SummariesRequest, TopRequest, WindowRequest,
};

mod text;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const ACTIVITY_TYPES: &str = include_str!("activity.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const AGGREGATES_TYPES: &str = include_str!("aggregates.d.ts");

/// A JavaScript `Error` with the error's stable `code` and, where they
/// apply, the record `index`, `field` and `reason`, the missing `scope`, or
/// the `option` at fault.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&err, &JsValue::from_str(key), &value);
    };
    set("code", e.code().into());
    match &e {
        Error::InvalidRecord(r) => {
            set("index", (r.index as f64).into());
            set("field", r.field.as_str().into());
            set("reason", r.reason.as_str().into());
        }
        Error::ConsentRequired { scope } => set("scope", scope.as_str().into()),
        Error::InvalidOptions { option, .. } => set("option", option.as_str().into()),
        Error::InvalidConsentToken { reason } => set("reason", reason.as_str().into()),
        _ => {}
    }
    err.into()
}

fn invalid_input(reason: impl Into<String>) -> JsValue {
    js_error(Error::InvalidInput(reason.into()))
}

/// Serialises a core result to JSON, parsed once into a JavaScript value.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| invalid_input(e.to_string()))?;
    JSON::parse(&text)
}

/// The JSON text of an options object (`{}` when it is absent).
fn options_json(value: &JsValue) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok("{}".to_string());
    }
    stringify(value)
}

/// The JSON text of an optional options argument (`{}` when it is absent).
fn optional_json(opts: &Option<JsValue>) -> Result<String, JsValue> {
    opts.as_ref().map_or(Ok("{}".to_string()), options_json)
}

fn stringify(value: &JsValue) -> Result<String, JsValue> {
    json_text(value).map(String::from)
}

/// `JSON.stringify(value)`, refused when it gives no text (a function,
/// `undefined`) or throws (a cycle, a BigInt).
fn json_text(value: &JsValue) -> Result<JsString, JsValue> {
    let text = JSON::stringify(value)
        .map_err(|_| invalid_input("cannot be turned into JSON (a cycle, or a BigInt)"))?;
    if text.is_string() {
        Ok(text)
    } else {
        Err(invalid_input("cannot be turned into JSON"))
    }
}

/// The UTF-8 bytes of a bulk input: a string, a `Uint8Array`, or any other
/// value (an array of records) as JSON. Sizes are checked before copying.
fn input_bytes(value: &JsValue, limit: usize) -> Result<Vec<u8>, JsValue> {
    let too_large = |bytes: usize| js_error(Error::InputTooLarge { bytes, limit });
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        let len = bytes.length() as usize;
        return if len > limit { Err(too_large(len)) } else { Ok(bytes.to_vec()) };
    }
    if value.is_undefined() || value.is_null() {
        return Err(invalid_input("no data given"));
    }
    let text = match value.dyn_ref::<JsString>() {
        Some(s) => s.clone(),
        None => json_text(value)?,
    };
    // A UTF-16 length over the limit means at least as many UTF-8 bytes.
    let len = text.length() as usize;
    if len > limit {
        return Err(too_large(len));
    }
    Ok(text::utf8(&text))
}

/// The constructor's options object, checked. Without `now`, the reference
/// time is the host's clock when the engine is made (SPEC 3.1): never a time
/// taken from the data, which would tie own results to others' mail.
fn engine_options(options: &JsValue) -> Result<EngineOptions, JsValue> {
    if !options.is_object() {
        return Err(js_error(Error::options("options", "expected an object with at least `viewer`")));
    }
    EngineOptions::from_json(&stringify(options)?, js_sys::Date::now() as i64).map_err(js_error)
}

#[wasm_bindgen]
pub struct Engine {
    inner: engine::Engine,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EngineOptions")] options: JsValue,
    ) -> Result<Engine, JsValue> {
        let options = engine_options(&options)?;
        let inner = engine::Engine::new(options).map_err(js_error)?;
        Ok(Engine { inner })
    }

    /// Loads people (SPEC 2.1): an array, a JSON or NDJSON string, or UTF-8 bytes.
    #[wasm_bindgen(js_name = loadPeople, unchecked_return_type = "LoadReport")]
    pub fn load_people(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Person[] | string | Uint8Array")] people: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let opts = load_options(&opts)?;
        let bytes = input_bytes(&people, self.inner.options().max_input_bytes)?;
        to_js(&self.inner.load_people(&bytes, opts).map_err(js_error)?)
    }

    /// Loads interactions (SPEC 2.2). A `Uint8Array` of UTF-8 text is the fast path for bulk.
    #[wasm_bindgen(js_name = loadInteractions, unchecked_return_type = "LoadReport")]
    pub fn load_interactions(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "(Interaction | InteractionDeletion)[] | string | Uint8Array")]
        data: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let opts = load_options(&opts)?;
        let bytes = input_bytes(&data, self.inner.options().max_input_bytes)?;
        to_js(&self.inner.load_interactions(&bytes, opts).map_err(js_error)?)
    }

    /// Deletes interactions by id, whatever the consent: a `LoadReport` with
    /// `deleted` (held ids removed) and `notFound` (ids not held). Ids are an
    /// array of strings; a bad one refuses the call, which changes nothing.
    #[wasm_bindgen(js_name = removeInteractions, unchecked_return_type = "LoadReport")]
    pub fn remove_interactions(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !js_sys::Array::is_array(&ids) {
            return Err(js_error(Error::options("ids", "expected an array of interaction ids")));
        }
        let bytes = input_bytes(&ids, self.inner.options().max_input_bytes)?;
        let text = String::from_utf8(bytes).map_err(|_| invalid_input("not UTF-8 text"))?;
        let ids: Vec<String> = json::parse(&text, "ids").map_err(js_error)?;
        to_js(&self.inner.remove_interactions(&ids).map_err(js_error)?)
    }

    /// Grants or withdraws consent, with effect on the next call (SPEC 4.2):
    /// flags, or a signed token (SPEC 4.5) checked at `opts.at` (epoch ms,
    /// default `Date.now()`). A refused token, or flags that grant on an
    /// engine with a consentKey, leave nothing beyond "own".
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ConsentFlags | string")] consent: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SetConsentOptions")] opts: Option<JsValue>,
    ) -> Result<(), JsValue> {
        let at = SetConsentOptions::from_json(&optional_json(&opts)?).map_err(js_error)?;
        if let Some(token) = consent.as_string() {
            let now = at.unwrap_or_else(|| js_sys::Date::now() as i64);
            return self.inner.set_consent_token(&token, now).map_err(js_error);
        }
        if !consent.is_object() {
            return Err(js_error(Error::options(
                "consent",
                "expected { aggregated, identifiable } or a signed token (a string)",
            )));
        }
        let consent = ConsentFlags::from_json(&stringify(&consent)?).map_err(js_error)?;
        self.inner.set_consent_flags(consent).map_err(js_error)
    }

    /// Where the consent in force comes from (flags, or a token's `jti`), for provenance.
    #[wasm_bindgen(js_name = consentBasis, unchecked_return_type = "ConsentBasis")]
    pub fn consent_basis(&mut self) -> Result<JsValue, JsValue> {
        self.observe_clock();
        to_js(&self.inner.consent_basis())
    }

    /// Marks a person opted out and purges their data (SPEC 4.3).
    #[wasm_bindgen(js_name = optOut)]
    pub fn opt_out(&mut self, person_id: &str) -> Result<(), JsValue> {
        self.inner.opt_out(person_id).map_err(js_error)
    }

    /// Whether a person id (normalised like every person id) is opted out in
    /// this engine, held or not: hosts filter their lists with this instead
    /// of keeping opted-out ids.
    #[wasm_bindgen(js_name = isOptedOut)]
    pub fn is_opted_out(&self, person_id: &str) -> bool {
        self.inner.is_opted_out(person_id)
    }

    /// Whether a person id is a member of the organization by the engine's
    /// rule (the directory's `internal` flag or kind, else the internal
    /// domains, subdomains included): hosts ask instead of repeating it.
    #[wasm_bindgen(js_name = isInternal)]
    pub fn is_internal(&self, person_id: &str) -> bool {
        self.inner.is_internal(person_id)
    }

    /// Whether the consent in force keeps others' interactions (`aggregated`
    /// or `identifiable`); without it the engine holds only the viewer's own.
    #[wasm_bindgen(js_name = keepsOthers)]
    pub fn keeps_others(&mut self) -> bool {
        self.observe_clock();
        self.inner.keeps_others()
    }

    /// Whether others' interactions were dropped for lack of consent since the
    /// last load made while consent kept them: a host that wants them back
    /// (once `keepsOthers()`) loads its data again.
    #[wasm_bindgen(js_name = othersWithheld)]
    pub fn others_withheld(&mut self) -> bool {
        self.observe_clock();
        self.inner.others_withheld()
    }

    /// The engine's opt-outs as opaque bytes to keep (IndexedDB) and give to
    /// another engine with `importOptOuts`: one-way digests, never an id.
    #[wasm_bindgen(js_name = exportOptOuts)]
    pub fn export_opt_outs(&self) -> Uint8Array {
        Uint8Array::from(self.inner.export_opt_outs().as_slice())
    }

    /// Applies `exportOptOuts` bytes of another engine: everyone held under
    /// an id or alias among them is opted out and purged as by `optOut`.
    /// Damaged or foreign bytes are INVALID_SNAPSHOT and change nothing.
    #[wasm_bindgen(js_name = importOptOuts)]
    pub fn import_opt_outs(&mut self, bytes: &Uint8Array) -> Result<(), JsValue> {
        self.inner.import_opt_outs(&bytes.to_vec()).map_err(js_error)
    }

    /// The viewer's own figures (SPEC 3.3).
    #[wasm_bindgen(js_name = ownInsights, unchecked_return_type = "OwnInsights")]
    pub fn own_insights(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "{ days?: number }")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let req: WindowRequest = request(&opts)?;
        to_js(&self.inner.own_insights(req.days).map_err(js_error)?)
    }

    /// Relationship analytics (SPEC 3.1) for a contact or an account; team
    /// scope needs `identifiable`.
    #[wasm_bindgen(unchecked_return_type = "Relationship")]
    pub fn relationship(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RelationshipOptions")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let target = json::target(&stringify(&target)?).map_err(js_error)?;
        let req: RelationshipRequest = request(&opts)?;
        to_js(&self.inner.relationship(&target, req.scope, req.days, &req.health).map_err(js_error)?)
    }

    /// Builds ahead what relationships and list views start from (every
    /// contact's hits, and the frequencies a percentile compares with) for
    /// the widest view the consent opens: call it when idle (after a load,
    /// while the page draws the answer), so that the first view does not
    /// wait for it.
    pub fn prepare(&mut self) {
        self.observe_clock();
        self.inner.prepare();
    }

    /// Every contact or account with its figures, without weekly detail (SPEC 3.1 list views).
    #[wasm_bindgen(js_name = relationshipSummaries, unchecked_return_type = "RelationshipSummary[]")]
    pub fn relationship_summaries(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SummariesOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let req: SummariesRequest = request(&Some(opts))?;
        let accounts = req.level == Level::Account;
        to_js(
            &self
                .inner
                .relationship_summaries(accounts, req.scope, req.days, &req.health)
                .map_err(js_error)?,
        )
    }

    /// The interactions behind a relationship's figures, newest first, paged
    /// (`{ items, next }`); scope "team" needs `identifiable`.
    #[wasm_bindgen(unchecked_return_type = "Activity")]
    pub fn activity(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ActivityOptions")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let target = json::target(&stringify(&target)?).map_err(js_error)?;
        let req: ActivityRequest = request(&opts)?;
        let before = req.before.as_deref();
        to_js(&self.inner.activity(&target, req.scope, req.days, req.limit, before).map_err(js_error)?)
    }

    /// Who knows whom (SPEC 3.2): colleagues by connection strength; needs `identifiable`.
    #[wasm_bindgen(js_name = whoKnowsWhom, unchecked_return_type = "WhoKnowsWhom")]
    pub fn who_knows_whom(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ top?: number }")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let target = json::target(&stringify(&target)?).map_err(js_error)?;
        let req: TopRequest = request(&opts)?;
        to_js(&self.inner.who_knows_whom(&target, req.top).map_err(js_error)?)
    }

    /// Introduction paths (SPEC 3.2) from the viewer to a contact; needs `identifiable`.
    #[wasm_bindgen(js_name = introductionPaths, unchecked_return_type = "IntroductionPath[]")]
    pub fn introduction_paths(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "{ contact: string }")] target: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "IntroductionPathsOptions")] opts: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let target = json::target(&stringify(&target)?).map_err(js_error)?;
        let req: PathsRequest = request(&opts)?;
        to_js(
            &self
                .inner
                .introduction_paths(&target, req.top, req.max_hops, req.hop_penalty)
                .map_err(js_error)?,
        )
    }

    /// Anonymized aggregates (SPEC 3.4) per department: needs `aggregated`.
    #[wasm_bindgen(unchecked_return_type = "AggregateTable")]
    pub fn aggregates(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "AggregatesOptions")] opts: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let req: AggregatesRequest = request(&Some(opts))?;
        to_js(&self.inner.aggregates(&req).map_err(js_error)?)
    }

    /// Interactions held, and the approximate bytes of the store and of the
    /// contact index.
    #[wasm_bindgen(unchecked_return_type = "EngineStats")]
    pub fn stats(&mut self) -> Result<JsValue, JsValue> {
        self.observe_clock();
        let (interactions, store_bytes) = self.inner.stats();
        let index_bytes = self.inner.index_bytes();
        to_js(&serde_json::json!({
            "interactions": interactions,
            "storeBytes": store_bytes,
            "indexBytes": index_bytes
        }))
    }

    /// Everything loaded, as bytes to keep (IndexedDB) and reopen with `fromSnapshot`.
    #[wasm_bindgen(js_name = exportSnapshot)]
    pub fn export_snapshot(&mut self) -> Uint8Array {
        self.observe_clock();
        Uint8Array::from(self.inner.export_snapshot().as_slice())
    }

    /// An engine with `options` and a snapshot's data; a damaged, truncated or
    /// foreign snapshot is refused whole (INVALID_SNAPSHOT, INVALID_OPTIONS).
    /// `consentToken` (an engine with a `consentKey`): the token is checked
    /// at `at` (epoch ms, default `Date.now()`) before the data is installed,
    /// so that the data it covers is kept; one that does not verify is
    /// `INVALID_CONSENT_TOKEN` and no engine.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        bytes: &Uint8Array,
        #[wasm_bindgen(unchecked_param_type = "EngineOptions")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] consent_token: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "SetConsentOptions")] opts: Option<JsValue>,
    ) -> Result<Engine, JsValue> {
        let options = engine_options(&options)?;
        let token = match consent_token.filter(|t| !t.is_undefined() && !t.is_null()) {
            None => None,
            Some(t) => Some(t.as_string().ok_or_else(|| {
                js_error(Error::options("consentToken", "expected a signed token (a string)"))
            })?),
        };
        let at = SetConsentOptions::from_json(&optional_json(&opts)?).map_err(js_error)?;
        let now = at.unwrap_or_else(|| js_sys::Date::now() as i64);
        let token = token.as_deref().map(|t| (t, now));
        let inner =
            engine::Engine::from_snapshot_with_token(&bytes.to_vec(), options, token).map_err(js_error)?;
        Ok(Engine { inner })
    }
}

impl Engine {
    /// Ends a consent token whose `exp` has passed (SPEC 4.5), before a call
    /// that reads or keeps data: the core does not read the clock itself.
    fn observe_clock(&mut self) {
        self.inner.observe_clock(js_sys::Date::now() as i64);
    }
}

/// An optional options object of a method, parsed (absent: every default).
fn request<T: serde::de::DeserializeOwned>(opts: &Option<JsValue>) -> Result<T, JsValue> {
    json::parse(&optional_json(opts)?, "options").map_err(js_error)
}

fn load_options(opts: &Option<JsValue>) -> Result<crate::load::LoadOptions, JsValue> {
    request::<LoadRequest>(opts)?.into_options().map_err(js_error)
}
