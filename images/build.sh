#!/usr/bin/env bash
# Builds the LabBox guest from Debian i386 packages only:
#   kernel + SeaBIOS (bookworm: the only suite with linux-image-686), an initramfs,
#   a root filesystem of $LABBOX_SUITE with Docker, containerd, crun, LXC and a registry,
#   preloaded container images, a chunked zstd disk, and a pre-booted state snapshot.
# Output: images/out/dist (or $LABBOX_IMAGE_OUT/dist) with manifest.json.
# The whole output is cached under $LABBOX_CACHE, keyed by a hash of the recipe's inputs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
suite=${LABBOX_SUITE:-trixie}
kernel_suite=bookworm
out=$(realpath -m "${LABBOX_IMAGE_OUT:-$here/out}")
cache=${LABBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/labbox/images}
chunk_size=$((256 * 1024))
work=$out/work
dist=$out/dist

t_start=$(date +%s)
stage() { printf '\n== [%4ss] %s\n' "$(($(date +%s) - t_start))" "$*"; }
die() { echo "build.sh: $*" >&2; exit 1; }

# --- the cache key: every file of the recipe, the snapshot code and the emulator version ---
inputs_hash() {
  (
    cd "$root"
    find images -path 'images/out*' -prune -o -type f -print
    find src/vm -type f
  ) | LC_ALL=C sort | (cd "$root" && xargs sha256sum) |
    { cat; grep -A2 '"node_modules/v86"' "$root/package-lock.json"; echo "suite=$suite"; } | sha256sum | cut -c1-16
}
key=$(inputs_hash)
if [ -f "$cache/$key/manifest.json" ] && [ -z "${LABBOX_REBUILD:-}" ]; then
  stage "cache hit $cache/$key"
  rm -rf "$dist"; mkdir -p "$out"
  cp -al "$cache/$key" "$dist" 2>/dev/null || cp -a "$cache/$key" "$dist"
  exit 0
fi
stage "building guest image $key (suite $suite)"

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap and mkfs need it); CI and the README's command do"
for tool in mmdebstrap arch-test mkfs.ext4 zstd cpio gcc depmod rsync hardlink fstrim; do
  command -v "$tool" >/dev/null || die "missing $tool: run images/install-deps.sh"
done
[ -x "$root/node_modules/.bin/tsx" ] || die "npm packages missing: run npm ci first"

# i386 programs must run on the build host (package scripts run in the chroot).
# Where the kernel has no 32-bit support, register qemu-user for i386 ELF files.
if ! arch-test i386 >/dev/null 2>&1; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -e /proc/sys/fs/binfmt_misc/qemu-i386 ] ||
    printf '%s' ':qemu-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-i386-static:F' \
      > /proc/sys/fs/binfmt_misc/register
  arch-test i386 >/dev/null || die "cannot run i386 programs, even through qemu-user"
fi

