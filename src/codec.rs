//! The compressions logscrub reads and writes back: gzip, zstd, xz and bzip2, the ones logrotate's
//! `compresscmd` and journal exports write. Input is recognised by its magic bytes
//! (`crate::input`); output is written as independent streams of the same kind, one per piece,
//! compressed by the workers in parallel: a gzip file of several members, a zstd file of several
//! frames, an xz file of several streams and a bzip2 file of several streams are each one valid
//! file that every reader of the kind (`zcat`, `zstd -d`, `xz -d`, `bzip2 -d`) reads whole.
//!
//! Crates: gzip is read by flate2 on zlib-rs (pure Rust, as fast as zlib-ng) and written by
//! libdeflate (`libdeflater`: a piece is compressed whole, at about twice zlib's speed at the
//! same level, and a little smaller; at the default level 4, 3.8-4.4x `gzip -dc F.gz | gzip` in
//! place on 2 cores, where zlib-rs at 6 made 2.6x: issue 23, and `crate::defaults::GZIP_LEVEL`
//! for the sizes); `zstd`, the bindings of the reference C library (frames and levels exactly as
//! the `zstd` tool writes them); `liblzma`, the maintained fork of xz2, built from xz's own
//! source; `bzip2` on libbz2-rs-sys, a pure Rust port of libbzip2 that writes the same streams.

use std::io::{self, Read, Write};
use std::path::Path;

/// A compression found by sniffing, or asked for by a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip (one or more members).
    Gzip,
    /// zstd (one or more frames).
    Zstd,
    /// xz (one or more streams).
    Xz,
    /// bzip2 (one or more streams).
    Bzip2,
}

impl Compression {
    /// Its name, as the tool is called.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
        }
    }

    /// The compression a file name asks for by its extension (`.gz`, `.zst`, `.xz`, `.bz2`).
    pub fn of_name(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Compression::Gzip,
            Some("zst") => Compression::Zstd,
            Some("xz") => Compression::Xz,
            Some("bz2") => Compression::Bzip2,
            _ => Compression::None,
        }
    }
}

/// How output is compressed: the kind and, for gzip, the level (`--gzip-level`). The other
/// kinds use their tool's default level (zstd 3, xz 6, bzip2 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codec {
    /// The kind (never [`Compression::None`]).
    pub kind: Compression,
    /// gzip's level, 1 to 9.
    pub gzip_level: u32,
}

/// The largest xz dictionary used: a piece is compressed alone, so a larger one than the piece
/// only costs memory (preset 6 asks for 8 MiB and ~94 MB per encoder).
const XZ_DICT: u32 = 1 << 20;

impl Codec {
    /// The codec for `kind`, none for plain text.
    pub fn new(kind: Compression, gzip_level: u32) -> Option<Codec> {
        (kind != Compression::None).then_some(Codec { kind, gzip_level })
    }

    /// `data` as one complete stream of the kind (also for empty `data`: an empty file is no
    /// valid compressed file, one empty stream is).
    pub fn compress(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        let r = match self.kind {
            Compression::None => {
                out.extend_from_slice(data);
                Ok(())
            }
            Compression::Gzip => {
                // libdeflate compresses a whole buffer at once (a piece is one): about twice
                // zlib's speed at the same level, in the same format.
                gzip_compress(self.gzip_level, data, &mut out);
                Ok(())
            }
            Compression::Zstd => zstd::stream::copy_encode(data, &mut out, 3),
            Compression::Xz => xz_encoder().and_then(|stream| {
                let mut e = liblzma::write::XzEncoder::new_stream(&mut out, stream);
                e.write_all(data).and_then(|()| e.finish().map(drop))
            }),
            Compression::Bzip2 => {
                let mut e = bzip2::write::BzEncoder::new(&mut out, bzip2::Compression::new(9));
                e.write_all(data).and_then(|()| e.finish().map(drop))
            }
        };
        r.expect("compressing into memory cannot fail");
        out
    }
}

