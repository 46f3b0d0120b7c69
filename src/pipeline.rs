//! `anonymize`'s work: pieces in, anonymized pieces out, in order, in parallel (through
//! `crate::driver`, which keeps reading, processing and writing overlapped and in order).
//!
//! Per-line work ([`Engine::process`]) is plain single-threaded code: parse with the format,
//! redact a client written as a host name, then scan the whole line for address literals. Each
//! worker thread has its own scratch space and scheme cache ([`Workers`]), locked once per
//! piece, never shared.

use std::io::{self, Read, Write};

use memchr::memchr_iter;
use serde::Serialize;

use std::sync::Arc;

use crate::anonymize::{Anonymizer, Cache, Edits, arrays};
use crate::codec::Codec;
use crate::driver::{Flow, PerThread};
use crate::format::{Fields, Format, Name, Std};
use crate::input::{Chunker, Piece, PieceKind};
use crate::rules::{OnUnparsed, RulePlan, RuleScratch};

/// The fields [`Engine::line`] reads when there are no rules.
const NEEDED_WITHOUT_RULES: u64 =
    crate::format::fields::mask(&[Std::Client, Std::Ecs, Std::Message, Std::BinaryClient]);

/// Counters for a run; merged per piece, reported in the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Lines read.
    pub lines: u64,
    /// Lines that did not match the format.
    pub unparsed: u64,
    /// Lines left out of the output (by `--on-unparsed drop`).
    pub dropped: u64,
    /// Lines left out by an `[[exclude]]` rule.
    pub excluded: u64,
    /// Address literals rewritten.
    pub addresses_rewritten: u64,
    /// Address literals left as they were because of `--keep-net`.
    pub addresses_kept: u64,
    /// Client fields holding a host name instead of an address, replaced by `-`.
    pub hosts_redacted: u64,
    /// Lines longer than `--max-line-length`, scrubbed in parts.
    pub overlong_lines: u64,
    /// The servers' own lines (start-up, shutdown, notices), parsed but no request or query.
    pub server_lines: u64,
    /// Non-empty lines that matched the format (server lines included).
    pub parsed: u64,
    /// Inputs for which `--format auto` recognised no format (treated as raw text).
    pub unrecognized_inputs: u64,
    /// Inputs of which an explicit format matched no line (scrubbed as raw text all the same).
    pub no_match_inputs: u64,
}

impl Counts {
    /// Adds `o` into `self`.
    pub fn add(&mut self, o: &Counts) {
        self.lines += o.lines;
        self.unparsed += o.unparsed;
        self.dropped += o.dropped;
        self.excluded += o.excluded;
        self.addresses_rewritten += o.addresses_rewritten;
        self.addresses_kept += o.addresses_kept;
        self.hosts_redacted += o.hosts_redacted;
        self.overlong_lines += o.overlong_lines;
        self.server_lines += o.server_lines;
        self.parsed += o.parsed;
        self.unrecognized_inputs += o.unrecognized_inputs;
        self.no_match_inputs += o.no_match_inputs;
    }
}

/// A line that stopped the run under `--on-unparsed fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// 1-based line number within the input.
    pub line: u64,
    /// 1-based byte column where the line stopped matching the format.
    pub col: usize,
    /// The line was longer than `Engine::max_line`: never parsed.
    pub overlong: bool,
}

/// The column [`Engine::overlong`] stops at: no column, the whole line was too long.
const OVERLONG: usize = usize::MAX;

/// Everything needed to process lines; shared read-only by all workers.
pub struct Engine {
    /// The input's format.
    pub format: Format,
    /// The address scheme.
    pub anonymizer: Anonymizer,
    /// Unparsed-line policy.
    pub on_unparsed: OnUnparsed,
    /// Compress each output piece as one stream of this kind (a gzip member, a zstd frame, ...).
    pub compress: Option<Codec>,
    /// Field rules, bound to `format`.
    pub rules: Option<Arc<RulePlan>>,
    /// Also hand back every unparsed line, scrubbed like every line (`--unparsed-to`).
    pub keep_unparsed: bool,
    /// Lines longer than this (bytes, without the newline) are never parsed, as those the
    /// chunker hands over in parts (`--max-line-length`): the chunker holds lines up to a piece
    /// whole, so a shorter limit is checked here.
    pub max_line: usize,
}

