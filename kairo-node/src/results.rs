//! kairo-core's compliance results as JavaScript objects: `{ tradeId, checkName, status, reason, metadata }` per
//! result (`metadata` kairo-core's JSON: decimals as strings, dates and times as ISO text) and
//! `{ allowed, results }` per decision.
//!
//! The objects are written as one JSON text by serde and read by the engine's `JSON.parse`, which builds objects
//! several times faster than setting their properties one by one through Node-API (each set looks its key up
//! anew); a long list is read in chunks, so that no text nears V8's limit on the length of a string.

use kairo_core::compliance::{CheckResult, Decision, Metadata};
use napi::bindgen_prelude::{Array, FromNapiValue, Function, Object, ToNapiValue, TypeName, Unknown, ValueType};
use napi::{Env, JsValue};
use serde::Serialize;

/// A list of results (`CheckResult[]` in JavaScript).
pub struct Results(pub Vec<CheckResult>);

/// A pre-trade decision (`Decision` in JavaScript).
pub struct JsDecision(pub Decision);

/// Results per JSON text of a long list.
const CHUNK: usize = 10_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    trade_id: &'a str,
    check_name: &'a str,
    status: &'a str,
    reason: &'a str,
    metadata: &'a Metadata,
}

impl<'a> From<&'a CheckResult> for Row<'a> {
    fn from(r: &'a CheckResult) -> Self {
        Row {
            trade_id: &r.trade_id,
            check_name: r.check_name,
            status: r.status.as_str(),
            reason: &r.reason,
            metadata: &r.metadata,
        }
    }
}

/// Results serialized as a list of rows, without collecting the rows first.
struct Rows<'a>(&'a [CheckResult]);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Row::from))
    }
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    allowed: bool,
    results: Rows<'a>,
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

fn results<'e>(env: &'e Env, rs: &[CheckResult]) -> napi::Result<Unknown<'e>> {
    if rs.len() <= CHUNK {
        return parse(env, to_json(&Rows(rs), rs.len())?);
    }
    let mut out = env.create_array(rs.len() as u32)?;
    let mut i = 0u32;
    for chunk in rs.chunks(CHUNK) {
        let part: Array<'_> = parse(env, to_json(&Rows(chunk), chunk.len())?)?;
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
        Ok(results(&env, &val.0)?.raw())
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
        let d = DecisionRow { allowed: val.0.allowed, results: Rows(&val.0.results) };
        let value: Unknown<'_> = parse(&env, to_json(&d, val.0.results.len())?)?;
        Ok(value.raw())
    }
}
