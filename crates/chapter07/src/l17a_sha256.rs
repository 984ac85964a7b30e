//! Listing 7.17a — SHA-256 of large buffers: one thread, then a pool.
//!
//! Not in the book's listings, but its point in another form: hashlib's
//! SHA functions release the GIL on big inputs, so threads help in Python
//! too. Here 64 generated buffers of 16 MiB each (`--buffers N`,
//! `--buffer-mib N`) are hashed with the `sha2` crate on one thread and on
//! a pool sized to the cores; the digests must agree. A check against the
//! standard's test vector for "abc" comes first.
//!
//! Run: cargo run --release -p chapter07 -- 7.17a

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};
use shared_util::Ctx;

use crate::hashing::hex;
use crate::pools::thread_pool;

/// FIPS 180-2's example: SHA-256("abc").
const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/// Buffer `index`, filled with a pattern anyone can regenerate.
pub fn buffer(index: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 31 + index * 7) % 251) as u8)
        .collect()
}

/// `--buffers` and `--buffer-mib` as sizes, refused with a one-line usage
/// error (not an allocation abort) when they overflow or need more memory
/// than the system has available.
fn fits_in_memory(buffers: u64, mib: u64) -> anyhow::Result<(usize, usize)> {
    let bytes = buffers
        .checked_mul(mib)
        .and_then(|m| m.checked_mul(1 << 20))
        .filter(|&b| usize::try_from(b).is_ok())
        .ok_or_else(|| {
            shared_util::usage(format!(
                "{buffers} buffers of {mib} MiB are too many bytes to address"
            ))
        })?;
    if let Some(available) = shared_util::sys::available_memory()
        && bytes >= available
    {
        return Err(shared_util::usage(format!(
            "{buffers} buffers of {mib} MiB need {} MiB, but only {} MiB of memory is available; choose a smaller --buffers/--buffer-mib",
            bytes >> 20,
            available >> 20
        )));
    }
    Ok((buffers as usize, mib as usize))
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let start = std::time::Instant::now();
    let result = work();
    (result, start.elapsed().as_secs_f64())
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    anyhow::ensure!(
        hex(&Sha256::digest(b"abc")) == ABC,
        "SHA-256(\"abc\") is wrong"
    );
    println!("SHA-256(\"abc\") = {ABC}, as the standard says");

    let options = ctx.options::<crate::Options>();
    let (count, mib) = fits_in_memory(options.buffers, options.buffer_mib)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pool = thread_pool(cores)?;
    let buffers: Vec<Vec<u8>> = pool.install(|| {
        (0..count)
            .into_par_iter()
            .map(|i| buffer(i, mib << 20))
            .collect()
    });
    println!("generated {count} buffers of {mib} MiB");

    let (one, t1) = timed(|| buffers.iter().map(Sha256::digest).collect::<Vec<_>>());
    println!(
        "one thread: {t1:.4} second(s), {:.0} MiB/s",
        (count * mib) as f64 / t1
    );
    let (many, tn) =
        timed(|| pool.install(|| buffers.par_iter().map(Sha256::digest).collect::<Vec<_>>()));
    println!(
        "a pool of {cores} threads: {tn:.4} second(s), {:.0} MiB/s",
        (count * mib) as f64 / tn
    );
    anyhow::ensure!(one == many, "the pool's digests differ from one thread's");
    println!("speedup {:.2}x; all {count} digests agree", t1 / tn);
    if let Some(first) = one.first() {
        println!("buffer 0: {}", hex(first));
    }
    Ok(())
}
