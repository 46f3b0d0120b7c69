//! Applying field actions: one field value in, its replacement out (written to an arena).
