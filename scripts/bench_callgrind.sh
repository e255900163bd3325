#!/usr/bin/env bash
# Instruction counts (reproducible, unlike wall time on a shared machine) per task for every
# workload of benches/compare.rs, ours vs raw async-std vs tokio, current_thread flavor, and the
# top functions of ours by inclusive cost. Prints Markdown; docs/performance.md quotes it.
#
#   scripts/bench_callgrind.sh [N1 N2]        (default 2000 4000)
#
# Ir per task = (Ir(N2) - Ir(N1)) / (N2 - N1): the runtime's start-up and shutdown cancel out.
# Needs valgrind (apt-get install valgrind). Uses the release bench binary (symbols are kept).
set -euo pipefail
cd "$(dirname "$0")/.."

n1="${1:-2000}"
n2="${2:-4000}"
target="${CARGO_TARGET_DIR:-target}"
out="$target/bench-results/callgrind"
mkdir -p "$out"

cargo bench --bench compare --no-run >&2
exe=$(cargo bench --bench compare --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "compare" and m.get("executable"):
        print(m["executable"])')

works=(spawn_await spawn_yield_await gather cancel wait all_tasks)
systems=(ours async-std tokio)

ir() { # system work n -> total Ir
    local file="$out/callgrind.$1.$2.$3.out"
    valgrind --tool=callgrind --callgrind-out-file="$file" "$exe" --profile "$1" current_thread "$2" "$3" \
        >/dev/null 2>"$file.log"
    awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

echo "#### Instructions per task (callgrind, current_thread, Ir(N=$n2) − Ir(N=$n1) over $((n2 - n1)) tasks)"
echo
echo "| workload | ours Ir/task | async-std Ir/task | tokio Ir/task | ours / async-std | ours / tokio |"
echo "|---|---:|---:|---:|---:|---:|"
for work in "${works[@]}"; do
    declare -A per=()
    for sys in "${systems[@]}"; do
        if [ "$work" = all_tasks ] && [ "$sys" != ours ]; then continue; fi
        a=$(ir "$sys" "$work" "$n1")
        b=$(ir "$sys" "$work" "$n2")
        per[$sys]=$(( (b - a) / (n2 - n1) ))
    done
    if [ "$work" = all_tasks ]; then
        echo "| $work (spawn + park + all_tasks + hand-built set + cancel) | ${per[ours]} | – | – | – | – |"
    else
        python3 -c "o,a,t=${per[ours]},${per[async-std]},${per[tokio]}; print(f'| $work | {o:,} | {a:,} | {t:,} | {o/a:.2f}x | {o/t:.2f}x |')"
    fi
    unset per
done

echo
for work in "${works[@]}"; do
    echo "#### ours, $work, N=$n2: top functions by inclusive Ir"
    echo
    echo '```'
    callgrind_annotate --inclusive=yes "$out/callgrind.ours.$work.$n2.out" 2>/dev/null |
        grep -E '^ *[0-9,]+ \(' | head -40 | sed -E 's/ \[[^]]*\]$//' | cut -c1-200
    echo '```'
    echo
done
