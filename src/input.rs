//! Reading logs: sources, compression sniffing, and cutting the stream into pieces.
//!
//! Compression is decided by magic bytes, never by file name. gzip, zstd, xz and bzip2 are read
//! (`crate::codec`), every member, frame or stream of a file (`cat a.gz b.gz`, as rotated logs
//! often are). Other compressed and archive formats are refused with a clear error before
//! anything is written, rather than treated as text.
//!
//! [`Chunker`] cuts the decompressed stream into [`Piece`]s of whole lines (about `chunk` bytes
//! each) that workers can process independently. A line longer than `max_line` is never held
//! whole: it is cut into `Long` pieces at bytes that cannot be part of an address literal, so the
//! address finder sees every literal whole, and the cut pieces are scrubbed like the rest.
//! Memory is bounded by `chunk` and `max_line`, whatever the input.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::anonymize::scan::is_cut_byte;

/// Where input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-` or no FILE).
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Source {
    /// The name used in messages (`<stdin>` or the path).
    pub fn display(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".into(),
            Source::Path(p) => p.display().to_string(),
        }
    }
}

pub use crate::codec::Compression;

/// Errors opening or reading input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot open {path}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path} is {what}-compressed, which logscrub does not read or write; it was left as it is (decompress it and pipe it in: `{tool} {path} | logscrub COMMAND ...`)"
    )]
    Unsupported {
        path: String,
        what: &'static str,
        tool: &'static str,
    },
}

/// An opened, decompressing input.
pub struct Input {
    /// Decompressed bytes.
    pub reader: Box<dyn Read + Send>,
    /// What the sniffing found.
    pub compression: Compression,
}

/// A reader that counts the bytes it passes on (raw file bytes, before decompression), for a
/// progress display that reads the counter from another thread.
struct Counted<R> {
    inner: R,
    n: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n
            .fetch_add(k as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(k)
    }
}

/// A reader that ends what it passes on with a newline when the inner reader's last byte is not
/// one: inputs written one after another into one output (`anonymize a.log b.log`) stay apart,
/// where a first file's last line without its newline (a log cut by `copytruncate`) was joined to
/// the next file's first line, an address split over the two made whole again.
pub struct EndLine<R> {
    inner: R,
    /// The last byte passed on (`\n` before the first: an empty input stays empty).
    last: u8,
    done: bool,
}

impl<R> EndLine<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        EndLine {
            inner,
            last: b'\n',
            done: false,
        }
    }
}

impl<R: Read> Read for EndLine<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let k = self.inner.read(buf)?;
        if k > 0 {
            self.last = buf[k - 1];
            return Ok(k);
        }
        self.done = true;
        if self.last == b'\n' {
            return Ok(0);
        }
        buf[0] = b'\n';
        Ok(1)
    }
}

/// Opens a source and sniffs its compression from the first bytes.
pub fn open(source: &Source) -> Result<Input, InputError> {
    open_counted(source, None)
}

/// [`open`], adding the raw bytes read to `counter` as they are read.
pub fn open_counted(
    source: &Source,
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
) -> Result<Input, InputError> {
    let name = source.display();
    let open_err = |source| InputError::Open {
        path: name.clone(),
        source,
    };
    let file: Box<dyn Read + Send> = match source {
        Source::Stdin => {
            // A pipe holds 64 KiB by default: the writer then waits on every few reads. A
            // larger one (up to the system's limit; not a pipe: nothing happens) lets it run
            // ahead while a batch is processed.
            #[cfg(any(target_os = "linux", target_os = "android"))]
            let _ = rustix::pipe::fcntl_setpipe_size(io::stdin(), 1 << 20);
            Box::new(io::stdin())
        }
        Source::Path(p) => Box::new(File::open(p).map_err(open_err)?),
    };
    let raw: Box<dyn Read + Send> = match counter {
        Some(n) => Box::new(Counted { inner: file, n }),
        None => file,
    };
    sniff(raw).map_err(|e| match e {
        SniffError::Io(e) => open_err(e),
        SniffError::Unsupported(what, tool) => InputError::Unsupported {
            path: name.clone(),
            what,
            tool,
        },
    })
}

