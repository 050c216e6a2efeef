//! The saturation curve.
