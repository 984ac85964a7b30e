//! Listing 7.18 — The mean of every row of a large matrix, on one thread.
//!
//! The book fills a NumPy matrix of 50 rows with 4 billion consecutive
//! integers (`np.arange`, 32 GB); the default here is 50 rows of 20 million
//! `f64` (8 GB, which fits this 24 GiB machine; `--rows N --cols N` to
//! change; a size larger than the memory available is refused with an
//! error). Row r holds r - 0.5 and r + 0.5 in turn instead of a run of
//! integers, so every mean is known: r exactly for an even width.
//!
//! Run: cargo run --release -p chapter07 -- 7.18

use rayon::prelude::*;
use shared_util::Ctx;

/// A `rows` x `cols` matrix, one `Vec` per row, generated on all cores.
/// Refuses, with an error rather than an abort, a size that overflows or
/// does not fit in the memory the system has available.
pub fn matrix(ctx: &Ctx) -> anyhow::Result<Vec<Vec<f64>>> {
    let options = ctx.options::<crate::Options>();
    let (rows, cols) = (options.rows, options.cols);
    let bytes = rows
        .checked_mul(cols)
        .and_then(|n| n.checked_mul(8))
        .filter(|&n| usize::try_from(n).is_ok())
        .ok_or_else(|| {
            shared_util::usage(format!("a {rows} x {cols} matrix is too large to address"))
        })?;
    let gb = |b: u64| b as f64 / 1e9;
    if let Some(available) = shared_util::sys::available_memory()
        && bytes >= available
    {
        return Err(shared_util::usage(format!(
            "a {rows} x {cols} matrix of f64 needs {:.2} GB, but only {:.2} GB of memory is available; choose a smaller --rows/--cols",
            gb(bytes),
            gb(available)
        )));
    }
    println!("a {rows} x {cols} matrix of f64 ({:.2} GB)", gb(bytes));
    let cols = cols as usize;
    (0..rows)
        .into_par_iter()
        .map(|r| {
            let mut row = Vec::new();
            row.try_reserve_exact(cols)?; // an error, not an abort, if refused
            row.extend((0..cols).map(|c| r as f64 + (c % 2) as f64 - 0.5));
            Ok(row)
        })
        .collect()
}

/// The mean of one row.
pub fn mean(row: &[f64]) -> f64 {
    row.iter().sum::<f64>() / row.len().max(1) as f64
}

/// Prints the first few means and how long they took.
pub fn report(label: &str, means: &[f64], seconds: f64) {
    let shown: Vec<String> = means.iter().take(5).map(|m| format!("{m:.1}")).collect();
    let more = if means.len() > 5 { ", ..." } else { "" };
    println!(
        "{label}: {} row means in {seconds:.4} second(s): [{}{more}]",
        means.len(),
        shown.join(", ")
    );
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let matrix = matrix(ctx)?;
    let start = std::time::Instant::now();
    let means: Vec<f64> = matrix.iter().map(|row| mean(row)).collect();
    report("one thread", &means, start.elapsed().as_secs_f64());
    Ok(())
}