/// Bytes read to recognise a compressed file (the longest magic below: lzop's nine).
const MAGIC_LEN: usize = 9;

/// Compressed and archive formats logscrub does not read: magic bytes, name, the command that
/// writes the content to stdout.
const REFUSED: &[(&[u8], &str, &str)] = &[
    (&[0x04, 0x22, 0x4d, 0x18], "lz4", "lz4 -dc"),
    (&[0x02, 0x21, 0x4c, 0x18], "lz4 (legacy)", "lz4 -dc"),
    (b"LZIP", "lzip", "lzip -dc"),
    (
        &[0x89, b'L', b'Z', b'O', 0, 0x0d, 0x0a, 0x1a, 0x0a],
        "lzop",
        "lzop -dc",
    ),
    (&[0x1f, 0x9d], "compress (.Z)", "uncompress -c"),
    (&[0x1f, 0xa0], "compress (LZH)", "gzip -dc"),
    (&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], "7z", "7z x -so"),
    (b"PK\x03\x04", "zip", "unzip -p"),
];

enum SniffError {
    Io(io::Error),
    Unsupported(&'static str, &'static str),
}

fn sniff(mut raw: Box<dyn Read + Send>) -> Result<Input, SniffError> {
    let mut head = Vec::with_capacity(MAGIC_LEN);
    (&mut raw)
        .take(MAGIC_LEN as u64)
        .read_to_end(&mut head)
        .map_err(SniffError::Io)?;
    let rest: Box<dyn Read + Send> = Box::new(Cursor::new(head.clone()).chain(raw));
    let kind = if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Compression::Xz
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        Compression::Bzip2
    } else {
        Compression::None
    };
    if kind != Compression::None {
        return Ok(Input {
            reader: crate::codec::decoder(kind, rest).map_err(SniffError::Io)?,
            compression: kind,
        });
    }
    // Read as text, a compressed file would come out as garbage, and `--in-place` would replace
    // it with that: every format logscrub cannot decompress and write back is refused before
    // anything is written.
    if let Some(&(_, what, tool)) = REFUSED.iter().find(|(magic, ..)| head.starts_with(magic)) {
        return Err(SniffError::Unsupported(what, tool));
    }
    Ok(Input {
        reader: Box::new(rest),
        compression: Compression::None,
    })
}

/// The 1-based line and column (in characters) of byte `at` of `text`: where a configuration
/// error is.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Most bytes of a rule or policy file: they are written by hand.
pub const CONFIG_MAX: u64 = 1 << 20;

/// Most bytes of a statistics state (10 million labels of a panel fit).
pub const STATE_MAX: u64 = 1 << 30;

/// Reads a whole small file (a rule file, a policy, a state), refusing one larger than `max`
/// bytes, device or pipe alike, one that holds a NUL byte (no text does: `/dev/zero` is refused
/// after its first block, never read to the limit), and one that is not UTF-8. The error says why.
pub fn read_text(path: &Path, max: u64) -> io::Result<String> {
    let mut f = File::open(path)?;
    let bad = |msg: String| io::Error::new(io::ErrorKind::InvalidData, msg);
    let too_big = || {
        bad(format!(
            "larger than {max} bytes, more than such a file may have"
        ))
    };
    if f.metadata()?.len() > max {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    let mut block = vec![0u8; 64 << 10];
    loop {
        let n = match f.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if memchr::memchr(0, &block[..n]).is_some() {
            return Err(bad("not a text file (it holds NUL bytes)".into()));
        }
        buf.extend_from_slice(&block[..n]);
        if buf.len() as u64 > max {
            return Err(too_big());
        }
    }
    String::from_utf8(buf).map_err(|_| bad("not UTF-8 text".into()))
}

/// Sniffs the compression of a file without keeping it open.
pub fn sniff_path(path: &Path) -> Result<Compression, InputError> {
    open(&Source::Path(path.to_owned())).map(|i| i.compression)
}

/// What a piece holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Whole lines; the last may lack its newline only at the end of input.
    Lines,
    /// A part of a line longer than `max_line`.
    Long {
        /// The byte before this part (for the address finder's context).
        prev: u8,
        /// This is the line's first part.
        first: bool,
        /// This part ends the line.
        last: bool,
    },
}

