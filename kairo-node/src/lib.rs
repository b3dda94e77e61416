//! Node.js bindings of kairo-core (napi-rs), published as the `kairo` npm package.