# The Debian mirror is the one this machine's apt already uses (no host name in the recipe).
mirror=${LABBOX_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  sed -nE 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//p' | sed 's/[[:space:]].*//' | grep -m1 -E '/debian/?$' || true)}
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt; set LABBOX_MIRROR"

# mmdebstrap, retried: a mirror answers "Mirror sync in progress" now and then.
debstrap() {
  local try
  for try in 1 2 3 4; do
    if mmdebstrap --arch=i386 --aptopt='Acquire::Check-Valid-Until "false"' \
        --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Retries "3"' "$@"; then
      return 0
    fi
    echo "mmdebstrap failed (try $try), retrying in $((try * 15)) s" >&2
    sleep $((try * 15))
  done
  die "mmdebstrap failed: $*"
}
slim_opts=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias' --dpkgopt='path-exclude=/usr/share/lintian/*')

# LABBOX_RESUME=1 (recipe development) keeps the downloaded kernel and root filesystem
# an interrupted build may leave mmdebstrap's /proc, /sys and /dev mounts under $work
findmnt -rn -o TARGET | { grep -F "$work/" || true; } | sort -r | xargs -r -n1 umount -l
[ -n "${LABBOX_RESUME:-}" ] || rm -rf "$work"
rm -rf "$dist"
mkdir -p "$work" "$dist"

stage "kernel, SeaBIOS and initramfs busybox from $kernel_suite"
[ -d "$work/kernel/boot" ] ||
  debstrap --variant=extract --include=linux-image-686,seabios,busybox-static "$kernel_suite" "$work/kernel" \
    "deb $mirror $kernel_suite main" "deb $mirror $kernel_suite-updates main" >"$work/kernel.log" 2>&1 ||
  { tail -20 "$work/kernel.log"; die "kernel extract failed"; }
kver=$(basename "$(ls -d "$work"/kernel/lib/modules/*)")
depmod -b "$work/kernel" "$kver"
cp "$work/kernel/boot/vmlinuz-$kver" "$dist/vmlinuz"
cp "$work/kernel/usr/share/seabios/bios.bin" "$dist/bios.bin"
cp "$work/kernel/usr/share/seabios/vgabios-stdvga.bin" "$dist/vgabios.bin"

# Prints module file paths for the names in $1 with their dependencies, in load order.
module_order() {
  local list=$1 moddir=$work/kernel/lib/modules/$kver
  grep -vE '^\s*(#|$)' "$list" | while read -r name; do
    local line
    line=$(grep -E "/${name//_/[_-]}\.ko:" "$moddir/modules.dep") || die "no kernel module $name"
    # modules.dep lists a module's dependencies; the last one must load first
    echo "$line" | tr -d ':' | awk '{ for (i = NF; i >= 2; i--) print $i; print $1 }'
  done | awk '!seen[$0]++'
}

stage "initramfs"
rm -rf "$work/initramfs" && mkdir -p "$work/initramfs"/{bin,modules,proc,sys,dev,newroot}
cp "$work/kernel/bin/busybox" "$work/initramfs/bin/busybox"
for applet in sh mount umount insmod sleep mkdir switch_root cat echo; do ln -sf busybox "$work/initramfs/bin/$applet"; done
cp "$here/guest/initramfs/init" "$work/initramfs/init"
module_order "$here/initramfs.modules" | while read -r m; do
  cp "$work/kernel/lib/modules/$kver/$m" "$work/initramfs/modules/"
  basename "$m"
done >"$work/initramfs/modules/order"
(cd "$work/initramfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) | zstd -q -19 >"$dist/initrd.img"

stage "guest agent, the wrappers of Docker's runtime and shim, the pods' pause (static i386)"
for prog in labbox-agent labbox-crun labbox-shim labbox-pause; do
  gcc -m32 -static -Os -s -Wall -Wextra -Werror -o "$work/$prog" "$here/agent/$prog.c"
done

stage "root filesystem ($suite)"
packages=$(grep -vE '^\s*(#|$)' "$here/packages.list" | paste -sd, -)
[ -d "$work/rootfs/etc" ] ||
  debstrap --variant=minbase "${slim_opts[@]}" --include="$packages" "$suite" "$work/rootfs" \
    "deb $mirror $suite main" >"$work/rootfs.log" 2>&1 || { tail -30 "$work/rootfs.log"; die "root filesystem failed"; }
rfs=$work/rootfs
cp -a "$here/guest/rootfs/." "$rfs/"
chmod 755 "$rfs"/etc/labbox/*
install -m 755 "$work/labbox-agent" "$work/labbox-crun" "$rfs/usr/local/sbin/"
ln -sf /bin/busybox "$rfs/sbin/init"
module_order "$here/modules.list" | while read -r m; do
  mkdir -p "$rfs/lib/modules/$kver/$(dirname "$m")"
  cp "$work/kernel/lib/modules/$kver/$m" "$rfs/lib/modules/$kver/$m"
done
cp "$work/kernel/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$rfs/lib/modules/$kver/"
depmod -b "$rfs" "$kver"
grep -vE '^\s*(#|$)' "$here/modules.list" >"$rfs/etc/labbox/modules"
passwd -R "$rfs" -d root >/dev/null
# record the exact package versions for the manifest, then drop what a guest never reads
chroot "$rfs" dpkg-query -W -f '${Package}=${Version}\n' >"$work/packages.txt"
rm -rf "$rfs"/var/lib/apt/lists/* "$rfs"/var/cache/apt/* "$rfs"/var/cache/debconf/*-old "$rfs"/var/log/*
# docker 26 starts containers through containerd-shim-runc-v2 only: containerd's own CLI and
# its v1 shims are 33 MB that no lab uses (the offline set must stay under 150 MB)
rm -f "$rfs"/usr/bin/{ctr,containerd-shim,containerd-shim-runc-v1}
# containerd's runc shim behind labbox-shim, which spares it two Go starts per container (images/agent/labbox-shim.c)
chroot "$rfs" dpkg-divert --quiet --local --rename --divert /usr/bin/containerd-shim-runc-v2.real --add /usr/bin/containerd-shim-runc-v2
install -m 755 "$work/labbox-shim" "$rfs/usr/bin/containerd-shim-runc-v2"
# the docker CLI, a PIE, relocated once here rather than by ld.so at every command (images/prelink.ts)
"$root/node_modules/.bin/tsx" "$here/prelink.ts" "$rfs/usr/bin/docker"
# etcd (the etcd lab) and Kubernetes (images/kubernetes: kube-all, the five server programs
# in one binary with a link named after each, and kubectl on its own) go on the extras disk, outside the
# default offline set: etcd's 58 MB and kube-all's 133 MB of Go programs would take the set
# past 150 MB. Wrappers in /usr/local/bin say so when that disk is not attached (rc.sysinit
# mounts it on /opt/extras).
rm -rf "$work/extras" && mkdir -p "$work/extras/bin" "$work/extras/kubernetes/bin" "$rfs/opt/extras"
mv "$rfs"/usr/bin/{etcd,etcdctl,etcdutl} "$work/extras/bin/"
LABBOX_CACHE=$cache "$here/kubernetes/build.sh" # a cache hit (images/setup.sh built it) takes well under a second
k8s=$(LABBOX_CACHE=$cache "$here/kubernetes/build.sh" --path)
cp "$k8s/kube-all" "$k8s/kubectl" "$work/extras/kubernetes/bin/"
cp "$k8s/versions.json" "$work/extras/kubernetes/versions.json"
for prog in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
  ln -s kube-all "$work/extras/kubernetes/bin/$prog"
done

stage "container images for provisioning"
[ -n "${LABBOX_RESUME:-}" ] && [ -f "$work/provision.tar" ] || "$here/container-images.sh" "$work" "$suite" "$mirror"

stage "disk image"
used_kib=$(du -sk "$rfs" | cut -f1)
disk_bytes=$(( ((used_kib * 1024 * 11 / 10) + 1536 * 1024 * 1024) / chunk_size * chunk_size ))
rm -f "$work/disk.img"
# inode tables written now: the guest kernel's lazy init would otherwise dirty the disk in
# the background, and dirty blocks go into every snapshot. No journal and no metadata
# checksums: Docker's daemons fsync about 56 times per `docker run`, each a jbd2 commit of
# emulated disk writes, and crc32c runs in software here (no SSE4.2); a crash cannot tear the
# disk, since the guest is only ever kept whole, memory and disk together, in a state
# (docs/design/no-journal-no-lsm.md).
mkfs.ext4 -q -F -L labbox -O ^has_journal,^metadata_csum -E lazy_itable_init=0,root_owner=0:0 -d "$rfs" "$work/disk.img" $((disk_bytes / 1024))k

# the two guest boots of the build (images/boot.ts), in Node with v86
boot() {
  LABBOX_BUILD_STARTED=$t_start LABBOX_IMAGE_KEY=$key LABBOX_SUITE=$suite LABBOX_KERNEL=$kver LABBOX_DISK_SIZE=$disk_bytes LABBOX_CHUNK_SIZE=$chunk_size \
    LABBOX_EXTRAS_SIZE=${extras_bytes:-0} \
    "$root/node_modules/.bin/tsx" "$here/boot.ts" "$1" "$work" "$dist"
}

stage "provisioning boot: import images, fill the local registry"
boot provision

stage "one copy of each identical file, free blocks zeroed"
# The debian image's layer holds the same Debian files as the guest's own /usr: hard links
# make them one copy (identical content, mode, owner, time and xattrs only; docker rebuilds a
# layer's exact tar from its tar-split record, so save and push are unchanged). /etc is left
# out: a trainee's in-place edit there must not reach into an image. Then the blocks freed
# by the provisioning (and the duplicates) are discarded, so they compress to nothing.
mnt=$work/mnt
mkdir -p "$mnt"
mount -o loop "$work/disk.img" "$mnt" || die "cannot loop-mount the disk image (root and a loop device are needed)"
trap 'umount "$mnt" 2>/dev/null || true' EXIT
dirs=("$mnt/usr")
for d in "$mnt"/var/lib/docker/overlay2/*/diff/{usr,bin}; do [ -d "$d" ] && [ ! -L "$d" ] && dirs+=("$d"); done
hardlink -q -X "${dirs[@]}"
sync
fstrim "$mnt"
umount "$mnt" && trap - EXIT

# Cuts disk image $1 into zstd parts named as the guest fetches them: $2/$3-<start>-<end>.img.zst,
# each through the x86 call filter first (images/chunk-disk.ts, src/vm/call-filter.ts)
chunk_disk() {
  rm -rf "$2"
  "$root/node_modules/.bin/tsx" "$here/chunk-disk.ts" "$1" "$2" "$3" "$chunk_size"
  find "$2" -name "*.img" -print0 | xargs -0 -P "$(nproc)" -n 256 zstd -q -19 --rm
}

stage "chunking the disk ($((chunk_size / 1024)) KiB parts, zstd)"
chunk_disk "$work/disk.img" "$dist/disk" disk

stage "extras disk (read-only, no journal: etcd and Kubernetes)"
extras_bytes=$(( ($(du -sk "$work/extras" | cut -f1) * 1024 * 11 / 10 + 4 * 1024 * 1024) / chunk_size * chunk_size ))
rm -f "$work/extras.img"
mkfs.ext4 -q -F -L extras -O ^has_journal -m 0 -E root_owner=0:0 -d "$work/extras" "$work/extras.img" $((extras_bytes / 1024))k
chunk_disk "$work/extras.img" "$dist/extras" extras

stage "snapshot boot: cold boot to docker-ready, save the state"
boot snapshot

stage "kubernetes boot: the snapshot restored, Kubernetes started to a Ready node, saved as the machine kubernetes"
boot kubernetes


mkdir -p "$cache"
rm -rf "$cache/$key.tmp" && cp -a "$dist" "$cache/$key.tmp" && mv "$cache/$key.tmp" "$cache/$key"
# keep only the newest three builds
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
stage "done: $dist"