/// A unit of work: bytes plus what they are.
#[derive(Debug)]
pub struct Piece {
    /// The bytes, line endings included.
    pub data: Vec<u8>,
    /// What they are.
    pub kind: PieceKind,
    /// The last directive line before this piece when the chunker follows one
    /// ([`Chunker::follow`]: W3C's `#Fields:`), without its line end; `None` when there was none.
    pub header: Option<Arc<[u8]>>,
}

/// Cuts a byte stream into [`Piece`]s; see the module documentation.
pub struct Chunker<R> {
    r: R,
    chunk: usize,
    max_line: usize,
    carry: Vec<u8>,
    eof: bool,
    /// Inside a long line: the byte before the next part.
    long_prev: Option<u8>,
    queue: VecDeque<Piece>,
    free: Vec<Vec<u8>>,
    /// Decompressed bytes read so far.
    pub bytes_read: u64,
    /// The prefix of directive lines to follow ([`Chunker::follow`]).
    directive: Option<&'static [u8]>,
    /// The last such line seen.
    current: Option<Arc<[u8]>>,
}

/// Longest address literal the finder can match (percent-encoded IPv6 with a dotted tail), and
/// then some; `max_line` is never below twice this.
const MAX_LITERAL: usize = 128;

impl<R: Read> Chunker<R> {
    /// A chunker aiming at `chunk`-byte pieces, cutting lines longer than `max_line`.
    pub fn new(r: R, chunk: usize, max_line: usize) -> Self {
        let max_line = max_line.max(2 * MAX_LITERAL);
        Chunker {
            r,
            chunk: chunk.max(1),
            max_line,
            carry: Vec::new(),
            eof: false,
            long_prev: None,
            queue: VecDeque::new(),
            free: Vec::new(),
            bytes_read: 0,
            directive: None,
            current: None,
        }
    }

    /// From now on, hands each piece of whole lines the last line before it that starts with
    /// `prefix` ([`Piece::header`]), pieces already read but not yet taken included. A format whose
    /// lines are read by an earlier directive (W3C's `#Fields:`) is then parsed piece by piece in
    /// parallel with the same result as line by line. A directive line longer than the longest
    /// line (cut into parts) is not followed.
    pub fn follow(&mut self, prefix: &'static [u8]) {
        self.directive = Some(prefix);
        let mut queue = std::mem::take(&mut self.queue);
        for p in &mut queue {
            self.mark(p);
        }
        self.queue = queue;
    }

