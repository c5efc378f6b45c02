//! `Registry`: the open connections of one server by handle — what `.z.H`, `.z.W` and
//! `-38!` list — and broadcast (`-25!`): serialize once, queue the same bytes on each.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::RwLock;

use bytes::Bytes;
use qport_value::Value;
use qport_wire::{compress_message, encode_message, MessageKind};

use crate::conn::{Conn, ConnInfo, Handle};
use crate::error::SendError;

pub struct Registry {
    conns: RwLock<BTreeMap<Handle, Conn>>,
    next_handle: AtomicI32,
}

impl Registry {
    pub(crate) fn new() -> Registry {
        Registry {
            conns: RwLock::new(BTreeMap::new()),
            // Small numbers are stdin/stdout/stderr in kdb+ (0, 1, 2 are never sockets).
            next_handle: AtomicI32::new(3),
        }
    }

    pub(crate) fn next_handle(&self) -> Handle {
        self.next_handle.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn insert(&self, conn: Conn) {
        self.write().insert(conn.handle(), conn);
    }

    pub(crate) fn remove(&self, handle: Handle) {
        self.write().remove(&handle);
    }

    pub fn get(&self, handle: Handle) -> Option<Conn> {
        self.read().get(&handle).cloned()
    }

    /// `.z.H`: the open handles, ascending.
    pub fn handles(&self) -> Vec<Handle> {
        self.read().keys().copied().collect()
    }

    /// `-38!.z.H`: a snapshot of every connection.
    pub fn infos(&self) -> Vec<ConnInfo> {
        self.read().values().map(Conn::info).collect()
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// `-25!(handles; value)`: serializes `value` once, at the lowest capability among
    /// `handles`, and queues the same bytes as an async message on each (compressed once
    /// too, for those that take compression). Every handle is tried; the first failure
    /// is returned.
    pub fn broadcast(&self, handles: &[Handle], value: &Value) -> Result<(), SendError> {
        let conns = {
            let all = self.read();
            handles
                .iter()
                .map(|h| all.get(h).cloned().ok_or(SendError::NotIpcHandle(*h)))
                .collect::<Result<Vec<Conn>, SendError>>()?
        };
        let Some(lowest) = conns.iter().min_by_key(|c| c.capability()) else {
            return Ok(());
        };
        let plain =
            encode_message(value, MessageKind::Async, lowest.capability()).map_err(|error| {
                SendError::Serialize {
                    handle: lowest.handle(),
                    error,
                }
            })?;
        let plain = Bytes::from(plain);
        let mut compressed: Option<Bytes> = None;
        let mut first_error = None;
        for conn in &conns {
            let message = if conn.compression() {
                compressed
                    .get_or_insert_with(|| {
                        compress_message(&plain).map_or_else(|| plain.clone(), Bytes::from)
                    })
                    .clone()
            } else {
                plain.clone()
            };
            if let Err(error) = conn.send_message(message) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Tells every connection the server is stopping.
    pub(crate) fn shut_down_all(&self) {
        for conn in self.read().values() {
            conn.shut_down();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<Handle, Conn>> {
        self.conns
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<Handle, Conn>> {
        self.conns
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
