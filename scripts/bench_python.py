#!/usr/bin/env python3
"""Python asyncio side of the benchmarks in benches/compare.rs: the same workloads, timed the
same way (per round: a fresh event loop, one untimed warm-up pass and the best of a few timed
passes at N <= 100k, one pass above), reported as ns per task.

    python3 scripts/bench_python.py [--n N ...] [--rounds R] [--json PATH]

Run by scripts/bench.sh, which puts the results beside the Rust ones in docs/performance.md.
"""

import argparse
import asyncio
import json
import sys
import time

HOUR = 3600.0
PASSES = 3


async def trivial(i):
    return i


async def yielding(i):
    await asyncio.sleep(0)
    return i


async def spawn_parked(n):
    """n tasks parked in sleep(1h); returns once every one is waiting (untimed)."""
    parked = 0

    async def park():
        nonlocal parked
        parked += 1
        await asyncio.sleep(HOUR)

    tasks = [asyncio.create_task(park()) for _ in range(n)]
    while parked < n:
        await asyncio.sleep(0.001)
    await asyncio.sleep(0)
    return tasks


async def spawn_await(n, coro=trivial):
    start = time.perf_counter_ns()
    tasks = [asyncio.create_task(coro(i)) for i in range(n)]
    total = 0
    for task in tasks:
        total += await task
    elapsed = time.perf_counter_ns() - start
    assert total == n * (n - 1) // 2
    return elapsed


async def spawn_yield_await(n):
    return await spawn_await(n, yielding)


async def gather(n):
    start = time.perf_counter_ns()
    values = await asyncio.gather(*(trivial(i) for i in range(n)))
    elapsed = time.perf_counter_ns() - start
    assert sum(values) == n * (n - 1) // 2
    return elapsed


async def cancel(n):
    tasks = await spawn_parked(n)
    start = time.perf_counter_ns()
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter_ns() - start
    assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
    return elapsed


async def wait(n):
    start = time.perf_counter_ns()
    tasks = [asyncio.create_task(trivial(i)) for i in range(n)]
    done, pending = await asyncio.wait(tasks)
    elapsed = time.perf_counter_ns() - start
    assert len(done) == n and not pending
    return elapsed


async def all_tasks(n):
    tasks = await spawn_parked(n)
    start = time.perf_counter_ns()
    snapshot = asyncio.all_tasks()
    elapsed = time.perf_counter_ns() - start
    assert len(snapshot) == n + 1
    del snapshot
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return elapsed


WORKS = {
    "spawn_await": spawn_await,
    "spawn_yield_await": spawn_yield_await,
    "gather": gather,
    "cancel": cancel,
    "wait": wait,
    "all_tasks": all_tasks,
}


def sample(work, n):
    """One round: a fresh event loop, best of the timed passes, in ns per task."""

    async def main():
        small = n <= 100_000
        if small:
            await work(n)
        return min([await work(n) for _ in range(PASSES if small else 1)])

    return asyncio.run(main()) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, action="append", help="task counts (default 10000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write the results here (default: stdout)")
    args = parser.parse_args()
    results = []
    for n in args.n or [10_000]:
        rounds = args.rounds if n <= 100_000 else max(1, min(3, (args.rounds + 2) // 3))
        for name, work in WORKS.items():
            samples = []
            for r in range(rounds):
                samples.append(sample(work, n))
                print(f"  python {n:>9} {name:<18} round {r + 1}: {samples[-1]:.0f}ns", file=sys.stderr)
            results.append({"n": n, "work": name, "rounds": samples})
    out = json.dumps({"python": sys.version.split()[0], "timing": results}, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(out + "\n")
    else:
        print(out)


if __name__ == "__main__":
    main()
