//! Listing 7.16 — scrypt over 10,000 random passwords, one at a time.
//!
//! Ten random lowercase letters each (`--passwords N` to change 10,000),
//! scrypt with N = 2048, r = 8, p = 1 and a fresh 16-byte salt per password
//! from the OS. scrypt is built to be slow and memory-hungry (2 MiB per
//! hash here), so this is honest CPU work. One thread does all of it.
//!
//! Run: cargo run --release -p chapter07 -- 7.16

use shared_util::Ctx;

use crate::hashing::{hash, per_hash_ms, random_passwords, show_and_verify};

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let passwords = random_passwords(ctx.options::<crate::Options>().passwords as usize);
    let bar = shared_util::progress::bar(passwords.len() as u64, "hashes");
    let start = std::time::Instant::now();
    let mut hashes = Vec::with_capacity(passwords.len());
    for password in &passwords {
        hashes.push(hash(password)?);
        bar.inc(1);
    }
    let elapsed = start.elapsed();
    bar.finish_and_clear();
    println!(
        "hashed {} passwords on one thread in {:.4} second(s), {:.3} ms per hash",
        passwords.len(),
        elapsed.as_secs_f64(),
        per_hash_ms(elapsed, passwords.len())
    );
    if let (Some(password), Some(hashed)) = (passwords.first(), hashes.first()) {
        show_and_verify(password, hashed)?;
    }
    Ok(())
}
