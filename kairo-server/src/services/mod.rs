//! The service layer: every business decision of the server, between the routes (which parse, authorize and
//! serialize) and the store (which runs each dialect's SQL). Every number and rule decision itself is
//! kairo-core's.

pub mod account;
pub mod analysis;
pub mod benchmarks;
pub mod billing;
pub mod compliance;
pub mod events;
pub mod import;
pub mod leaderboards;
pub mod live;
pub mod optimize;
pub mod periods;