/// Per-worker scratch state.
#[derive(Default)]
pub struct WorkerCtx {
    cache: Cache,
    fields: Fields,
    edits: Edits,
    rule_scratch: RuleScratch,
    /// The scrubbed unparsed lines of the piece (`Engine::keep_unparsed`).
    unparsed: Vec<u8>,
}

/// One [`WorkerCtx`] per pool thread.
pub type Workers = PerThread<WorkerCtx>;

/// The result of processing one piece.
pub struct Processed {
    /// Output bytes (gzip member when compressing).
    pub out: Vec<u8>,
    /// Counters for the piece.
    pub counts: Counts,
    /// Under `--on-unparsed fail`: the first unparsed line (index within the piece, column).
    pub stop: Option<(u64, usize)>,
    /// The piece's unparsed lines, scrubbed, when the engine keeps them (`--unparsed-to`).
    pub unparsed: Vec<u8>,
}

impl Engine {
    /// Processes one piece into its output.
    pub fn process(&self, piece: &Piece, ctx: &mut WorkerCtx) -> Processed {
        self.process_into(piece, ctx, Vec::new())
    }

    /// [`Engine::process`] into `out` (cleared first): a buffer of an earlier piece, so that
    /// memory once touched is used again instead of fresh pages.
    pub fn process_into(&self, piece: &Piece, ctx: &mut WorkerCtx, mut out: Vec<u8>) -> Processed {
        out.clear();
        // Room for growth: whole-address schemes can turn 15-byte IPv4 text into 39-byte IPv6 text.
        out.reserve(piece.data.len() + piece.data.len() / 4);
        let mut counts = Counts::default();
        let mut stop = None;
        match piece.kind {
            PieceKind::Lines => {
                self.format
                    .start_piece(piece.header.as_deref(), &mut ctx.fields);
                let data = &piece.data[..];
                let mut start = 0;
                for nl in memchr_iter(b'\n', data) {
                    let at = counts.lines;
                    if let Err(col) =
                        self.whole_line(data, start, nl, true, &mut out, &mut counts, ctx)
                    {
                        stop = Some((at, col));
                        break;
                    }
                    start = nl + 1;
                }
                if stop.is_none() && start < data.len() {
                    let at = counts.lines;
                    if let Err(col) =
                        self.whole_line(data, start, data.len(), false, &mut out, &mut counts, ctx)
                    {
                        stop = Some((at, col));
                    }
                }
            }
            PieceKind::Long { prev, first, last } => {
                if let Err(col) =
                    self.overlong(&piece.data, prev, first, last, &mut out, &mut counts, ctx)
                {
                    stop = Some((0, col));
                }
            }
        }
        if let Some(codec) = &self.compress
            && !out.is_empty()
        {
            out = codec.compress(&out);
        }
        let unparsed = std::mem::take(&mut ctx.unparsed);
        Processed {
            out,
            counts,
            stop,
            unparsed,
        }
    }

