//! The line scanners that are no templates, on arbitrary bytes: JSON lines (every recorded field),
//! Squid's native format, Amazon's ELB, ALB, S3 and CloudFront logs, Google Cloud Storage's and HAProxy's, and W3C
//! extended lines (the input split into lines read in order, so `#Fields:` directives change the
//! columns of the lines after them). No panic, every span in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::aws::Aws;
use logscrub::format::{Fields, cloudfront, gcs, haproxy, json, squid, w3c};

fuzz_target!(|data: &[u8]| {
    let mut f = Fields::default();
    if json::parse(data, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
    }
    let mut f = Fields::default();
    if squid::parse(data, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
    }
    let mut f = Fields::default();
    if cloudfront::parse(data, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
    }
    let mut f = Fields::default();
    if gcs::parse(data, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
    }
    let mut f = Fields::default();
    if haproxy::parse(data, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
    }
    let mut f = Fields::default();
    for line in data.split(|&b| b == b'\n') {
        f.clear();
        if w3c::parse(line, &mut f).is_ok() {
            assert!(f.iter().all(|(_, a, b)| a <= b && b <= line.len()));
        }
    }
    for aws in [Aws::Elb, Aws::Alb, Aws::S3] {
        let mut f = Fields::default();
        if aws.parse(data, &mut f).is_ok() {
            assert!(f.iter().all(|(_, a, b)| a <= b && b <= data.len()));
        }
    }
});
