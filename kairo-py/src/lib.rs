//! Python bindings of kairo-core (PyO3), published as the `kairo` wheel.
