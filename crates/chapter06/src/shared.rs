//! Memory shared between processes: a file mapped by each of them.
//!
//! `multiprocessing.Value` and `Array` live in shared memory that every
//! child maps. Here the parent creates a small file in a fresh temp
//! directory, each process maps it with `memmap2`, and the bytes are seen as
//! 64-bit atomics. Processes share nothing else, so only atomics (or a lock
//! built from them) may touch the values: plain `i64`s written from two
//! processes would be a data race.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicI64;

use memmap2::MmapMut;

/// A mapping of `slots` 64-bit atomics, visible to every process that maps
/// the same file.
#[derive(Debug)]
pub struct SharedMemory {
    map: MmapMut,
    path: PathBuf,
    /// The directory to delete on drop; only the creating process owns it.
    owned_dir: Option<PathBuf>,
    /// Deletes it if SIGINT or SIGTERM ends the process instead.
    _removed_on_signal: Option<shared_util::signals::RemoveOnSignal>,
}

impl SharedMemory {
    /// Creates a zeroed mapping of `slots` atomics in a fresh temp directory.
    pub fn create(slots: usize) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "chapter06-shared-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        ));
        // Left by runs that were killed (named by their pid): swept first.
        shared_util::signals::sweep_dead("chapter06-shared-", |name| {
            name.strip_prefix("chapter06-shared-")?
                .split('-')
                .next()?
                .parse()
                .ok()
        });
        let removed_on_signal = shared_util::signals::remove_on_signal(&dir);
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("shared.bin");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.set_len((slots * size_of::<AtomicI64>()) as u64)?;
        let map = map_file(&file)?;
        Ok(Self {
            map,
            path,
            owned_dir: Some(dir),
            _removed_on_signal: Some(removed_on_signal),
        })
    }

    /// Maps a file made by [`SharedMemory::create`] in another process.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| anyhow::anyhow!("cannot open shared memory {}: {e}", path.display()))?;
        let map = map_file(&file)?;
        Ok(Self {
            map,
            path: path.to_owned(),
            owned_dir: None,
            _removed_on_signal: None,
        })
    }

    /// The file to hand to child processes.
    pub fn path(&self) -> &str {
        self.path.to_str().unwrap_or_default()
    }

    /// The shared values.
    #[allow(unsafe_code)]
    pub fn slots(&self) -> &[AtomicI64] {
        let len = self.map.len() / size_of::<AtomicI64>();
        // Safety: the mapping starts on a page boundary, so it is aligned for
        // AtomicI64; `len` whole values fit in it; the slice borrows `self`,
        // which owns the mapping, so it cannot outlive it. Other processes
        // change these bytes only through atomic operations, and AtomicI64
        // has the same layout as i64, for which any bit pattern is valid.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().cast::<AtomicI64>(), len) }
    }
}

impl Drop for SharedMemory {
    fn drop(&mut self) {
        if let Some(dir) = &self.owned_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Maps `file` read-write, shared with every other process that maps it.
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File) -> anyhow::Result<MmapMut> {
    // Safety: the file lives in a directory this program created for this
    // run and no other program writes to it; its length is set before
    // mapping and never changed afterwards, so the mapping stays valid.
    Ok(unsafe { MmapMut::map_mut(file)? })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering::SeqCst;

    #[test]
    fn two_mappings_of_one_file_see_the_same_values() {
        let parent = super::SharedMemory::create(3).unwrap();
        let child = super::SharedMemory::open(parent.path().as_ref()).unwrap();
        child.slots()[2].fetch_add(5, SeqCst);
        assert_eq!(parent.slots()[2].load(SeqCst), 5);
        assert_eq!(parent.slots().len(), 3);
        let dir = std::path::Path::new(parent.path())
            .parent()
            .unwrap()
            .to_owned();
        drop(child);
        drop(parent);
        assert!(!dir.exists(), "the creator removes its directory");
    }
}