    /// A whole line of a piece of lines, `data[start..end]`, its newline after it when
    /// `newline`: parsed, or never parsed when longer than `max_line` ([`Engine::overlong`]).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn whole_line(
        &self,
        data: &[u8],
        start: usize,
        end: usize,
        newline: bool,
        out: &mut Vec<u8>,
        counts: &mut Counts,
        ctx: &mut WorkerCtx,
    ) -> Result<(), usize> {
        if end - start > self.max_line {
            let with_newline = &data[start..end + usize::from(newline)];
            self.overlong(with_newline, b'\n', true, true, out, counts, ctx)
        } else {
            self.line(&data[start..end], newline, out, counts, ctx)
        }
    }

    /// A line too long to hold, or a part of one (`data`, its newline included where it ends;
    /// `prev` the byte before it): never parsed. Unless the format reads no fields (raw), it is
    /// an unparsed line, and `--on-unparsed` (or the rule file's) decides what it becomes, as
    /// for any other; scrubbed in parts, it passed every rule and `--strict` by. Err([`OVERLONG`])
    /// stops the run at its first part (`--on-unparsed fail`).
    #[allow(clippy::too_many_arguments)]
    #[cold]
    fn overlong(
        &self,
        data: &[u8],
        prev: u8,
        first: bool,
        last: bool,
        out: &mut Vec<u8>,
        counts: &mut Counts,
        ctx: &mut WorkerCtx,
    ) -> Result<(), usize> {
        let unparsed = !matches!(self.format, Format::Raw);
        counts.overlong_lines += first as u64;
        counts.lines += last as u64;
        counts.unparsed += u64::from(unparsed && first);
        let kept = !unparsed || self.on_unparsed == OnUnparsed::Scrub;
        let copy = unparsed && self.keep_unparsed;
        if kept || copy {
            let at = out.len();
            let c = self
                .anonymizer
                .rewrite_line(data, prev, &mut *out, &mut ctx.cache);
            if copy {
                ctx.unparsed.extend_from_slice(&out[at..]);
            }
            if kept {
                counts.addresses_rewritten += c.rewritten;
                counts.addresses_kept += c.kept;
            } else {
                out.truncate(at);
            }
        }
        match self.on_unparsed {
            OnUnparsed::Fail if unparsed && first => return Err(OVERLONG),
            OnUnparsed::Drop if unparsed => counts.dropped += first as u64,
            _ => {}
        }
        Ok(())
    }

    /// One line without its `\n`, appended to `out` as it comes out (nothing when the line is
    /// dropped or excluded: `counts` says which). Err(0-based column) stops the run
    /// (`--on-unparsed fail`).
    pub fn line(
        &self,
        line: &[u8],
        newline: bool,
        out: &mut Vec<u8>,
        counts: &mut Counts,
        ctx: &mut WorkerCtx,
    ) -> Result<(), usize> {
        let body = line.strip_suffix(b"\r").unwrap_or(line);
        let mut client = None;
        // No format read the line's text (unparsed, or raw), or it is JSON: text may hide in
        // arrays of byte values (see below).
        let mut unread = false;
        // Rules read any field; without them only the client (host names) and ECS (prefix cut).
        ctx.fields.want(match &self.rules {
            None => NEEDED_WITHOUT_RULES,
            // Fields the rules pass as they are need no span (`RulePlan::wanted`).
            Some(r) => r.wanted() | NEEDED_WITHOUT_RULES,
        });
        if body.is_empty() {
            // No fields: the last line's must not be taken for this one's (a rule file applied
            // them out of its bounds: a panic). A parse starts by clearing them.
            ctx.fields.clear();
        } else {
            match self.format.parse(body, &mut ctx.fields) {
                Ok(()) => {
                    client = ctx.fields.get(Std::Client);
                    counts.parsed += 1;
                    counts.server_lines += u64::from(ctx.fields.has(Std::Message));
                }
                Err(col) => {
                    // The fields of a line that did not match mean nothing: no rule applies to
                    // them (the rule file's on-unparsed decides what such lines become).
                    ctx.fields.clear();
                    counts.unparsed += 1;
                    unread = true;
                    if self.keep_unparsed {
                        // Scrubbed as the output is (arrays of byte values included).
                        ctx.edits.clear();
                        let a = &self.anonymizer;
                        let edits = &mut ctx.edits;
                        arrays::scrub(a, body, &mut ctx.cache, |s, e, t| {
                            edits.push(s, e, t);
                            true
                        });
                        ctx.edits.sort();
                        a.rewrite_line_edits(
                            body,
                            b'\n',
                            &mut ctx.unparsed,
                            &mut ctx.cache,
                            usize::MAX,
                            &ctx.edits,
                        );
                        ctx.unparsed.push(b'\n');
                    }
                    match self.on_unparsed {
                        OnUnparsed::Scrub => {}
                        OnUnparsed::Drop => {
                            counts.lines += 1;
                            counts.dropped += 1;
                            return Ok(());
                        }
                        OnUnparsed::Fail => return Err(col),
                    }
                }
            }
        }
        counts.lines += 1;
        let a = &self.anonymizer;
        ctx.edits.clear();
        if let Some(rules) = &self.rules
            && !ctx.fields.is_empty()
        {
            if rules.split_and_excluded(body, &mut ctx.fields) {
                counts.excluded += 1;
                return Ok(());
            }
            let c = rules.edits(
                body,
                &ctx.fields,
                a,
                &mut ctx.cache,
                &mut ctx.rule_scratch,
                &mut ctx.edits,
            );
            counts.addresses_rewritten += c.rewritten;
            counts.addresses_kept += c.kept;
        }
        if ctx.fields.has(Std::Ecs) {
            for (name, s, e) in ctx.fields.iter() {
                if name == Name::Std(Std::Ecs)
                    && !ctx.edits.overlaps(s, e)
                    && let Some((ds, de, n)) = ecs_cut(&body[s..e], a.prefixes())
                {
                    ctx.edits.push(s + ds, s + de, n.to_string().as_bytes());
                }
            }
        }
        if (unread || body.first() == Some(&b'{') || matches!(self.format, Format::Raw))
            && memchr::memchr(b'[', body).is_some()
        {
            // journald writes a message with a control byte or invalid UTF-8 as an array of
            // byte values (`"MESSAGE":[99,108,…]`), which no format reads and the finder sees no
            // text in: decoded, scrubbed and written back.
            // An array a rule edited already is left to the rule (it scrubs what it writes).
            let edits = &mut ctx.edits;
            counts.addresses_rewritten += arrays::scrub(a, body, &mut ctx.cache, |s, e, t| {
                let free = !edits.overlaps(s, e);
                if free {
                    edits.push(s, e, t);
                }
                free
            });
        }
        if ctx.fields.has(Std::BinaryClient) {
            for (name, s, e) in ctx.fields.iter() {
                if name == Name::Std(Std::BinaryClient) && !ctx.edits.overlaps(s, e) {
                    let v = crate::anonymize::binary::rewrite(a, &body[s..e], &mut ctx.cache);
                    if v != body[s..e] {
                        counts.addresses_rewritten += 1;
                        ctx.edits.push(s, e, &v);
                    }
                }
            }
        }
        ctx.edits.sort();
        // One pass over the whole line, watching where the first literal at or after the client
        // field's start is: the field must begin with an address (or `[`).
        let mark = out.len();
        let client = client.filter(|&(s, e)| !ctx.edits.overlaps(s, e));
        let watch = client.map_or(usize::MAX, |(s, _)| s);
        let (mut c, first) =
            a.rewrite_line_edits(body, b'\n', out, &mut ctx.cache, watch, &ctx.edits);
        if let Some((s, e)) = client
            && s < e
            && &body[s..e] != b"-"
            && !first.is_some_and(|f| f == s || (f == s + 1 && body[s] == b'['))
        {
            // A host name (or anything else) where the client address should be becomes `-`.
            counts.hosts_redacted += 1;
            out.truncate(mark);
            ctx.edits.push(s, e, b"-");
            ctx.edits.sort();
            c = a
                .rewrite_line_edits(body, b'\n', out, &mut ctx.cache, usize::MAX, &ctx.edits)
                .0;
        }
        counts.addresses_rewritten += c.rewritten;
        counts.addresses_kept += c.kept;
        if body.len() < line.len() {
            out.push(b'\r');
        }
        if newline {
            out.push(b'\n');
        }
        Ok(())
    }
}

