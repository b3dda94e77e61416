//! Node.js bindings of kairo-core (napi-rs), published as the `kairo` npm package: in-process pre-trade
//! compliance and analytics for a Node backend. Conversion only; every number and rule decision is kairo-core's.

// The exports reach Node through napi-derive's load-time registration, which clippy's dead-code pass does not
// follow (rustc's does); without this every export would be reported as unused under clippy only.
#![cfg_attr(clippy, allow(dead_code))]

mod compliance;
mod errors;
mod input;
mod metrics;
mod results;
mod trades;
