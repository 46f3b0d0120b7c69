//! Countries and networks (`stats --geoip FILE.mmdb`): each client's full address is looked up in
//! operator-supplied MaxMind DB files (GeoLite2 Country, City or ASN, DB-IP's lite databases)
//! before anything is truncated, and counted as a country (`DE`) and an autonomous system
//! (`AS64496 Example Net`) in the `country` and `network` panels, where K applies as to any
//! label. Nothing of the address is kept; a client the databases do not know is `(unknown)`.

use std::net::IpAddr;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// The fields read of a record (GeoIP2 and GeoLite2 names; DB-IP uses the same).
#[derive(Deserialize, Default)]
struct Record<'a> {
    #[serde(borrow, default)]
    country: Option<Country<'a>>,
    #[serde(default)]
    autonomous_system_number: Option<u32>,
    #[serde(borrow, default)]
    autonomous_system_organization: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct Country<'a> {
    #[serde(borrow, default)]
    iso_code: Option<&'a str>,
}

/// The label of a client no database knows.
pub const UNKNOWN: &str = "(unknown)";

/// Open MaxMind DB files, read into memory.
pub struct Geo {
    readers: Vec<maxminddb::Reader<Vec<u8>>>,
}

impl std::fmt::Debug for Geo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Geo({} databases)", self.readers.len())
    }
}

impl Geo {
    /// Opens each file; an error names the file and what is wrong with it.
    pub fn open(paths: &[impl AsRef<Path>]) -> anyhow::Result<Geo> {
        let mut readers = Vec::new();
        for p in paths {
            let p = p.as_ref();
            let bytes = std::fs::read(p).with_context(|| format!("--geoip {}", p.display()))?;
            let r = maxminddb::Reader::from_source(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "--geoip {}: not a MaxMind DB file ({e}); give a GeoLite2 or DB-IP .mmdb",
                    p.display()
                )
            })?;
            readers.push(r);
        }
        Ok(Geo { readers })
    }

    /// The country code and the autonomous-system label of `ip`, from the first database that
    /// has each.
    pub fn lookup(&self, ip: IpAddr) -> (String, String) {
        let (mut country, mut network) = (None, None);
        for r in &self.readers {
            let Ok(found) = r.lookup(ip) else {
                continue; // an IPv6 client in an IPv4-only database
            };
            let Ok(Some(rec)) = found.decode::<Record<'_>>() else {
                continue;
            };
            if country.is_none() {
                country = rec.country.and_then(|c| c.iso_code).map(str::to_string);
            }
            if network.is_none() {
                network = rec.autonomous_system_number.map(|n| {
                    match rec.autonomous_system_organization.filter(|o| !o.is_empty()) {
                        Some(org) => format!("AS{n} {org}"),
                        None => format!("AS{n}"),
                    }
                });
            }
        }
        (
            country.unwrap_or_else(|| UNKNOWN.into()),
            network.unwrap_or_else(|| UNKNOWN.into()),
        )
    }
}
