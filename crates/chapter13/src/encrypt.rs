//! Encrypting text in a child process, for listings 13.7 and 13.8.
//!
//! As in the book the child is `gpg -c --batch`, fed a text on stdin. When
//! gpg is not installed, the child is this binary's hidden `encrypt`
//! worker instead: a CPU-bound stand-in (key stretching, then a keystream
//! XOR) — not real cryptography, but the same shape of work per child.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context as _, bail};
use rand::seq::IndexedRandom as _;
use shared_util::ctx::worker_command;
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

use crate::child::{self, LiveChildren};

/// The book's passphrase.
const PASSPHRASE: &str = "3ncryptm3";

/// Which program encrypts.
#[derive(Debug, Clone)]
pub enum Encryptor {
    /// gpg, found on the PATH.
    Gpg(PathBuf),
    /// This binary's `encrypt` worker.
    Worker,
}

impl Encryptor {
    /// gpg if `program` is on the PATH, otherwise the worker; says which.
    pub fn find(program: &str) -> Self {
        match on_path(program) {
            Some(path) => {
                println!("encrypting with {}", path.display());
                // Many gpg children starting at once on a machine where gpg
                // never ran all try to create its home directory, and all but
                // one fail ("can't create directory ... File exists").
                // Creating it first, as gpg would (mode 0700), avoids that.
                if let Some(home) =
                    gpg_home(std::env::var_os("GNUPGHOME"), std::env::var_os("HOME"))
                    && let Err(e) = create_private_dir(&home)
                {
                    eprintln!(
                        "warning: could not create gpg's home {}: {e}",
                        home.display()
                    );
                }
                Encryptor::Gpg(path)
            }
            None => {
                println!(
                    "{program} is not installed here: each child runs this binary's `encrypt` worker instead (a CPU-bound stand-in; gpg would have printed OpenPGP ciphertext)"
                );
                Encryptor::Worker
            }
        }
    }

    fn command(&self) -> Command {
        let mut command = match self {
            Encryptor::Gpg(path) => {
                let mut gpg = Command::new(path);
                gpg.args(["-c", "--batch", "--passphrase", PASSPHRASE])
                    .args(["--cipher-algo", "TWOFISH"]);
                gpg
            }
            Encryptor::Worker => Command::from(worker_command("encrypt")),
        };
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Encrypts `text` in a new child, communicate-style: the text goes in
    /// on stdin while stdout is read, then the child is reaped.
    pub async fn encrypt(&self, text: &str, live: &LiveChildren) -> anyhow::Result<Vec<u8>> {
        let shown = match self {
            Encryptor::Gpg(_) => "gpg -c --batch",
            Encryptor::Worker => "chapter13 __worker encrypt",
        };
        let mut process = child::start(&mut self.command(), shown, "encrypted one text")?;
        live.started();
        let mut stdin = process.stdin.take().expect("stdin was piped");
        let feed = async move {
            stdin.write_all(text.as_bytes()).await?;
            // Dropping stdin closes it: the child sees the end of its input.
            drop(stdin);
            anyhow::Ok(())
        };
        let (fed, output) = tokio::join!(feed, process.wait_with_output());
        live.reaped();
        let output = output?;
        fed.context("could not write the text to the child")?;
        if !output.status.success() || output.stdout.is_empty() {
            bail!(
                "the encrypting child failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(output.stdout)
    }
}

/// `count` random texts of `len` ASCII letters, as the book makes them.
pub fn random_texts(count: usize, len: usize) -> Vec<String> {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..count)
        .map(|_| {
            (0..len)
                .map(|_| char::from(*LETTERS.choose(&mut rng).expect("not empty")))
                .collect()
        })
        .collect()
}

/// Where `program` would be found on the PATH, if it is there and
/// executable.
pub fn on_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let executable = |path: &Path| {
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| executable(candidate))
}

/// The `encrypt` worker: reads stdin, stretches the passphrase into a key
/// (the CPU-bound part, like gpg's S2K), XORs the text with a keystream
/// drawn from it, writes the result to stdout.
pub fn worker(_args: &[String]) -> anyhow::Result<()> {
    use std::io::{Read as _, Write as _};
    let mut text = Vec::new();
    std::io::stdin().read_to_end(&mut text)?;
    let mut key = PASSPHRASE.bytes().fold(0u64, |k, b| mix(k ^ u64::from(b)));
    for round in 0..std::hint::black_box(4_000_000u64) {
        key = mix(key ^ round);
    }
    let cipher: Vec<u8> = text
        .iter()
        .enumerate()
        .map(|(i, byte)| byte ^ mix(key ^ i as u64).to_le_bytes()[0])
        .collect();
    std::io::stdout().write_all(std::hint::black_box(&cipher))?;
    Ok(())
}

/// One step of splitmix64: a cheap, well-stirred 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// gpg's home directory: `$GNUPGHOME`, else `$HOME/.gnupg`.
fn gpg_home(
    gnupghome: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    gnupghome
        .filter(|g| !g.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            home.filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".gnupg"))
        })
}

/// Creates `dir` (and its parents) readable by its owner only, as gpg does;
/// fine if it exists.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpg_home_follows_gnupghome_then_home() {
        let some = |s: &str| Some(std::ffi::OsString::from(s));
        assert_eq!(gpg_home(some("/g"), some("/h")), Some(PathBuf::from("/g")));
        assert_eq!(gpg_home(None, some("/h")), Some(PathBuf::from("/h/.gnupg")));
        assert_eq!(
            gpg_home(some(""), some("/h")),
            Some(PathBuf::from("/h/.gnupg"))
        );
        assert_eq!(gpg_home(None, None), None);
    }

    #[test]
    fn a_private_dir_is_made_once_and_then_left_alone() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("ch13-gpg-home-{}", std::process::id()));
        let home = dir.join("a/.gnupg");
        create_private_dir(&home).unwrap();
        create_private_dir(&home).unwrap();
        let mode = std::fs::metadata(&home).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_gpg_falls_back_to_the_worker() {
        assert!(matches!(
            Encryptor::find("no-such-gpg-ch13"),
            Encryptor::Worker
        ));
    }

    #[test]
    fn texts_are_letters_of_the_asked_length() {
        let texts = random_texts(3, 1000);
        assert_eq!(texts.len(), 3);
        assert!(
            texts
                .iter()
                .all(|t| t.len() == 1000 && t.chars().all(|c| c.is_ascii_alphabetic()))
        );
    }
}
