//! The streaming driver: the only code that knows about threads. `anonymize`, `stats` and `audit`
//! all run through [`ordered`], so the memory bound, the overlap of reading with work and the
//! reuse of buffers live in one place.
//!
//! One batch of pieces is worked on in the rayon pool while the calling side hands the previous
//! batch's results to `emit` and reads the next batch (`rayon::join`). Results are collected by
//! index, so `emit` sees them in input order by construction, whatever the scheduling. Memory is
//! bounded: at most three batches of pieces and two of results exist at once. Each pool thread
//! has its own scratch space ([`PerThread`]), locked once per piece, never shared.

use std::io::{self, Read};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::input::{Chunker, Piece};

/// Pieces worked on together in one parallel batch, per pool thread.
pub const BATCH_PER_THREAD: usize = 8;

/// One `S` per thread of the current rayon pool, each used only by its own thread.
pub struct PerThread<S>(Vec<Mutex<S>>);

impl<S: Default> PerThread<S> {
    /// Fresh scratch state for every thread of the current pool.
    pub fn new() -> Self {
        PerThread(
            (0..rayon::current_num_threads().max(1))
                .map(|_| Mutex::default())
                .collect(),
        )
    }
}

impl<S: Default> Default for PerThread<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> PerThread<S> {
    /// Runs `f` on the calling thread's state.
    pub fn with<T>(&self, f: impl FnOnce(&mut S) -> T) -> T {
        let i = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        // A worker panicking mid-piece would poison only its scratch state; the run is over then.
        let mut s = self.0[i].lock().unwrap_or_else(|e| e.into_inner());
        f(&mut s)
    }

    /// Every thread's state, for what was gathered in them (e.g. counts to merge).
    pub fn into_inner(self) -> impl Iterator<Item = S> {
        self.0
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}

/// What `emit` says after a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Go,
    /// Stop: no result after this one is emitted and no more input is read.
    Stop,
}

/// Streams `chunker`'s pieces through `work` in the pool and hands each result to `emit` in input
/// order, on the calling side, while the next batch is worked on. `work` gets the piece, its
/// thread's scratch state and, when there is one, a result already emitted, whose buffers it may
/// use again. A read error becomes `E` through `read_error`; an `emit` error ends the stream.
pub fn ordered<R, S, T, E>(
    chunker: &mut Chunker<R>,
    scratch: &PerThread<S>,
    work: impl Fn(&Piece, &mut S, Option<T>) -> T + Sync,
    mut emit: impl FnMut(&T) -> Result<Flow, E> + Send,
    read_error: impl Fn(io::Error) -> E + Sync,
) -> Result<(), E>
where
    R: Read + Send,
    S: Send,
    T: Send + Sync,
    E: Send,
{
    let batch = BATCH_PER_THREAD * rayon::current_num_threads().max(1);
    let read_batch = |c: &mut Chunker<R>| -> Result<Vec<Piece>, E> {
        let mut v = Vec::with_capacity(batch);
        while v.len() < batch {
            match c.next_piece().map_err(&read_error)? {
                Some(p) => v.push(p),
                None => break,
            }
        }
        Ok(v)
    };
    // Emits `results` in order; false when `emit` said stop.
    let emit_all = |emit: &mut dyn FnMut(&T) -> Result<Flow, E>, results: &[T]| {
        for r in results {
            if emit(r)? == Flow::Stop {
                return Ok(false);
            }
        }
        Ok(true)
    };

    let mut pending: Vec<T> = Vec::new();
    // Results already emitted, handed to `work` again (at most two batches' worth exist).
    let mut spare: Vec<T> = Vec::new();
    let mut next = read_batch(chunker)?;
    while !next.is_empty() {
        let cur = std::mem::take(&mut next);
        let reuse: Vec<Option<T>> = cur.iter().map(|_| spare.pop()).collect();
        let (results, io) = rayon::join(
            || {
                cur.par_iter()
                    .zip(reuse)
                    .map(|(p, r)| scratch.with(|s| work(p, s, r)))
                    .collect::<Vec<T>>()
            },
            || -> Result<Option<Vec<Piece>>, E> {
                if !emit_all(&mut emit, &pending)? {
                    return Ok(None);
                }
                read_batch(chunker).map(Some)
            },
        );
        for p in cur {
            chunker.recycle(p.data);
        }
        match io? {
            Some(n) => next = n,
            None => return Ok(()),
        }
        spare.append(&mut pending);
        pending = results;
    }
    emit_all(&mut emit, &pending)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], piece: usize) -> Chunker<&[u8]> {
        Chunker::new(input, piece, 1 << 20)
    }

    #[test]
    fn results_come_in_input_order_and_buffers_are_reused() {
        let input: Vec<u8> = (0..5000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let mut c = lines(&input, 64);
        let mut out = Vec::new();
        let reused = std::sync::atomic::AtomicUsize::new(0);
        ordered(
            &mut c,
            &PerThread::<()>::new(),
            |p, _, r: Option<Vec<u8>>| {
                if r.is_some() {
                    reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                let mut v = r.unwrap_or_default();
                v.clear();
                v.extend_from_slice(&p.data);
                v
            },
            |v| -> Result<Flow, io::Error> {
                out.extend_from_slice(v);
                Ok(Flow::Go)
            },
            |e| e,
        )
        .unwrap();
        assert!(reused.into_inner() > 0, "no result was handed back to work");
        assert_eq!(out, input);
    }

    #[test]
    fn stop_ends_the_stream_after_that_result() {
        let input = b"a\nb\nc\nd\ne\nf\n".repeat(1000);
        let mut c = lines(&input, 16);
        let mut seen = 0;
        ordered(
            &mut c,
            &PerThread::<()>::new(),
            |p, _, _| p.data.len(),
            |_| -> Result<Flow, ()> {
                seen += 1;
                Ok(if seen == 3 { Flow::Stop } else { Flow::Go })
            },
            |_| (),
        )
        .unwrap();
        assert_eq!(seen, 3);
    }

    #[test]
    fn scratch_state_gathers_per_thread() {
        let input = b"x\n".repeat(10_000);
        let mut c = lines(&input, 100);
        let counts = PerThread::<u64>::new();
        ordered(
            &mut c,
            &counts,
            |p, n, _| *n += p.data.iter().filter(|&&b| b == b'\n').count() as u64,
            |_| -> Result<Flow, ()> { Ok(Flow::Go) },
            |_| (),
        )
        .unwrap();
        assert_eq!(counts.into_inner().sum::<u64>(), 10_000);
    }
}
