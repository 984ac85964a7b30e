//! Listing 7.18 — The mean of every row of a large matrix, on one thread.
//!
//! The book builds 4 billion random floats with NumPy (32 GB); the default
//! here is 50 rows of 20 million `f64` (8 GB, which fits this 24 GiB
//! machine; `--rows N --cols N` to change). Row r holds r - 0.5 and
//! r + 0.5 in turn, so every mean is known: r exactly for an even width.

use rayon::prelude::*;
use shared_util::Ctx;

/// A `rows` x `cols` matrix, one `Vec` per row, generated on all cores.
pub fn matrix(ctx: &Ctx) -> Vec<Vec<f64>> {
    let rows = ctx.number("rows", 50) as usize;
    let cols = ctx.number("cols", 20_000_000) as usize;
    let matrix: Vec<Vec<f64>> = (0..rows)
        .into_par_iter()
        .map(|r| (0..cols).map(|c| r as f64 + (c % 2) as f64 - 0.5).collect())
        .collect();
    println!(
        "a {rows} x {cols} matrix of f64 ({:.2} GB)",
        (rows * cols * 8) as f64 / 1e9
    );
    matrix
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
    let matrix = matrix(ctx);
    let start = std::time::Instant::now();
    let means: Vec<f64> = matrix.iter().map(|row| mean(row)).collect();
    report("one thread", &means, start.elapsed().as_secs_f64());
    Ok(())
}
