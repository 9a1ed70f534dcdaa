#!/bin/sh
# SPDX-License-Identifier: MIT
# run_speedscope.sh GEN SCRATCH SRC BROWSER_DIR - the Chrome export of
# SRC/known.trace (written by GEN, trace_export_gen) loaded by speedscope in
# headless Chromium (BROWSER_DIR/speedscope_test.js), which must show the
# main thread's profile, its frames by name, and a flame chart that is not
# blank. Exits 77 (skip) when node, /usr/bin/chromium or BROWSER_DIR's
# node_modules are missing (.ci/install-deps installs them).
gen=$1 scratch=$2 src=$3 browser=$4
chromium=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIPPED: $*"; exit 77; }
command -v node >/dev/null 2>&1 || skip "node is not installed (Debian: nodejs)"
[ -x "$chromium" ] || skip "$chromium is not installed (Debian: chromium)"
[ -d "$browser/node_modules/speedscope" ] && [ -d "$browser/node_modules/puppeteer-core" ] ||
	skip "$browser/node_modules is missing (run: npm ci in $browser)"
mkdir -p "$scratch" || exit 1
"$gen" chrome "$scratch/speedscope.json" --known "$src/known.trace" || exit 1
# speedscope sorts the threads by name: "prog (pid 4242), main (tid 4242)"
# comes first; its frames (a scope's name carries its args)
exec node "$browser/speedscope_test.js" "$scratch/speedscope.json" "$scratch/speedscope.png" \
	"prog (pid 4242), main (tid 4242)" \
	main compute leaf 'phase {"tag":"init"}' 'say "hi"\ café →'
