#!/usr/bin/env bash
# Checks the evidence report in headless Chromium, with every network route closed, in both
# languages: builds `scamscan report` on the shipped example log (Chinese, the default, and
# --lang en), loads each page from disk with DNS and proxy pointing nowhere, and checks the
# rendered DOM (the page's language and headings, every finding highlighted, the summary
# table, collapsed quiet messages, context links that land) and that a font covering Chinese
# is installed for it. Writes screenshots to docs/report.png (Chinese) and
# docs/report-en.png.
#
#   apt-get install chromium fonts-noto-cjk   # Debian packages (.ci/run installs them)
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

if ! fc-list :lang=zh family | grep -q .; then
    echo "check_report: no font covering Chinese is installed (apt-get install fonts-noto-cjk)" >&2
    exit 2
fi
"$BIN" scan -q examples/chat.jsonl > "$work/findings.jsonl" || true

# No network: every host name resolves to nothing and every proxied request goes to a
# closed port. A page that needed the network would render without its parts.
chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server="http://127.0.0.1:9" \
        --user-data-dir="$work/profile" "$@" 2>/dev/null
}

for lang in zh-CN en; do
    page="$work/report.$lang.html"
    SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)} "$BIN" --lang "$lang" report -q examples/chat.jsonl -o "$page"
    chrome --dump-dom "file://$page" > "$work/dom.$lang.html"
    chrome --window-size=1100,1500 --hide-scrollbars --screenshot="$work/report.$lang.png" \
        "file://$page" > /dev/null
    python3 - "$lang" "$work/dom.$lang.html" "$work/findings.jsonl" "$page" <<'PY'
import html, json, re, sys
lang = sys.argv[1]
dom, findings, source = (open(p, encoding="utf-8").read() for p in sys.argv[2:5])
fail = []
words = {"zh-CN": ["汇总", "聊天诈骗证据报告", "对话", "类别", "严重"],
         "en": ["Summary", "Evidence report", "Conversation", "Category", "critical"]}[lang]
if f'<html lang="{lang}"' not in dom:
    fail.append(f"the page does not declare lang={lang}")
for word in words:
    if word not in dom:
        fail.append(f"{word!r} is not on the {lang} page")
# The English page's own words are English: only the chat (messages, quoted evidence) is not.
own = re.sub(r'<div class="text">.*?</div>|“[^”]*”', "", dom, flags=re.S)
if lang == "en" and re.search(r"[\u4e00-\u9fff]", own):
    fail.append("Chinese words of the page's own on the English page: "
                + re.search(r".{0,40}[\u4e00-\u9fff].{0,20}", own).group(0))
if "<table" not in dom:
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
    print(f"check_report ({lang}): FAILED\n  " + "\n  ".join(fail))
    sys.exit(1)
links = len(re.findall(r'href="#', dom))
print(f"check_report ({lang}): ok: {n} findings highlighted, {len(marked)} highlighted stretches, "
      f"{links} context links, rendered offline")
PY
done
mkdir -p docs
cp "$work/report.zh-CN.png" docs/report.png
cp "$work/report.en.png" docs/report-en.png
echo "check_report: screenshots written to docs/report.png and docs/report-en.png"
