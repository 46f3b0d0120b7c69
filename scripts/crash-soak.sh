#!/usr/bin/env bash
# The crash-safety soak: the SIGKILL test of tests/run.rs with many trials (default 300), on a
# release build so kills land across more of the work. Each trial kills `logscrub run` and
# `logscrub anonymize --in-place` at a random moment and checks that every file is the complete
# original or the complete anonymized version, and that the next run finishes the work without
# anonymizing anything twice. A failure prints the seed.
#   scripts/crash-soak.sh [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
LOGSCRUB_CRASH_TRIALS="${1:-300}" cargo test --release --test run sigkill -- --nocapture