/// Where an ECS value's source prefix length is (`192.0.2.0/32/0` → the `32`) and what to cut it
/// to, when it is longer than the configured prefix.
fn ecs_cut(ecs: &[u8], (v4, v6): (u8, u8)) -> Option<(usize, usize, u32)> {
    let slash = memchr::memchr(b'/', ecs)?;
    let digits_end = ecs[slash + 1..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(ecs.len(), |k| slash + 1 + k);
    let digits = &ecs[slash + 1..digits_end];
    if digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let n: u32 = digits.iter().fold(0, |a, &d| a * 10 + (d - b'0') as u32);
    let limit = if ecs[..slash].contains(&b':') { v6 } else { v4 } as u32;
    (n > limit).then_some((slash + 1, digits_end, limit))
}

/// How a stream run ended.
#[derive(Debug)]
pub enum StreamError {
    /// Reading failed.
    Read(io::Error),
    /// Writing failed.
    Write(io::Error),
    /// An unparsed line under `--on-unparsed fail`.
    Unparsed(Stop, Counts),
}

/// Streams `chunker` through `engine` into `sink`, in order. Returns the counts.
pub fn run<R: Read + Send>(
    engine: &Engine,
    workers: &Workers,
    chunker: &mut Chunker<R>,
    sink: &mut (dyn Write + Send),
) -> Result<Counts, StreamError> {
    run_with_unparsed(engine, workers, chunker, sink, None)
}

/// [`run`], writing the unparsed lines (scrubbed) to `unparsed` too when the engine keeps them.
pub fn run_with_unparsed<R: Read + Send>(
    engine: &Engine,
    workers: &Workers,
    chunker: &mut Chunker<R>,
    sink: &mut (dyn Write + Send),
    mut unparsed: Option<&mut (dyn Write + Send)>,
) -> Result<Counts, StreamError> {
    let mut total = Counts::default();
    let mut stop = None;
    crate::driver::ordered(
        chunker,
        workers,
        |piece, ctx, spare: Option<Processed>| {
            engine.process_into(piece, ctx, spare.map(|p| p.out).unwrap_or_default())
        },
        |o| {
            sink.write_all(&o.out).map_err(StreamError::Write)?;
            if let Some(u) = unparsed.as_mut() {
                u.write_all(&o.unparsed).map_err(StreamError::Write)?;
            }
            if let Some((idx, col)) = o.stop {
                stop = Some(Stop {
                    line: total.lines + idx + 1,
                    col: if col == OVERLONG { 1 } else { col + 1 },
                    overlong: col == OVERLONG,
                });
                total.add(&o.counts);
                return Ok(Flow::Stop);
            }
            total.add(&o.counts);
            Ok(Flow::Go)
        },
        StreamError::Read,
    )?;
    match stop {
        Some(s) => Err(StreamError::Unparsed(s, total)),
        None => Ok(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::Scheme;
    use crate::format::FormatChoice;

    fn engine(format: &str, on_unparsed: OnUnparsed) -> Engine {
        let FormatChoice::Fixed(format) = Format::from_spec(format).unwrap() else {
            panic!()
        };
        Engine {
            format,
            anonymizer: Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
            on_unparsed,
            compress: None,
            rules: None,
            keep_unparsed: false,
            max_line: usize::MAX,
        }
    }

    fn run_str(e: &Engine, input: &[u8], chunk: usize) -> (Vec<u8>, Result<Counts, StreamError>) {
        let mut c = Chunker::new(input, chunk, 1 << 20);
        if let Some(p) = e.format.directive() {
            c.follow(p);
        }
        let mut out = Vec::new();
        let r = run(e, &Workers::new(), &mut c, &mut out);
        (out, r)
    }

    #[test]
    fn w3c_directives_apply_across_pieces_wherever_the_input_is_cut() {
        let e = engine("w3c", OnUnparsed::Fail);
        let input = "#Software: Microsoft Internet Information Services 10.0\n\
#Fields: date time c-ip cs-method cs-uri-stem sc-status\n\
2026-10-10 13:55:36 192.0.2.17 GET / 200\n\
2026-10-10 13:55:37 192.0.2.18 GET /a 404\n\
#Fields: date time s-ip c-ip cs-method cs-uri-stem cs-uri-query sc-status time-taken\n\
2026-10-10 13:56:00 198.51.100.10 192.0.2.19 GET /b q=1 200 15\n\
2026-10-10 13:56:01 198.51.100.10 192.0.2.20 POST /c - 500 7\n";
        let mut want = input.replace("198.51.100.10", "198.51.100.0");
        for a in ["192.0.2.17", "192.0.2.18", "192.0.2.19", "192.0.2.20"] {
            want = want.replace(a, "192.0.2.0");
        }
        for chunk in [1, 5, 40, 64, 100, 1 << 20] {
            let (out, r) = run_str(&e, input.as_bytes(), chunk);
            let c = r.unwrap_or_else(|e| panic!("chunk {chunk}: {e:?}"));
            assert_eq!(String::from_utf8(out).unwrap(), want, "chunk {chunk}");
            assert_eq!(
                (c.lines, c.parsed, c.server_lines),
                (7, 7, 3),
                "chunk {chunk}"
            );
        }
        // Without the chunker following the directives, a cut after the second one would read
        // the lines after it with the first one's columns: the test above would fail.
    }

    const C1: &str = r#"192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] "GET /r?to=http://203.0.113.77/ HTTP/1.1" 200 5 "-" "-""#;

    #[test]
    fn lines_are_rewritten_and_counted_with_endings_kept() {
        let e = engine("combined", OnUnparsed::Scrub);
        let input = format!(
            "{C1}\r\nnot a log line from 198.51.100.23\n\nhost.example.net - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\n{C1}"
        );
        let (out, r) = run_str(&e, input.as_bytes(), 64);
        let c = r.unwrap();
        let want_c1 = C1
            .replace("192.0.2.17", "192.0.2.0")
            .replace("203.0.113.77", "203.0.113.0");
        let want = format!(
            "{want_c1}\r\nnot a log line from 198.51.100.0\n\n- - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\n{want_c1}"
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
        assert_eq!(
            (c.lines, c.unparsed, c.addresses_rewritten, c.hosts_redacted),
            (5, 1, 5, 1)
        );
    }

    #[test]
    fn drop_and_fail() {
        let input = format!("{C1}\njunk 192.0.2.9\n{C1}\n");
        let (out, r) = run_str(&engine("combined", OnUnparsed::Drop), input.as_bytes(), 16);
        let c = r.unwrap();
        assert_eq!((c.lines, c.dropped), (3, 1));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 2);

        let (out, r) = run_str(&engine("combined", OnUnparsed::Fail), input.as_bytes(), 16);
        match r {
            Err(StreamError::Unparsed(stop, _)) => assert_eq!(
                stop,
                Stop {
                    line: 2,
                    col: 6,
                    overlong: false
                }
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            out.iter().filter(|&&b| b == b'\n').count(),
            1,
            "lines before the failing one are written"
        );
    }

    #[test]
    fn gzip_output_members_decode_to_the_plain_output() {
        let input = format!("{C1}\n").repeat(500);
        let mut e = engine("combined", OnUnparsed::Scrub);
        let (plain, _) = run_str(&e, input.as_bytes(), 1000);
        e.compress = Codec::new(crate::codec::Compression::Gzip, 1);
        let (gz, _) = run_str(&e, input.as_bytes(), 1000);
        let mut d = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut d)
            .unwrap();
        assert_eq!(d, plain);
    }
}
