//! c1-fake: a fake ConductorOne tenant on loopback, for examples and tests.
