#!/usr/bin/env bash
# Runs every benchmark (asyncio vs raw async-std vs tokio vs Python asyncio) and regenerates
# docs/performance.md.
#
#   scripts/bench.sh [--large] [--rounds R] [--io | --no-io]
#
# The Rust comparison runs twice: once with ours on the async-std backend (the default build),
# once with ours on the smol backend (`--no-default-features --features smol`, features of the
# benchmark package asyncio-benches, benches/Cargo.toml, which holds the baselines); the baselines
# (raw async-std, tokio) are the same in both. Both passes use the same rounds. --large adds
# N = 1,000,000 (~15 min in all on a 2-core machine, Python most of it); --rounds sets the rounds at
# N = 10,000 (default 11; at 1M, a third of that, at most 3). The raw JSON of the run is kept in
# $CARGO_TARGET_DIR/bench-results/ (default target/): rust.json (async-std backend),
# rust-smol.json (smol backend), python.json. Needs cargo and python3; with
# valgrind installed it also regenerates the instruction counts (scripts/bench_callgrind.py).
#
# The I/O benchmark (benches/io.rs: a loopback TCP echo at 100, 1,000 and 5,000 connections, ours
# vs tokio vs raw async-std, 3 rounds, ~5 min per backend on 2 cores) runs after them, for both
# backends, and writes the "Real I/O" block of docs/performance.md (scripts/bench_io_report.py;
# raw JSON: io.json, io-smol.json). `--io` runs only it; `--no-io` skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

large=()
rounds=11
io=yes
tasks=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --large) large=(--large) ;;
        --rounds) rounds="$2"; shift ;;
        --io) tasks=no ;;
        --no-io) io=no ;;
        *) echo "usage: scripts/bench.sh [--large] [--rounds R] [--io | --no-io]" >&2; exit 2 ;;
    esac
    shift
done

target="${CARGO_TARGET_DIR:-target}"
out="$target/bench-results"
mkdir -p "$out"

# The benchmarks are their own workspace package (benches/Cargo.toml), so that the baselines are
# not dev-dependencies of the facade; its features pick the backend ours runs on.
bench=(-p asyncio-benches --bench compare)
smol=(--no-default-features --features smol)

run_io() {
    local io_bench=(-p asyncio-benches --bench io)
    echo "== building benches/io.rs (release; ours on async-std, then on smol)" >&2
    cargo bench "${io_bench[@]}" --no-run
    cargo bench "${io_bench[@]}" --no-run "${smol[@]}"
    echo "== Real I/O: ours (async-std backend) vs tokio vs async-std, loopback TCP echo" >&2
    cargo bench "${io_bench[@]}" -- --json "$out/io.json"
    echo "== Real I/O: ours (smol backend) vs tokio vs async-std, loopback TCP echo" >&2
    cargo bench "${io_bench[@]}" "${smol[@]}" -- --json "$out/io-smol.json"
    python3 scripts/bench_io_report.py "$out/io.json" "$out/io-smol.json" --update docs/performance.md
}

if [ "$tasks" = no ]; then
    run_io
    echo "== wrote the Real I/O block of docs/performance.md (raw results in $out/)" >&2
    exit 0
fi

echo "== building benches/compare.rs (release; ours on async-std, then on smol)" >&2
cargo bench "${bench[@]}" --no-run
cargo bench "${bench[@]}" --no-run "${smol[@]}"

echo "== Rust: ours (async-std backend) vs async-std vs tokio" >&2
cargo bench "${bench[@]}" -- "${large[@]}" --rounds "$rounds" --json "$out/rust.json"

echo "== Rust: ours (smol backend) vs async-std vs tokio" >&2
cargo bench "${bench[@]}" "${smol[@]}" -- "${large[@]}" --rounds "$rounds" --json "$out/rust-smol.json"

echo "== Python asyncio" >&2
py_n=(--n 10000)
if [ ${#large[@]} -gt 0 ]; then py_n+=(--n 1000000); fi
python3 scripts/bench_python.py "${py_n[@]}" --rounds "$rounds" --json "$out/python.json"

python3 scripts/bench_report.py --rust "$out/rust.json" --rust-smol "$out/rust-smol.json" \
    --python "$out/python.json" --out docs/performance.md

if command -v valgrind >/dev/null; then
    echo "== callgrind: instructions per task" >&2
    python3 scripts/bench_callgrind.py --update docs/performance.md
else
    echo "== valgrind not installed: instruction counts in docs/performance.md left as they were" >&2
fi
if [ "$io" = yes ]; then
    run_io
fi
echo "== wrote docs/performance.md (raw results in $out/)" >&2
