//! Every DNS format (and the collector wrappers) on arbitrary bytes: the first byte picks the
//! server. No panic; every span in bounds; the line's anonymized form has as many lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::Fields;
use logscrub::format::dns::SERVERS;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, line)) = data.split_first() else { return };
    let (_, server, _) = SERVERS[pick as usize % SERVERS.len()];
    let mut f = Fields::default();
    if server.parse(line, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= line.len()));
    }
});