    /// Gives `p` the directive in effect before it and notes the last one in it.
    fn mark(&mut self, p: &mut Piece) {
        let Some(prefix) = self.directive else {
            return;
        };
        if p.kind != PieceKind::Lines {
            return;
        }
        p.header = self.current.clone();
        let d = &p.data[..];
        // The last occurrence of the prefix that starts a line.
        let last = memchr::memmem::find_iter(d, prefix)
            .filter(|&j| j == 0 || d[j - 1] == b'\n')
            .last();
        if let Some(a) = last {
            let end = memchr::memchr(b'\n', &d[a..]).map_or(d.len(), |k| a + k);
            let line = &d[a..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            self.current = Some(line.into());
        }
    }

    /// Gives a piece's buffer back for reuse.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.free.len() < 16 && buf.capacity() <= 2 * self.chunk.max(self.max_line) {
            buf.clear();
            self.free.push(buf);
        }
    }

    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        while buf.len() < want && !self.eof {
            let need = (want - buf.len()) as u64;
            let n = (&mut self.r).take(need).read_to_end(buf)?;
            if n == 0 {
                self.eof = true;
            }
            self.bytes_read += n as u64;
        }
        Ok(())
    }

    /// Moves `buf[at..]` into the carry for the next piece and truncates `buf` to `at`.
    fn keep_tail(&mut self, buf: &mut Vec<u8>, at: usize) {
        self.carry.clear();
        self.carry.extend_from_slice(&buf[at..]);
        buf.truncate(at);
    }

    /// The next piece without taking it (for format detection).
    pub fn peek(&mut self) -> io::Result<Option<&Piece>> {
        if self.queue.is_empty()
            && let Some(p) = self.next_piece()?
        {
            self.queue.push_back(p);
        }
        Ok(self.queue.front())
    }

    /// The next piece, or `None` at the end of input.
    pub fn next_piece(&mut self) -> io::Result<Option<Piece>> {
        if let Some(p) = self.queue.pop_front() {
            return Ok(Some(p));
        }
        let mut p = self.cut()?;
        if let Some(p) = &mut p {
            self.mark(p);
        }
        Ok(p)
    }

    fn cut(&mut self) -> io::Result<Option<Piece>> {
        let mut buf = self
            .free
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(self.chunk + 4096));
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        self.fill(&mut buf, self.chunk)?;
        if buf.is_empty() {
            return Ok(None);
        }
        if let Some(prev) = self.long_prev {
            return Ok(Some(self.long_part(buf, prev, false)));
        }
        // Whole lines, unless the line never ends within max_line.
        let mut scanned = 0;
        loop {
            if let Some(j) = memchr::memrchr(b'\n', &buf[scanned..]) {
                let cut = scanned + j + 1;
                self.keep_tail(&mut buf, cut);
                return Ok(Some(Piece {
                    data: buf,
                    kind: PieceKind::Lines,
                    header: None,
                }));
            }
            if self.eof {
                return Ok(Some(Piece {
                    data: buf,
                    kind: PieceKind::Lines,
                    header: None,
                }));
            }
            if buf.len() >= self.max_line {
                return Ok(Some(self.long_part(buf, b'\n', true)));
            }
            scanned = buf.len();
            let want = (buf.len() + self.chunk).min(self.max_line);
            self.fill(&mut buf, want)?;
        }
    }

    /// Emits a part of a long line from `buf`, which starts inside (or at) that line.
    fn long_part(&mut self, mut buf: Vec<u8>, prev: u8, first: bool) -> Piece {
        let end = memchr::memchr(b'\n', &buf);
        if let Some(j) = end {
            // The long line ends here; what follows is ordinary lines for the next call.
            self.keep_tail(&mut buf, j + 1);
        }
        if end.is_some() || self.eof {
            self.long_prev = None;
            return Piece {
                data: buf,
                kind: PieceKind::Long {
                    prev,
                    first,
                    last: true,
                },
                header: None,
            };
        }
        // Cut after the last byte that cannot belong to an address literal, so no literal is
        // split. Only a line whose last `max_line` bytes are all address bytes (`0-9a-f:.%`) is
        // cut inside such a run: a documented limit, since no log writes a megabyte of those.
        let cut = buf
            .iter()
            .rposition(|&b| is_cut_byte(b))
            .map_or(buf.len(), |k| k + 1);
        self.keep_tail(&mut buf, cut);
        self.long_prev = Some(*buf.last().expect("a long part is never empty"));
        Piece {
            data: buf,
            kind: PieceKind::Long {
                prev,
                first,
                last: false,
            },
            header: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pieces(data: &[u8], chunk: usize, max_line: usize) -> Vec<Piece> {
        let mut c = Chunker::new(data, chunk, max_line);
        let mut v = Vec::new();
        while let Some(p) = c.next_piece().unwrap() {
            v.push(p);
        }
        assert_eq!(c.bytes_read, data.len() as u64);
        v
    }

    #[test]
    fn end_line_adds_a_missing_last_newline_only() {
        for (data, want) in [
            (&b""[..], &b""[..]),
            (b"a\n", b"a\n"),
            (b"a", b"a\n"),
            (b"a\nb", b"a\nb\n"),
            (b"a\r\n", b"a\r\n"),
        ] {
            let mut out = Vec::new();
            EndLine::new(data).read_to_end(&mut out).unwrap();
            assert_eq!(out, want);
        }
    }

    #[test]
    fn each_piece_carries_the_last_directive_before_it() {
        let data = b"#Fields: a\nx\ny\n#Fields: b c\r\nz #Fields: no\n#Fields: d\nw\n";
        for chunk in 1..data.len() + 2 {
            let mut c = Chunker::new(&data[..], chunk, 1 << 20);
            // Followed after a peek, as format detection does.
            c.peek().unwrap();
            c.follow(b"#Fields:");
            let mut at = 0;
            while let Some(p) = c.next_piece().unwrap() {
                let before = &data[..at];
                let want = before
                    .split(|&b| b == b'\n')
                    .take(before.split(|&b| b == b'\n').count() - 1)
                    .filter(|l| l.starts_with(b"#Fields:"))
                    .last()
                    .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
                assert_eq!(p.header.as_deref(), want, "chunk {chunk} at {at}");
                at += p.data.len();
            }
        }
    }

    #[test]
    fn pieces_concatenate_to_the_input_and_end_at_line_ends() {
        let data = b"a\nbb\nccc\n\ndddd\nlast-no-newline";
        for chunk in 1..12 {
            let ps = pieces(data, chunk, 1 << 20);
            let joined: Vec<u8> = ps.iter().flat_map(|p| p.data.clone()).collect();
            assert_eq!(joined, data);
            for p in &ps[..ps.len() - 1] {
                assert_eq!(p.data.last(), Some(&b'\n'));
                assert_eq!(p.kind, PieceKind::Lines);
            }
        }
    }

    #[test]
    fn long_lines_are_cut_at_non_address_bytes() {
        let mut line = Vec::new();
        for i in 0..5000 {
            write!(line, "x 192.0.2.{} 2001:db8::{:x} ", i % 256, i).unwrap();
        }
        let mut data = line.clone();
        data.extend_from_slice(b"\nshort 192.0.2.1\n");
        let ps = pieces(&data, 1000, 4096);
        let joined: Vec<u8> = ps.iter().flat_map(|p| p.data.clone()).collect();
        assert_eq!(joined, data);
        let longs: Vec<&Piece> = ps
            .iter()
            .filter(|p| matches!(p.kind, PieceKind::Long { .. }))
            .collect();
        assert!(longs.len() > 10);
        assert!(matches!(
            longs[0].kind,
            PieceKind::Long {
                first: true,
                prev: b'\n',
                ..
            }
        ));
        assert!(matches!(
            longs.last().unwrap().kind,
            PieceKind::Long { last: true, .. }
        ));
        for w in longs.windows(2) {
            let PieceKind::Long { prev, .. } = w[1].kind else {
                unreachable!()
            };
            assert_eq!(prev, *w[0].data.last().unwrap());
            assert!(is_cut_byte(prev), "cut inside an address run");
            assert!(w[0].data.len() <= 4096 + 1000);
        }
        assert_eq!(ps.last().unwrap().data, b"short 192.0.2.1\n");
    }

    #[test]
    fn multi_member_and_refusals() {
        let gz = |s: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(s).unwrap();
            e.finish().unwrap()
        };
        let mut two = gz(b"one\n");
        two.extend(gz(b"two\n"));
        let mut i = sniff(Box::new(Cursor::new(two))).ok().unwrap();
        assert_eq!(i.compression, Compression::Gzip);
        let mut s = String::new();
        i.reader.read_to_string(&mut s).unwrap();
        assert_eq!(s, "one\ntwo\n");
        for (magic, what) in [
            (&[0x04u8, 0x22, 0x4d, 0x18, 0, 0][..], "lz4"),
            (b"LZIP\x01", "lzip"),
            (b"PK\x03\x04xx", "zip"),
        ] {
            match sniff(Box::new(Cursor::new(magic.to_vec()))) {
                Err(SniffError::Unsupported(w, _)) => assert_eq!(w, what),
                _ => panic!("{what} must be refused"),
            }
        }
        let mut i = sniff(Box::new(Cursor::new(b"ab".to_vec()))).ok().unwrap();
        let mut s = String::new();
        i.reader.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), i.compression), ("ab", Compression::None));
    }
}
