#!/usr/bin/env bash
# Checks the evidence report in headless Chromium, with every network route closed:
# builds `scamscan report` on the shipped example log, loads the page from disk with DNS
# and proxy pointing nowhere, and checks the rendered DOM (every finding highlighted, the
# summary table, collapsed quiet messages, context links that land). Writes a screenshot
# to docs/report.png.
#
#   apt-get install chromium fonts-noto-cjk   # Debian packages; the font only for the screenshot
#   scripts/check_report.sh       # builds target/release/scamscan (or set SCAMSCAN=path)
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z "$CHROMIUM" ]]; then
    echo "check_report: chromium not found (apt-get install chromium)" >&2
    exit 2
fi
if [[ -z "${SCAMSCAN:-}" ]]; then
    cargo build --release --quiet
fi
BIN=${SCAMSCAN:-target/release/scamscan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" report -q examples/chat.jsonl -o "$work/report.html"
"$BIN" scan -q examples/chat.jsonl > "$work/findings.jsonl" || true

# No network: every host name resolves to nothing and every proxied request goes to a
# closed port. A page that needed the network would render without its parts.
chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server="http://127.0.0.1:9" \
        --user-data-dir="$work/profile" "$@" 2>/dev/null
}
chrome --dump-dom "file://$work/report.html" > "$work/dom.html"
chrome --window-size=1100,1500 --hide-scrollbars --screenshot="$work/report.png" \
    "file://$work/report.html" > /dev/null

python3 - "$work/dom.html" "$work/findings.jsonl" "$work/report.html" <<'PY'
import html, json, re, sys
dom, findings, source = (open(p, encoding="utf-8").read() for p in sys.argv[1:4])
fail = []
if "<table" not in dom or "Summary" not in dom:
    fail.append("no summary table in the rendered page")
# Every finding's evidence lies inside one highlighted stretch (adjacent marks joined).
joined = re.sub(r'</mark><mark title="[^"]*">', "", dom)
marked = [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", joined, re.S)]
n = 0
for line in findings.splitlines():
    for f in json.loads(line)["findings"]:
        n += 1
        if not any(f["matched"] in m for m in marked):
            fail.append(f"evidence {f['matched']!r} ({f['rule']}) not highlighted")
# Context links land on an element of the page.
ids = set(re.findall(r'id="([^"]+)"', dom))
for target in re.findall(r'href="#([^"]+)"', dom):
    if target not in ids:
        fail.append(f"link #{target} lands nowhere")
if "<details" not in dom:
    fail.append("no collapsed messages")
# Self-contained: nothing the browser would fetch.
for pattern in [r"<script", r"<link", r"\ssrc=", r"url\(", r"@import"]:
    if re.search(pattern, source):
        fail.append(f"page references an external resource: {pattern}")
if fail:
    print("check_report: FAILED\n  " + "\n  ".join(fail))
    sys.exit(1)
links = len(re.findall(r'href="#', dom))
print(f"check_report: ok: {n} findings highlighted, {len(marked)} highlighted stretches, "
      f"{links} context links, rendered offline")
PY
mkdir -p docs
cp "$work/report.png" docs/report.png
echo "check_report: screenshot written to docs/report.png"
