//! The thematic map.
