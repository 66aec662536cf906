//! The real-time gateway client behind `discord listen`.
