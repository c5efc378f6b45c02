//! qport as a kdb+ IPC endpoint.
