//! kairo-core's compliance results as JavaScript objects: `{ tradeId, checkName, status, reason, metadata }` per
//! result (`metadata` kairo-core's JSON: decimals as strings, dates and times as ISO text) and
//! `{ allowed, results }` per decision.
//!
//! The objects are written as one JSON text by serde and read by the engine's `JSON.parse`, which builds objects
//! several times faster than setting their properties one by one through Node-API (each set looks its key up
//! anew); a long list is written and read in chunks, so that no text nears V8's limit on the length of a string.
//! The text is written where the results are made (a result borrows its trade's id, and an async task writes it
//! off the event loop); only the parsing happens on the JavaScript thread.

use kairo_core::compliance::{CheckResult, Decision, Metadata};
use napi::bindgen_prelude::{Array, FromNapiValue, Function, Object, ToNapiValue, TypeName, Unknown, ValueType};
use napi::{Env, JsValue};
use serde::Serialize;

/// A list of results (`CheckResult[]` in JavaScript), as the JSON texts of its chunks.
pub struct Results(Vec<String>);

impl Results {
    /// The results written as JSON.
    pub fn new(rs: &[CheckResult<'_>]) -> napi::Result<Self> {
        rs.chunks(CHUNK).map(|chunk| to_json(&Rows(chunk), chunk.len())).collect::<napi::Result<_>>().map(Results)
    }
}

/// A pre-trade decision (`Decision` in JavaScript), as JSON.
pub struct JsDecision(String);

impl JsDecision {
    /// The decision written as JSON.
    pub fn new(d: &Decision<'_>) -> napi::Result<Self> {
        to_json(&DecisionRow { allowed: d.allowed, results: Rows(&d.results) }, d.results.len()).map(JsDecision)
    }
}

/// Results per JSON text of a long list.
const CHUNK: usize = 10_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    trade_id: &'a str,
    check_name: &'a str,
    status: &'a str,
    reason: std::borrow::Cow<'a, str>,
    metadata: &'a Metadata,
}

impl<'a> From<&'a CheckResult<'_>> for Row<'a> {
    fn from(r: &'a CheckResult<'_>) -> Self {
        Row {
            trade_id: &r.trade_id,
            check_name: r.check_name,
            status: r.status.as_str(),
            reason: r.reason(),
            metadata: &r.metadata,
        }
    }
}

/// Results serialized as a list of rows, without collecting the rows first.
struct Rows<'a, 't>(&'a [CheckResult<'t>]);

impl Serialize for Rows<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Row::from))
    }
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    allowed: bool,
    results: Rows<'a, 'a>,
}

/// `JSON.parse(text)`.
fn parse<R: FromNapiValue>(env: &Env, text: String) -> napi::Result<R> {
    use napi::bindgen_prelude::JsObjectValue;
    let json: Object<'_> = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<'_, String, R> = json.get_named_property("parse")?;
    parse.call(text)
}

/// The JSON text of `value`, written into a buffer sized for `rows` results (about 300 bytes each).
fn to_json<T: Serialize>(value: &T, rows: usize) -> napi::Result<String> {
    let mut buf = Vec::with_capacity(64 + 320 * rows);
    serde_json::to_writer(&mut buf, value).map_err(|e| napi::Error::from_reason(e.to_string()))?;
    String::from_utf8(buf).map_err(|e| napi::Error::from_reason(e.to_string()))
}

fn results(env: &Env, chunks: Vec<String>) -> napi::Result<Unknown<'_>> {
    if chunks.len() <= 1 {
        return parse(env, chunks.into_iter().next().unwrap_or_else(|| "[]".to_owned()));
    }
    let mut out = env.create_array(0)?;
    let mut i = 0u32;
    for chunk in chunks {
        let part: Array<'_> = parse(env, chunk)?;
        for k in 0..part.len() {
            let value: Unknown<'_> =
                part.get(k)?.ok_or_else(|| napi::Error::from_reason("a parsed result is missing"))?;
            out.set(i, value)?;
            i += 1;
        }
    }
    Ok(out.to_unknown())
}

impl TypeName for Results {
    fn type_name() -> &'static str {
        "Array<CheckResult>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

// `ToNapiValue` is an unsafe trait method by napi's signature (its caller vouches for `env`); the body is safe code.
#[allow(unsafe_code)]
impl ToNapiValue for Results {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        let env = Env::from_raw(env);
        Ok(results(&env, val.0)?.raw())
    }
}

impl TypeName for JsDecision {
    fn type_name() -> &'static str {
        "Decision"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

// As for `Results`.
#[allow(unsafe_code)]
impl ToNapiValue for JsDecision {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        let env = Env::from_raw(env);
        let value: Unknown<'_> = parse(&env, val.0)?;
        Ok(value.raw())
    }
}
