//! Node.js bindings of kairo-core (napi-rs), published as the `kairo` npm package: in-process pre-trade
//! compliance and analytics for a Node backend. Conversion only; every number and rule decision is kairo-core's.

mod account;
mod compliance;
mod errors;
mod input;
mod metrics;
mod money_weighted;
mod optimize;
mod report;
mod results;
mod tear_sheet;
mod trades;
