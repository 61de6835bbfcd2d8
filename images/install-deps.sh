#!/usr/bin/env bash
# Debian packages the guest image build and the browser tests need on the build host (Debian or Ubuntu, as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# qemu-user-static lets the host run the guest's i386 package scripts where the kernel
# has no 32-bit support (build.sh registers it only then); qemu-system-x86 is the
# benchmark's reference emulator; chromium runs the browser tests (driven by playwright-core);
# dpkg-dev (apt-get source), patch, make and file build Kubernetes (images/kubernetes/build.sh,
# which fetches its Go toolchain itself)
apt-get install -y -qq --no-install-recommends \
  mmdebstrap arch-test qemu-user-static e2fsprogs zstd cpio gcc-multilib libc6-dev-i386 \
  kmod rsync passwd ca-certificates qemu-system-x86 chromium fonts-dejavu-core \
  dpkg-dev patch make file debian-archive-keyring >/dev/null
