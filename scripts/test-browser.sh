#!/usr/bin/env bash
# The upload page's browser test: headless Chromium (Debian's chromium + chromium-driver)
# driven by selenium (PyPI), against a gateway built in debug (scripts/test.sh builds it).
#
#   bash scripts/test-browser.sh [path/to/complaint-gateway]
#
# Installs what is missing first. Prints "1 passed, 0 failed" on success.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
for pkg in chromium chromium-driver; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
    echo "test-browser: installing ${missing[*]}"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium

BIN="${1:-$(swift build --show-bin-path)/complaint-gateway}"
[[ -x "$BIN" ]] || swift build --product complaint-gateway
python3 Tests/browser/upload_page_test.py "$BIN"
