#!/usr/bin/env bash
# Builds the preloaded container images from Debian packages (no Docker Hub) and packs them,
# with the provisioning script, into $work/provision.tar: the provisioning boot reads it
# from a second disk and imports the images with the guest's real docker.
#   busybox              - static busybox and its applet links
#   debian:$suite-slim   - an i386 minbase of the guest's suite, docs and locales left out
#   nginx                - built in the guest FROM debian:$suite-slim with a layer holding nginx
#   labbox/pause:3.2     - the first process of every Kubernetes pod (images/agent/labbox-pause.c)
# busybox and nginx are also tagged with their Debian version's major.minor (busybox:1.37,
# nginx:1.26): Kubernetes pulls a `latest` image again at every start, a version tag only when
# it is missing, and the guest has no registry that holds them.
set -euo pipefail
work=$1 suite=$2 mirror=$3
here=$(cd "$(dirname "$0")" && pwd)
ci=$work/container-images
rm -rf "$ci" && mkdir -p "$ci/busybox/bin" "$ci/busybox/etc" "$ci/busybox/tmp" "$ci/busybox/root" "$ci/nginx" "$ci/pause"

# busybox: the guest's own static busybox, with a link per applet
cp -p "$work/rootfs/bin/busybox" "$ci/busybox/bin/busybox" # -p: its time too, so the disk keeps one copy
for applet in $(chroot "$work/rootfs" /bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ci/busybox/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$ci/busybox/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$ci/busybox/etc/group"
chmod 1777 "$ci/busybox/tmp"
tar --numeric-owner --owner=0 --group=0 -C "$ci/busybox" -cf "$ci/busybox.tar" .

# debian slim, then the same plus nginx; the nginx layer is what differs
debian_slim() { # TARGET [EXTRA OPTIONS...]
  local target=$1; shift
  mmdebstrap --arch=i386 --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
    --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
    "$@" "$suite" "$target" "deb $mirror $suite main"
}
for try in 1 2 3; do debian_slim "$ci/slim" >"$ci/slim.log" 2>&1 && break; rm -rf "$ci/slim"; sleep $((try * 15)); done
[ -d "$ci/slim/etc" ] || { tail -20 "$ci/slim.log"; exit 1; }
for try in 1 2 3; do debian_slim "$ci/web" --include=nginx >"$ci/web.log" 2>&1 && break; rm -rf "$ci/web"; sleep $((try * 15)); done
[ -d "$ci/web/etc" ] || { tail -20 "$ci/web.log"; exit 1; }
tar --numeric-owner -C "$ci/slim" -cf "$ci/debian-slim.tar" .
mkdir -p "$ci/layer"
# rsync keeps every directory (nginx needs its empty /var/lib/nginx), copies changed files only
rsync -a --compare-dest="$ci/slim/" "$ci/web/" "$ci/layer/"
mkdir -p "$ci/layer/var/lib/nginx" "$ci/layer/var/log/nginx"
# logs to the container's output, so `docker logs` shows them
ln -sf /dev/stdout "$ci/layer/var/log/nginx/access.log"
ln -sf /dev/stderr "$ci/layer/var/log/nginx/error.log"
tar --numeric-owner -C "$ci/layer" -cf "$ci/nginx/nginx-layer.tar" .
sed "s/@SUITE@/$suite/g" "$here/guest/provision/nginx.Dockerfile" >"$ci/nginx/Dockerfile"
cp "$work/labbox-pause" "$ci/pause/pause"
# a package's version "1:1.37.0-6" gives the tag "1.37"
tag_of() { dpkg-query --admindir "$1/var/lib/dpkg" -W -f '${Version}' "$2" | sed -E 's/^[0-9]+://; s/^([0-9]+\.[0-9]+).*/\1/'; }
sed -e "s/@SUITE@/$suite/g" -e "s/@BUSYBOX_TAG@/$(tag_of "$work/rootfs" busybox-static)/g" -e "s/@NGINX_TAG@/$(tag_of "$ci/web" nginx)/g" \
  "$here/guest/provision/provision.sh" >"$ci/provision.sh"
tar -C "$ci" -cf "$work/provision.tar" provision.sh busybox.tar debian-slim.tar nginx pause
ls -la "$ci"/*.tar "$ci/nginx"