/// `data` as one gzip member at `level`, appended to `out`. Each worker thread keeps its
/// compressor: libdeflate allocates one with its match finder's tables (hundreds of KiB, fresh
/// pages from the system each time), 3-5 % of an in-place run when made per piece.
fn gzip_compress(level: u32, data: &[u8], out: &mut Vec<u8>) {
    type Kept = Option<(u32, libdeflater::Compressor, Vec<u8>)>;
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Kept> = const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|kept| {
        if kept.as_ref().is_none_or(|(l, _, _)| *l != level) {
            let lvl = libdeflater::CompressionLvl::new(level as i32).unwrap_or_default();
            *kept = Some((level, libdeflater::Compressor::new(lvl), Vec::new()));
        }
        let (_, c, room) = kept.as_mut().expect("set above");
        // libdeflate writes into a slice as long as its bound: a kept one is zeroed once, not
        // per piece (the compressed member is an eighth of it).
        let bound = c.gzip_compress_bound(data.len());
        if room.len() < bound {
            room.resize(bound, 0);
        }
        let n = c
            .gzip_compress(data, room)
            .expect("the bound is enough room");
        out.extend_from_slice(&room[..n]);
    });
}

/// A reader of the decompressed bytes of `raw`, compressed as `kind`: every member, frame or
/// stream, one after another, as the tools read them.
pub fn decoder(kind: Compression, raw: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let buffered = io::BufReader::with_capacity(256 * 1024, raw);
    Ok(match kind {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(Said {
            inner: flate2::read::MultiGzDecoder::new(buffered),
            what: "gzip",
        }),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
        Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
    })
}

/// A decoder whose errors say what they may mean: flate2 reports bytes after the last gzip
/// member that are no gzip (`(cat a.gz; echo x) > b.gz`) as "unexpected end of file", which
/// reads as a truncated file only.
struct Said<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Read for Said<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{} data: {e} (the file is cut short, damaged, or has bytes after its last member that are not {})",
                        self.what, self.what
                    ),
                )
            }
            _ => e,
        })
    }
}

/// An xz stream encoder at preset 6 (xz's default) with a dictionary no larger than a piece.
fn xz_encoder() -> io::Result<liblzma::stream::Stream> {
    let mut opts = liblzma::stream::LzmaOptions::new_preset(6)?;
    opts.dict_size(XZ_DICT);
    let mut filters = liblzma::stream::Filters::new();
    filters.lzma2(&opts);
    Ok(liblzma::stream::Stream::new_stream_encoder(
        &filters,
        liblzma::stream::Check::Crc64,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streams of one kind written one after another decode as one file, by the decoders
    /// `crate::input` uses; and an empty stream is valid.
    #[test]
    fn concatenated_streams_decode_whole() {
        let a = b"first 192.0.2.0 line\n".repeat(1000);
        let b = b"second line\n".to_vec();
        for kind in [
            Compression::Gzip,
            Compression::Zstd,
            Compression::Xz,
            Compression::Bzip2,
        ] {
            let c = Codec::new(kind, 6).unwrap();
            let mut file = c.compress(&a);
            file.extend(c.compress(b""));
            file.extend(c.compress(&b));
            let mut back = Vec::new();
            decoder(kind, Box::new(std::io::Cursor::new(file)))
                .unwrap()
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, [&a[..], &b[..]].concat(), "{}", kind.name());
        }
    }

    /// The compressor a thread keeps answers as a fresh one at each level, a large piece after
    /// a small one and a level after another (its room grows; it is replaced with the level).
    #[test]
    fn kept_gzip_compressor_writes_as_a_fresh_one() {
        let small = b"192.0.2.0 - - \"GET / HTTP/1.1\" 200\n".repeat(10);
        let large: Vec<u8> = (0..40_000u32)
            .flat_map(|i| format!("line {i} {}\n", i * 7919 % 1000).into_bytes())
            .collect();
        for (level, data) in [
            (4, &small),
            (4, &large),
            (1, &small),
            (9, &large),
            (4, &large),
        ] {
            let mut fresh = libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(level as i32).unwrap(),
            );
            let mut want = vec![0; fresh.gzip_compress_bound(data.len())];
            let n = fresh.gzip_compress(data, &mut want).unwrap();
            want.truncate(n);
            let got = Codec::new(Compression::Gzip, level).unwrap().compress(data);
            assert_eq!(got, want, "level {level}, {} bytes", data.len());
        }
    }
}
