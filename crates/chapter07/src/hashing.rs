//! What 7.16 and 7.17 share: random passwords and the book's scrypt call.

use rand::Rng as _;
use rand::TryRngCore as _;

/// The book's parameters: N = 2048 (2^11), r = 8, p = 1, a 64-byte key.
pub fn params() -> scrypt::Params {
    scrypt::Params::new(11, 8, 1, 64).expect("valid scrypt parameters")
}

/// `count` passwords of ten random lowercase letters.
pub fn random_passwords(count: usize) -> Vec<Vec<u8>> {
    let mut rng = rand::rng();
    (0..count)
        .map(|_| (0..10).map(|_| rng.random_range(b'a'..=b'z')).collect())
        .collect()
}

/// A password's salt and derived key.
#[derive(Debug, Clone)]
pub struct Hashed {
    pub salt: [u8; 16],
    pub key: [u8; 64],
}

/// scrypt with a fresh 16-byte salt from the OS's random source.
pub fn hash(password: &[u8]) -> anyhow::Result<Hashed> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut salt)?;
    Ok(Hashed {
        salt,
        key: derive(password, &salt)?,
    })
}

/// The key scrypt derives from `password` and `salt`.
pub fn derive(password: &[u8], salt: &[u8]) -> anyhow::Result<[u8; 64]> {
    let mut key = [0u8; 64];
    scrypt::scrypt(password, salt, &params(), &mut key)?;
    Ok(key)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prints one password's salt and key and checks it by deriving it again,
/// as a login would.
pub fn show_and_verify(password: &[u8], hashed: &Hashed) -> anyhow::Result<()> {
    println!("password {:?}", String::from_utf8_lossy(password));
    println!("  salt {}", hex(&hashed.salt));
    println!("  key  {}", hex(&hashed.key));
    anyhow::ensure!(
        derive(password, &hashed.salt)? == hashed.key,
        "re-derived key differs"
    );
    println!("  verified: the same password and salt derive the same key");
    Ok(())
}

/// Milliseconds per hash, for the summary lines.
pub fn per_hash_ms(elapsed: std::time::Duration, count: usize) -> f64 {
    elapsed.as_secs_f64() * 1000.0 / count.max(1) as f64
}
