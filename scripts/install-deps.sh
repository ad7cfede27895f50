#!/usr/bin/env bash
# Installs what building, testing, demoing and benchmarking the gateway needs on a fresh
# Debian 12 machine, and checks that a Swift toolchain is on PATH.
#
#   bash scripts/install-deps.sh      # as root (or with sudo available)
#   . scripts/install-deps.sh         # same, and also puts /opt/swift/usr/bin on the caller's PATH
#
# Idempotent: packages are checked with dpkg first, and apt is not touched at all (no
# `apt-get update`, no network) when everything is already installed.
#
# When executed, strict mode applies to this script. When sourced, the caller's shell options
# are left alone: the apt part runs in a strict subshell and only PATH is changed here.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
fi

# Why each one: libcurl/libssl/libsqlite3 headers for SwiftPM's system libraries (Foundation
# networking, swift-crypto fallbacks, SQLite for GRDB); sqlite3 to inspect the store (bench.sh
# counts rows); python3 runs the demo receiver and the samples, python3-pip fetches the PyPI
# packages the tests check with; curl drives the demo; wrk and
# nginx-light are the benchmark load generator and HTTP ceiling; ca-certificates for SwiftPM's
# package fetches; dovecot-imapd is the real IMAP server the mailbox poller is tested against
# (libcurl4-openssl-dev is also the poller's IMAP client); libpython3.11-testsuite holds
# CPython's email test messages, the corpus of the email parsing benchmark; systemd's
# `systemd-analyze verify` checks the example unit (docs/systemd/); zlib1g-dev inflates uploaded
# .xlsx workbooks.
CG_DEPS=(libcurl4-openssl-dev libssl-dev libsqlite3-dev sqlite3 python3 python3-pip curl wrk nginx-light
    ca-certificates dovecot-imapd libpython3.11-testsuite systemd zlib1g-dev)

cg_install_deps() (
    set -euo pipefail
    missing=()
    for pkg in "${CG_DEPS[@]}"; do
        # `dpkg -s` also succeeds for removed-but-configured packages, so check the status line.
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        echo "install-deps: all Debian packages present (${CG_DEPS[*]})"
        exit 0
    fi
    echo "install-deps: installing missing packages: ${missing[*]}"
    sudo=()
    if ((EUID != 0)); then
        # Root needs no sudo (CI containers often have none); others need it to run apt.
        command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    # Through `env` because sudo drops the caller's environment; no prompts either way.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
)

cg_check_swift() {
    if command -v swift >/dev/null 2>&1; then
        echo "install-deps: $(swift --version 2>/dev/null | head -n 1)"
        return 0
    fi
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        # The toolchain is installed where these machines keep it, just not on PATH. Exporting
        # fixes it for whoever sourced this file (demo.sh, test.sh, bench.sh); a plain `bash`
        # run cannot change its parent's PATH, hence the hint.
        export PATH="/opt/swift/usr/bin:$PATH"
        echo "install-deps: swift is not on PATH; found /opt/swift/usr/bin/swift. Add it with:"
        echo "    export PATH=/opt/swift/usr/bin:\$PATH"
        echo "install-deps: $(swift --version 2>/dev/null | head -n 1)"
        return 0
    fi
    echo "install-deps: no Swift toolchain found (need Swift 6.2+ on PATH, e.g. /opt/swift/usr/bin); see https://www.swift.org/install/linux/" >&2
    return 1
}

# Tests check with independent implementations from PyPI: webhook signatures (standardwebhooks)
# and the OpenAPI document and real responses against it (openapi-spec-validator, jsonschema).
cg_install_python_deps() {
    python3 -c 'import standardwebhooks, openapi_spec_validator, jsonschema, yaml' 2>/dev/null && return 0
    echo "install-deps: installing Python packages the tests check with (standardwebhooks, openapi-spec-validator, jsonschema, pyyaml)"
    local packages=(standardwebhooks openapi-spec-validator jsonschema pyyaml)
    # Debian's own Python refuses pip installs outside a virtualenv (PEP 668); these are test tools.
    python3 -m pip install -q "${packages[@]}" 2>/dev/null ||
        python3 -m pip install -q --break-system-packages "${packages[@]}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    cg_install_deps
    cg_install_python_deps
    cg_check_swift
else
    # Sourced: report failure with `return` instead of killing the caller's shell.
    cg_install_deps || return 1
    cg_install_python_deps || return 1
    cg_check_swift || return 1
fi
