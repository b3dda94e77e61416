//! Why a check decided as it did ([`Reason`]): a sentence a support agent can show the user.
//!
//! A batch run makes a dozen results per trade, millions in all, and most of their sentences are never read: the
//! server stores the failures and flags, a report shows a few. So a sentence with amounts, dates and ids in it is
//! kept as the function that writes it ([`Reason::later`]) and written when it is read
//! ([`CheckResult::reason`](super::CheckResult::reason)), from what the function captured and the result's
//! metadata; fixed sentences are kept as they are. Reading a reason twice gives the same text.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::metadata::Metadata;

/// The writer of a deferred sentence: called with the result's metadata.
type Writer = Arc<dyn Fn(&Metadata) -> String + Send + Sync>;

/// A reason: fixed text, text made for the result, or a sentence written when it is read.
///
/// ```
/// use kairo_core::compliance::{Metadata, Reason};
/// use rust_decimal_macros::dec;
///
/// let meta = Metadata::new().with("notional", dec!(1500));
/// let limit = dec!(1000);
/// let reason = Reason::later(move |m| match m.get("notional") {
///     Some(v) => format!("The order value {} is above the maximum of {limit}.", serde_json::to_value(v).unwrap()),
///     None => String::new(),
/// });
/// assert_eq!(reason.text(&meta), "The order value \"1500\" is above the maximum of 1000.");
/// assert_eq!(kairo_core::compliance::Reason::from("Within limits.").text(&meta), "Within limits.");
/// ```
#[derive(Clone)]
pub struct Reason(Repr);

#[derive(Clone)]
enum Repr {
    Text(Cow<'static, str>),
    Later(Writer),
}

impl Reason {
    /// A sentence written when it is read, by `write` from the values it captured and the result's metadata.
    pub fn later(write: impl Fn(&Metadata) -> String + Send + Sync + 'static) -> Self {
        Reason(Repr::Later(Arc::new(write)))
    }

    /// The sentence, for a result whose metadata is `metadata`.
    pub fn text<'a>(&'a self, metadata: &Metadata) -> Cow<'a, str> {
        match &self.0 {
            Repr::Text(t) => Cow::Borrowed(t),
            Repr::Later(write) => Cow::Owned(write(metadata)),
        }
    }
}

impl From<&'static str> for Reason {
    #[inline]
    fn from(text: &'static str) -> Self {
        Reason(Repr::Text(Cow::Borrowed(text)))
    }
}

impl From<String> for Reason {
    #[inline]
    fn from(text: String) -> Self {
        Reason(Repr::Text(Cow::Owned(text)))
    }
}

impl From<Cow<'static, str>> for Reason {
    #[inline]
    fn from(text: Cow<'static, str>) -> Self {
        Reason(Repr::Text(text))
    }
}

impl fmt::Debug for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Text(t) => fmt::Debug::fmt(t, f),
            Repr::Later(_) => f.write_str("Reason::later(..)"),
        }
    }
}
