#!/usr/bin/env bash
# One-time set-up on a Debian/Ubuntu machine with Node.js >= 20: the build tools (apt),
# the npm packages, Kubernetes for i386 and the guest image (each cached by its inputs, so a
# second run is quick).
# Root is needed for apt and mmdebstrap; sudo is used when not already root.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo --preserve-env=LABBOX_CACHE,LABBOX_SUITE,LABBOX_MIRROR,K8S_CACHE,K8S_WORK "$@"; fi; }
t0=$(date +%s)
step() { printf '\n=== [setup %4ss] %s\n' "$(($(date +%s) - t0))" "$*"; }

step "Debian packages for the image build and the browser tests"
as_root bash images/install-deps.sh
step "npm packages"
npm ci --no-audit --no-fund
step "Kubernetes 1.20 for i386 (cached by its inputs)"
as_root env "PATH=$PATH" LABBOX_CACHE="${LABBOX_CACHE:-/var/cache/labbox/images}" bash images/kubernetes/build.sh
step "guest image"
as_root env "PATH=$PATH" LABBOX_CACHE="${LABBOX_CACHE:-/var/cache/labbox/images}" bash images/build.sh
step "set-up done"
