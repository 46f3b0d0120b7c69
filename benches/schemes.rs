//! Cost of one address under each standard scheme, without the per-worker memo (distinct
//! addresses): what a cache miss costs. Throughput is in addresses' bytes (4 or 16 per address).
//! The whole-process figures with memoization are in benches/throughput.sh.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use logscrub::anonymize::crypto::{CryptoPan, Det, Ipcipher, Kiasu, Ndx, Pfx, to16};

fn benches(c: &mut Criterion) {
    let k32: [u8; 32] = std::array::from_fn(|i| i as u8 * 7 + 3);
    let k16: [u8; 16] = std::array::from_fn(|i| i as u8 * 5 + 1);
    let v4: Vec<Ipv4Addr> = (0..1024u32)
        .map(|i| Ipv4Addr::from(0xc000_0200u32.wrapping_add(i.wrapping_mul(2_654_435_761))))
        .collect();
    let v6: Vec<Ipv6Addr> = (0..1024u128)
        .map(|i| Ipv6Addr::from((0x2001_0db8_u128 << 96) | (i * 0x9e37_79b9_7f4a_7c15)))
        .collect();
    let (cp, pfx, det, nd, ndx, ipc) = (
        CryptoPan::new(&k32),
        Pfx::new(&k32),
        Det::new(&k16),
        Kiasu::new(&k16),
        Ndx::new(&k32),
        Ipcipher::new(&k16),
    );
    assert_ne!(cp.v4(v4[0]), v4[0]);

    let mut g = c.benchmark_group("schemes-uncached");
    g.sample_size(20);
    g.throughput(Throughput::Elements(v4.len() as u64));
    g.bench_function("cryptopan/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| u32::from(cp.v4(black_box(*a))))
                .fold(0, u32::wrapping_add)
        })
    });
    g.bench_function("ipcrypt-pfx/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| pfx.encrypt(to16(IpAddr::V4(black_box(*a))))[15])
                .fold(0, u8::wrapping_add)
        })
    });
    g.bench_function("ipcrypt-det/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| det.encrypt(to16(IpAddr::V4(black_box(*a))))[15])
                .fold(0, u8::wrapping_add)
        })
    });
    g.bench_function("ipcrypt-nd/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| nd.encrypt(&[1; 8], to16(IpAddr::V4(black_box(*a))))[15])
                .fold(0, u8::wrapping_add)
        })
    });
    g.bench_function("ipcrypt-ndx/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| ndx.encrypt(&[1; 16], to16(IpAddr::V4(black_box(*a))))[15])
                .fold(0, u8::wrapping_add)
        })
    });
    g.bench_function("ipcipher/v4", |b| {
        b.iter(|| {
            v4.iter()
                .map(|a| u32::from(ipc.v4(black_box(*a))))
                .fold(0, u32::wrapping_add)
        })
    });
    g.throughput(Throughput::Elements(v6.len() as u64));
    g.bench_function("cryptopan/v6", |b| {
        b.iter(|| {
            v6.iter()
                .map(|a| u128::from(cp.v6(black_box(*a))))
                .fold(0, u128::wrapping_add)
        })
    });
    g.bench_function("ipcrypt-pfx/v6", |b| {
        b.iter(|| {
            v6.iter()
                .map(|a| pfx.encrypt(black_box(a.octets()))[15])
                .fold(0, u8::wrapping_add)
        })
    });
    g.finish();
}

criterion_group!(schemes, benches);
criterion_main!(schemes);
