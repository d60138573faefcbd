//! A small pool of store connections. [`SqliteStore`] holds one SQLite connection and is `Send`
//! but not `Sync`; the pool keeps several behind mutexes so that concurrent requests read in
//! parallel (SQLite in WAL mode lets readers run side by side). Store calls are blocking: they run
//! on tokio's blocking threads through [`StorePool::run`].

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use epiwire_store::SqliteStore;

use crate::error::{Error, Result};

/// Connections to one store.
#[derive(Debug)]
pub struct StorePool {
    conns: Vec<Mutex<SqliteStore>>,
    next: AtomicUsize,
}

impl StorePool {
    /// Opens `size` connections (at least one) to the existing store in `dir`.
    pub fn open(dir: &Path, size: usize) -> Result<StorePool> {
        let mut stores = Vec::with_capacity(size.max(1));
        for _ in 0..size.max(1) {
            let store = SqliteStore::open_existing(dir).map_err(|e| match e {
                epiwire_store::Error::Missing { .. } => Error::NoStore(dir.to_path_buf()),
                other => Error::Store(other),
            })?;
            stores.push(store);
        }
        Ok(StorePool::from_stores(stores))
    }

    /// A pool over stores opened by the caller (all on the same database). An empty list gives a
    /// pool whose every call fails with [`Error::Config`].
    pub fn from_stores(stores: Vec<SqliteStore>) -> StorePool {
        StorePool {
            conns: stores.into_iter().map(Mutex::new).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Number of connections.
    pub fn size(&self) -> usize {
        self.conns.len()
    }

    /// A connection: the first free one starting from a rotating position, else waits for one.
    /// Blocking; call from a blocking thread.
    pub fn get(&self) -> Result<MutexGuard<'_, SqliteStore>> {
        let n = self.conns.len();
        if n == 0 {
            return Err(Error::Config("the store pool has no connection".to_owned()));
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            match self.conns[(start + i) % n].try_lock() {
                Ok(guard) => return Ok(guard),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Poisoned(_)) => return Err(Error::Poisoned),
            }
        }
        self.conns[start].lock().map_err(|_| Error::Poisoned)
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, E, F>(self: &Arc<Self>, f: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<Error> + Send + 'static,
        F: FnOnce(&SqliteStore) -> std::result::Result<T, E> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let store = pool.get()?;
            f(&store)
        })
        .await
        .map_err(|e| E::from(Error::Join(e.to_string())))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_free_connections_first() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        let pool = StorePool::open(dir.path(), 3).unwrap();
        assert_eq!(pool.size(), 3);
        let a = pool.get().unwrap();
        let b = pool.get().unwrap();
        let c = pool.get().unwrap();
        // All three are distinct connections: holding them all did not deadlock.
        drop((a, b, c));
        assert!(pool.get().is_ok());
    }

    #[test]
    fn a_missing_store_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            StorePool::open(dir.path(), 1),
            Err(Error::NoStore(_))
        ));
        assert!(matches!(
            StorePool::from_stores(Vec::new()).get(),
            Err(Error::Config(_))
        ));
    }
}
