#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) and prints a summary line per target.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets the stable toolchain
# accept the sanitizer flags cargo-fuzz passes.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
targets=$(cargo fuzz list)
status=0
for t in $targets; do
    log=$(mktemp)
    # The working corpus grows in corpus/ (not committed); seeds/ holds a few committed
    # hand-written starting points for targets whose inputs are hard to stumble upon.
    dirs=("corpus/$t")
    mkdir -p "corpus/$t"
    if [ -d "seeds/$t" ]; then dirs+=("seeds/$t"); fi
    if cargo fuzz run -O "$t" "${dirs[@]}" -- -max_total_time="$seconds" >"$log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
        echo "$t: ${runs:-ran} in ${seconds}s, no crash"
    else
        echo "$t: CRASH (see fuzz/artifacts/$t/); last lines:"
        tail -20 "$log"
        status=1
    fi
    rm -f "$log"
done
exit $status
