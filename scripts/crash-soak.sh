#!/usr/bin/env bash
# The crash-safety soak: the kill tests of tests/integration/run.rs with many trials (default 300), on a
# release build and on files of about 20 MB (LOGSCRUB_CRASH_REPEAT, the fixture repeated), so
# kills land mid-write. Each trial kills `logscrub run` (SIGKILL) and `logscrub anonymize
# --in-place` (SIGKILL and SIGTERM in turn) at a random moment and checks that every file is the
# complete original or the complete anonymized version, that SIGTERM leaves no temporary file
# and SIGKILL at most the one in flight, and that the next run finishes the work without
# anonymizing anything twice; the statistics test kills runs that count and checks every file is
# counted exactly once. A failure prints the seed.
#   scripts/crash-soak.sh [TRIALS] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
LOGSCRUB_CRASH_TRIALS="${1:-300}" LOGSCRUB_CRASH_REPEAT="${2:-320}" \
  cargo test --release --test integration run:: -- sigkill killed --nocapture
