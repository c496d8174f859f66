#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md. Run from the repository root on an idle machine.
# Needs the Rust toolchain; the Python baseline also needs `pip install jieba pyahocorasick`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-results
mkdir -p "$out"
cargo build --release --quiet
cargo run --release --quiet --example gen_corpus -- --lines 1000000 --seed 7 > "$out/chat-1m.jsonl"
cargo run --release --quiet --example gen_corpus -- --bytes 1000000000 --seed 7 > "$out/chat-1g.jsonl"
head -c 10000000 "$out/chat-1g.jsonl" | head -n -1 > "$out/chat-10m.jsonl"

if [ -d ../shared/bench ]; then
  echo "== the shared references (ratios.sh): default, then rules only"
  ../shared/bench/ratios.sh target/release/scamscan target/bench-ref | tee "$out/ratios.txt"
  ../shared/bench/ratios.sh target/release/scamscan target/bench-ref -- --no-scorer | tee -a "$out/ratios.txt"
fi

echo "== criterion (build, message, normalize, pipeline vs baselines, threads, lexicon size)"
cargo bench --bench scan 2>&1 | tee "$out/criterion.txt"
echo "== latency percentiles"
cargo bench --bench latency 2>&1 | tee "$out/latency.txt"

echo "== the CLI end to end, 1 and 2 threads"
for t in 1 2; do
  target/release/scamscan scan --threads "$t" "$out/chat-1m.jsonl" 2>&1 >/dev/null | tee -a "$out/cli.txt"
done
echo "== peak memory: 10 MB and 1 GB of the same log"
for f in chat-10m chat-1g; do
  /usr/bin/time -f "$f maxrss_kb=%M elapsed_s=%e" target/release/scamscan scan "$out/$f.jsonl" 2>&1 >/dev/null | tee -a "$out/memory.txt"
done

echo "== HTTP service under load (wrk: apt-get install wrk)"
if command -v wrk >/dev/null; then
  target/release/scamscan serve --port 8799 2>"$out/serve.log" &
  server=$!
  sleep 2
  for c in 1 16 64; do
    t=$(( c < 2 ? 1 : 2 ))
    echo "-- concurrency $c" | tee -a "$out/http.txt"
    wrk -t"$t" -c"$c" -d15s --latency -s scripts/wrk-scan.lua http://127.0.0.1:8799/v1/scan | tee -a "$out/http.txt"
  done
  kill -TERM "$server"; wait "$server" || true
  echo "-- conversations endpoint, 200,000 ids over a 100,000-conversation map, concurrency 64" | tee -a "$out/http.txt"
  target/release/scamscan serve --port 8799 --max-conversations 100000 2>>"$out/serve.log" &
  server=$!
  sleep 2
  wrk -t2 -c64 -d15s --latency -s scripts/wrk-conversations.lua http://127.0.0.1:8799 | tee -a "$out/http.txt"
  grep VmHWM "/proc/$server/status" | tee -a "$out/http.txt" || true
  kill -TERM "$server"; wait "$server" || true
else
  echo "wrk missing: apt-get install wrk"
fi

echo "== Python baseline (c)"
if python3 -c "import jieba, ahocorasick" 2>/dev/null; then
  target/release/scamscan lexicon terms > "$out/terms.txt"
  head -n 100000 "$out/chat-1m.jsonl" > "$out/chat-100k.jsonl"
  python3 scripts/baseline_python.py "$out/terms.txt" "$out/chat-100k.jsonl" | tee "$out/python.txt"
  py=$(sed -n 's/.*: \([0-9.]*\) MB\/s.*/\1/p' "$out/python.txt")
  python3 scripts/bench_chart.py --python-mbps "$py"
else
  echo "jieba or pyahocorasick missing: pip install jieba pyahocorasick"
  python3 scripts/bench_chart.py
fi

echo "== the Python package and Spark (needs pip install ./python and pyspark in target/pyenv)"
if [ -x target/pyenv/bin/python ] && target/pyenv/bin/python -c "import scamscan" 2>/dev/null; then
  target/pyenv/bin/python scripts/bench_python.py | tee "$out/python-package.txt"
else
  echo "target/pyenv has no scamscan package: see .ci/run"
fi
