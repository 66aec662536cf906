#!/usr/bin/env bash
# The full gateway fault soak: `discord listen` against `discord sandbox` with SOAK_FAULTS
# random faults (default 1000). Prints: faults injected, dispatches, lost, duplicated,
# identifies, resumes, peak RSS. See tests/soak.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_FAULTS=${SOAK_FAULTS:-1000}
exec cargo test --release --test soak -- --ignored --nocapture soak_long
