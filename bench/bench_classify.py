"""Benchmark of the intent classifier: throughput, latency, cold start and memory.

    python bench/bench_classify.py [--seconds 5] [--cold-runs 5] [--repeat 1]

- throughput and per-message latency (median, p99) of `intents.classify` after a warm-up, over the
  messages of the committed test split (real resident phrasing, mixed lengths);
- cold start of `guanjia classify` (or `python -m intents.cli` when `guanjia` is not on PATH):
  process start to the first output line, a few runs, best and median;
- resident memory after loading and running (ru_maxrss).
Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intents import load_classifier  # noqa: E402
from intents.corpus import read_tsv  # noqa: E402
from intents.times import SHANGHAI  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def messages() -> list[str]:
    path = ROOT / "intents" / "corpus" / "test.tsv"
    return [ex.text for ex in read_tsv(path)[0]]


def bench_warm(texts: list[str], seconds: float, repeat: int = 1) -> None:
    started = time.perf_counter()
    clf = load_classifier()
    print(f"load (jieba dictionary + model): {(time.perf_counter() - started) * 1000:.0f} ms")
    for text in texts:  # warm-up
        clf.classify(text, NOW)
    medians: list[float] = []
    for run in range(repeat):
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds
        total_start = time.perf_counter()
        while time.perf_counter() < deadline:
            for text in texts:
                t0 = time.perf_counter_ns()
                clf.classify(text, NOW)
                latencies.append((time.perf_counter_ns() - t0) / 1000.0)
        elapsed = time.perf_counter() - total_start
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        median = statistics.median(latencies)
        medians.append(median)
        label = f"run {run + 1}/{repeat}: " if repeat > 1 else ""
        print(
            f"{label}messages: {len(latencies)} in {elapsed:.1f} s"
            f" -> {len(latencies) / elapsed:,.0f} msg/s"
        )
        print(f"{label}latency: median {median:.0f} µs, p99 {p99:.0f} µs")
    if repeat > 1:
        print(
            f"median latency over {repeat} runs: best {min(medians):.0f} µs,"
            f" typical {statistics.median(medians):.0f} µs, worst {max(medians):.0f} µs"
        )


def command() -> list[str]:
    guanjia = shutil.which("guanjia")
    if guanjia is not None:
        return [guanjia, "classify", "--now", NOW.isoformat()]
    return [sys.executable, "-m", "intents.cli", "--now", NOW.isoformat()]


def bench_cold(runs: int) -> None:
    cmd = command()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("厨房水管爆了\n".encode())
        proc.stdin.flush()
        first = proc.stdout.readline()
        times.append((time.perf_counter() - started) * 1000)
        proc.stdin.close()
        proc.wait(timeout=30)
        assert first.startswith(b"{"), first
    print(
        f"cold start ({' '.join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd))}):"
        f" best {min(times):.0f} ms, median {statistics.median(times):.0f} ms over {runs} runs"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="warm runs of --seconds each")
    args = parser.parse_args()
    bench_cold(args.cold_runs)
    bench_warm(messages(), args.seconds, args.repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident memory (ru_maxrss): {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
