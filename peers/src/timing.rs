//! A small timing loop: batches sized to about a millisecond, run until the budget is spent
//! (at least 15 batches); the median and the best of the per-iteration batch times.

use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// Nanoseconds per iteration.
    pub median: f64,
    pub best: f64,
}

pub fn measure(budget: Duration, mut f: impl FnMut()) -> Stats {
    // Warm up and size a batch.
    let mut per_batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        let took = start.elapsed();
        if took >= Duration::from_millis(1) || per_batch >= 1 << 30 {
            break;
        }
        per_batch *= 2;
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 15 || start.elapsed() < budget {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        samples.push(t.elapsed().as_nanos() as f64 / per_batch as f64);
        if samples.len() >= 100_000 {
            break;
        }
    }
    samples.sort_by(f64::total_cmp);
    Stats {
        median: samples[samples.len() / 2],
        best: samples[0],
    }
}
