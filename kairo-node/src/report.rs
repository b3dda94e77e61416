//! kairo-core's reports ([`kairo_core::report::Value`] lists) as JavaScript objects: the one conversion of every
//! report defined that way (camelCase keys, amounts as decimal strings, dates `YYYY-MM-DD`, instants RFC 3339 in
//! UTC).

use kairo_core::compare::Comparison;
use kairo_core::compliance::{DayTrade, PdtStatus};
use kairo_core::lots::{LotReport, WashSaleReport};
use kairo_core::metrics::Metrics;
use kairo_core::optimize::{Optimized, RebalancePlan};
use kairo_core::report::Value;
use napi::bindgen_prelude::{Null, Object, ToNapiValue, TypeName, Unknown, ValueType};
use napi::{Env, JsValue};

/// `snake_case` as `camelCase`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn value<'e>(env: &'e Env, v: &Value<'_>) -> napi::Result<Unknown<'e>> {
    Ok(match v {
        Value::Null => Null.into_unknown(env)?,
        Value::Bool(b) => b.into_unknown(env)?,
        Value::Int(i) => (*i as f64).into_unknown(env)?,
        Value::Float(f) => f.into_unknown(env)?,
        Value::Decimal(d) | Value::Money(d) => d.to_string().into_unknown(env)?,
        Value::Text(s) => s.as_ref().into_unknown(env)?,
        Value::Date(d) => d.to_string().into_unknown(env)?,
        Value::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true).into_unknown(env)?,
        Value::List(items) => {
            let mut arr = env.create_array(items.len() as u32)?;
            for (i, item) in items.iter().enumerate() {
                arr.set(i as u32, value(env, item)?)?;
            }
            arr.to_unknown()
        }
        Value::Record(fields) => record(env, fields)?.to_unknown(),
        Value::Map(entries) => {
            let mut obj = Object::new(env)?;
            for (k, v) in entries {
                obj.set(k.as_ref(), value(env, v)?)?;
            }
            obj.to_unknown()
        }
    })
}

/// A report as an object, keys in camelCase in the report's order.
pub fn record<'e>(env: &'e Env, fields: &[(&'static str, Value<'_>)]) -> napi::Result<Object<'e>> {
    let mut obj = Object::new(env)?;
    for (k, v) in fields {
        obj.set(camel(k), value(env, v)?)?;
    }
    Ok(obj)
}

/// A report of kairo-core as a JavaScript object (or, for a list, an array of them): `T` gives its fields.
pub struct Js<T>(pub T);

/// What has a field list.
pub trait Fields {
    /// The fields, as kairo-core lists them.
    fn fields(&self) -> Vec<(&'static str, Value<'_>)>;
}

macro_rules! fields {
    ($($t:ty),*) => {$(
        impl Fields for $t {
            fn fields(&self) -> Vec<(&'static str, Value<'_>)> {
                <$t>::fields(self)
            }
        }
    )*};
}

fields!(LotReport, WashSaleReport, DayTrade, PdtStatus, Metrics, Comparison, Optimized, RebalancePlan);

impl<T> TypeName for Js<T> {
    fn type_name() -> &'static str {
        "object"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

// `ToNapiValue` is an unsafe trait method by napi's signature (its caller vouches for `env`); the bodies are safe
// code.
#[allow(unsafe_code)]
impl<T: Fields> ToNapiValue for Js<T> {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        let env = Env::from_raw(env);
        Ok(record(&env, &val.0.fields())?.raw())
    }
}

#[allow(unsafe_code)]
impl<T: Fields> ToNapiValue for Js<Vec<T>> {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> napi::Result<napi::sys::napi_value> {
        let env = Env::from_raw(env);
        let mut arr = env.create_array(val.0.len() as u32)?;
        for (i, item) in val.0.iter().enumerate() {
            arr.set(i as u32, record(&env, &item.fields())?)?;
        }
        Ok(arr.raw())
    }
}
