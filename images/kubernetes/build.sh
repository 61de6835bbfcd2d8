#!/usr/bin/env bash
# Builds Kubernetes 1.20.2's server programs and kubectl for linux/386 from Debian bookworm's
# own source package, with bookworm's Go 1.19: the server programs as one busybox-style
# binary, kube-all, and kubectl on its own (README.md beside this script says how and why).
# Output: $K8S_CACHE/<key>/kube-all, kubectl and versions.json, keyed by a hash of this folder.
#   build.sh          build, or reuse the cached build (seconds); prints the output folder last
#   build.sh --key    print the key only       build.sh --path   print the output folder only
# Environment: K8S_CACHE (default: kubernetes/ beside $LABBOX_CACHE, /var/cache/labbox/kubernetes),
#   K8S_WORK (build folder, default /var/tmp/labbox-k8s-build), LABBOX_MIRROR, LABBOX_REBUILD=1 (build
#   even when cached), K8S_KEEP_TREE=1 (keep the source tree and toolchain in the work folder).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# --- pinned inputs (part of the key, being in this file) ---
suite=bookworm
src_package=kubernetes
src_version=1.20.5+really1.20.2-1.1+deb12u1 # the whole upstream v1.20.2 tree with vendor/
go_package=golang-1.19
go_version=1.19.8-2
reflect2_version=1.0.2-2 # golang-github-modern-go-reflect2-dev
git_version=v1.20.2
git_commit=faecb196815e248d3ecfb03c680a4507229c2a56 # upstream's v1.20.2
programs=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

labbox_cache=${LABBOX_CACHE:-/var/cache/labbox/images}
cache=$(realpath -m "${K8S_CACHE:-$(dirname "$labbox_cache")/kubernetes}")
work=$(realpath -m "${K8S_WORK:-/var/tmp/labbox-k8s-build}")

t_start=$(date +%s)
stage() { printf '\n== [k8s %4ss] %s\n' "$(($(date +%s) - t_start))" "$*"; }
die() { echo "images/kubernetes/build.sh: $*" >&2; exit 1; }

# --- the key: every file of this folder except its prose, and the pinned versions ---
inputs_hash() {
  {
    (cd "$here" && find . -type f ! -name '*.md' -print | LC_ALL=C sort | xargs sha256sum)
    echo "$suite $src_package=$src_version $go_package=$go_version reflect2=$reflect2_version $git_version linux/386"
  } | sha256sum | cut -c1-16
}
key=$(inputs_hash)
out=$cache/$key
case "${1:-}" in
  --key) echo "$key"; exit 0 ;;
  --path) echo "$out"; exit 0 ;;
  "") ;;
  *) die "unknown argument $1 (expected nothing, --key or --path)" ;;
esac

case "$cache/" in
  "$(realpath -m "$labbox_cache")"/*) die "K8S_CACHE ($cache) must not be inside LABBOX_CACHE: images/build.sh prunes that folder" ;;
esac

cache_hit() {
  [ -x "$out/kube-all" ] && [ -x "$out/kubectl" ] && [ -f "$out/versions.json" ] && [ -z "${LABBOX_REBUILD:-}" ] || return 1
  touch "$out" 2>/dev/null || true # most recently used: the pruning after a build keeps it
  stage "cache hit: $out ($(du -h "$out/kube-all" | cut -f1) kube-all) in $(($(date +%s) - t_start)) s"
  echo "$out"
}
cache_hit && exit 0

[ "$(id -u)" = 0 ] || die "run as root (apt-get); images/setup.sh does"
for tool in apt-get dpkg-deb dpkg-source dpkg-parsechangelog patch make zstd file flock; do
  command -v "$tool" >/dev/null || die "missing $tool: run images/install-deps.sh (dpkg-dev, patch, make, zstd, file)"
done
mkdir -p "$work" "$cache"
# one build at a time in the work folder; a build that waited may find its result made
exec 9>"$work/.lock"
flock -n 9 || { echo "waiting for another Kubernetes build in $work" >&2; flock 9; }
cache_hit && exit 0
stage "building Kubernetes $git_version for linux/386, key $key (work folder $work)"

# --- a private apt (own sources, lists and state under $work): the system's apt is untouched ---
# The Debian mirror is the one this machine's apt already uses (no host name in the recipe).
mirror=${LABBOX_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  sed -nE 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//p' | sed 's/[[:space:]].*//' | grep -m1 -E '/debian/?$' || true)}
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt; set LABBOX_MIRROR"
apt_dir=$work/apt
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,empty}
: >"$apt_dir/status"
signed=
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] && signed='[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] '
printf 'deb %s%s %s main\ndeb-src %s%s %s main\n' "$signed" "$mirror" "$suite" "$signed" "$mirror" "$suite" >"$apt_dir/sources.list"
cat >"$apt_dir/apt.conf" <<EOF
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/empty";
Dir::Etc::Preferences "$apt_dir/empty/preferences";
Dir::Etc::PreferencesParts "$apt_dir/empty";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
APT::Sandbox::User "root";
Acquire::Retries "3";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
EOF
export APT_CONFIG=$apt_dir/apt.conf
papt() { apt-get -q -o Dpkg::Use-Pty=0 "$@"; }

stage "package lists of $suite (private apt, $mirror)"
for try in 1 2 3 4; do
  papt update >"$work/apt-update.log" 2>&1 && break
  [ "$try" = 4 ] && { tail -20 "$work/apt-update.log"; die "apt-get update failed (private apt config $APT_CONFIG)"; }
  echo "apt-get update failed (try $try), retrying in $((try * 15)) s" >&2
  sleep $((try * 15))
done

stage "downloading $src_package $src_version (source), $go_package $go_version, reflect2 $reflect2_version"
dl=$work/downloads
mkdir -p "$dl"
(cd "$dl" && papt source --download-only "$src_package=$src_version" && papt download \
  "$go_package-go=$go_version" "$go_package-src=$go_version" "golang-github-modern-go-reflect2-dev=$reflect2_version") \
  >"$work/download.log" 2>&1 || { tail -20 "$work/download.log"; die "download failed: is $src_package $src_version still in $suite on $mirror?"; }
dsc=$dl/${src_package}_${src_version#*:}.dsc
[ -f "$dsc" ] || die "no $dsc after apt-get source"

stage "Go toolchain ($go_package $go_version, unpacked into the work folder)"
tc=$work/toolchain
rm -rf "$tc" && mkdir -p "$tc"
for deb in "$dl/${go_package}-go_${go_version}_"*.deb "$dl/${go_package}-src_${go_version}_"*.deb "$dl/golang-github-modern-go-reflect2-dev_${reflect2_version}_"*.deb; do
  [ -f "$deb" ] || die "missing download $deb"
  dpkg-deb -x "$deb" "$tc"
done
export GOROOT=$tc/usr/lib/go-1.19
export PATH=$GOROOT/bin:$PATH
go_version_line=$(go version) || die "the Go toolchain in $GOROOT does not run on this machine"
echo "$go_version_line"
export GOPATH=$work/gopath GOCACHE=$work/gocache GOENV=off GOFLAGS= GOPROXY=off GOSUMDB=off GO111MODULE=off \
  GOTOOLCHAIN=local CGO_ENABLED=0 HOME=$work/home
unset GOOS GOARCH GO386
mkdir -p "$HOME"

stage "source tree ($src_package $src_version with Debian's patches, then ours)"
src=$work/src/kubernetes
rm -rf "$work/src" "$GOPATH" && mkdir -p "$work/src"
dpkg-source -x "$dsc" "$src" >"$work/dpkg-source.log" 2>&1 || { tail -20 "$work/dpkg-source.log"; die "dpkg-source -x $dsc failed"; }
[ -d "$src/vendor/k8s.io" ] && [ -d "$src/cmd/kube-apiserver" ] || die "$dsc is not the full Kubernetes tree with vendor/"
patches=()
for p in "$here"/patches/*.patch; do
  [ -f "$p" ] || continue
  patch -d "$src" -p1 --batch --forward --no-backup-if-mismatch <"$p" >"$work/patch.log" 2>&1 ||
    { cat "$work/patch.log"; die "patch $(basename "$p") does not apply to $src_package $src_version"; }
  patches+=("$p")
  echo "applied $(basename "$p")"
done
mkdir -p "$src/cmd/kube-all"
cp "$here/kube-all/main.go" "$src/cmd/kube-all/main.go"
# The vendored modern-go/reflect2 1.0.1 links to the runtime's reflect.mapiterinit, whose
# signature Go 1.18 changed (json-iterator then crashes); Debian's 1.0.2 is the same API, fixed.
r2=$src/vendor/github.com/modern-go/reflect2
find "$r2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
find "$tc/usr/share/gocode/src/github.com/modern-go/reflect2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
  -exec cp {} "$r2/" \;
[ -f "$r2/go_above_118.go" ] || die "reflect2 1.0.2 not in place under $r2"
mkdir -p "$GOPATH/src/k8s.io"
ln -sfn "$src" "$GOPATH/src/k8s.io/kubernetes"

stage "generated code (upstream's make generated_files, generators built for this machine)"
(cd "$src" && nice -n 10 make generated_files) >"$work/generate.log" 2>&1 ||
  { tail -30 "$work/generate.log"; die "make generated_files failed (log: $work/generate.log)"; }
[ -f "$src/pkg/generated/openapi/zz_generated.openapi.go" ] || die "make generated_files made no OpenAPI code"

stage "kube-all for linux/386 (go build, $(nproc) jobs, nice 10)"
build_date=$(date -u -d "@$(dpkg-parsechangelog -l "$src/debian/changelog" -STimestamp)" +%Y-%m-%dT%H:%M:%SZ)
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$git_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=20 -X $pkg.gitCommit=$git_commit"
  ldflags+=" -X $pkg.gitTreeState=dirty -X $pkg.buildDate=$build_date"
done
bin=$work/out
rm -rf "$bin" && mkdir -p "$bin"
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f 'peak_rss_kb=%M' -o "$work/build.time")
t_go=$(date +%s)
(cd "$GOPATH/src/k8s.io/kubernetes" &&
  GOOS=linux GOARCH=386 GO386=sse2 nice -n 10 "${timer[@]}" go build -p "$(nproc)" -trimpath -ldflags "$ldflags" -o "$bin/kube-all" ./cmd/kube-all) \
  >"$work/go-build.log" 2>&1 || { tail -40 "$work/go-build.log"; die "go build failed (log: $work/go-build.log)"; }
# kubectl also on its own: a Go program runs the init functions of every package it links
# before main, and kube-all's (all six programs') cost each `kubectl` call about a second
# in the emulator (docs/kubernetes.md)
(cd "$GOPATH/src/k8s.io/kubernetes" &&
  GOOS=linux GOARCH=386 GO386=sse2 nice -n 10 go build -p "$(nproc)" -trimpath -ldflags "$ldflags" -o "$bin/kubectl" ./cmd/kubectl) \
  >>"$work/go-build.log" 2>&1 || { tail -40 "$work/go-build.log"; die "go build of kubectl failed (log: $work/go-build.log)"; }
go_seconds=$(($(date +%s) - t_go))
peak_rss_kb=$(sed -n 's/^peak_rss_kb=//p' "$work/build.time" 2>/dev/null || true)
file -b "$bin/kube-all" 2>/dev/null | grep -q 'Intel 80386' || die "$bin/kube-all is not an i386 program: $(file -b "$bin/kube-all")"

stage "smoke test: each program prints $git_version"
for name in "${programs[@]}"; do [ "$name" = kubectl ] || ln -s kube-all "$bin/$name"; done
run386() {
  local rc=0 out
  out=$("$@" 2>&1) || rc=$?
  # no 32-bit support in this kernel: through qemu-user, when installed
  if [ "$rc" = 126 ] && command -v qemu-i386-static >/dev/null; then rc=0; out=$(qemu-i386-static "$@" 2>&1) || rc=$?; fi
  printf '%s\n' "$out"
  return "$rc"
}
for name in "${programs[@]}"; do
  if [ "$name" = kubectl ]; then args=(version --client); else args=(--version); fi
  for call in "$bin/$name" "$bin/kube-all $name"; do
    # shellcheck disable=SC2086 # $call is the program and, for kube-all, its first argument
    line=$(run386 $call "${args[@]}") || die "$call ${args[*]} failed: $line"
    grep -q "$git_version" <<<"$line" || die "$call ${args[*]} printed no $git_version: $line"
  done
  echo "$name: $line"
done
# each program keeps only its own global flags (kube-all/main.go): kubectl shows no kubelet flag
if run386 "$bin/kubectl" options | grep -q -- '--housekeeping-interval'; then die "kubectl options lists the kubelet's flags"; fi

stage "sizes (zstd -19)"
raw_bytes=$(stat -c %s "$bin/kube-all")
zstd_bytes=$(nice -n 10 zstd -q -19 -T0 -c "$bin/kube-all" | wc -c)
sha=$(sha256sum "$bin/kube-all" | cut -d' ' -f1)
echo "kube-all: $raw_bytes bytes, $zstd_bytes at zstd -19"
kubectl_bytes=$(stat -c %s "$bin/kubectl")
kubectl_zstd_bytes=$(nice -n 10 zstd -q -19 -T0 -c "$bin/kubectl" | wc -c)
echo "kubectl: $kubectl_bytes bytes, $kubectl_zstd_bytes at zstd -19"

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
{
  printf '{\n  "key": "%s",\n  "kubernetes": %s,\n  "git_commit": "%s",\n' "$key" "$(json_str "$git_version")" "$git_commit"
  printf '  "source": {"suite": "%s", "package": "%s", "version": %s, "orig_tarball_sha256": "%s",\n' \
    "$suite" "$src_package" "$(json_str "$src_version")" "$(sha256sum "$dl/${src_package}_${src_version%%-*}.orig.tar"* | cut -d' ' -f1)"
  printf '    "debian_patches": [%s]},\n' "$(grep -vE '^\s*(#|$)' "$src/debian/patches/series" | while read -r p; do json_str "$p"; echo; done | paste -sd, | sed 's/,/, /g')"
  printf '  "go": {"package": "%s", "version": "%s", "go_version": %s, "env": "GOOS=linux GOARCH=386 GO386=sse2 CGO_ENABLED=0 GO111MODULE=off", "ldflags": "-s -w"},\n' \
    "$go_package" "$go_version" "$(json_str "${go_version_line#go version }")"
  printf '  "vendor_replaced": {"github.com/modern-go/reflect2": "golang-github-modern-go-reflect2-dev %s"},\n' "$reflect2_version"
  printf '  "patches": ['
  sep=
  for p in ${patches[@]+"${patches[@]}"}; do
    printf '%s\n    {"file": %s, "sha256": "%s", "subject": %s}' "$sep" "$(json_str "$(basename "$p")")" \
      "$(sha256sum "$p" | cut -d' ' -f1)" "$(json_str "$(sed -n 's/^Subject: *//p' "$p" | head -1)")"
    sep=,
  done
  printf '],\n  "programs": [%s],\n' "$(for n in "${programs[@]}"; do json_str "$n"; echo; done | paste -sd, | sed 's/,/, /g')"
  printf '  "kube_all": {"bytes": %s, "zstd19_bytes": %s, "sha256": "%s"},\n' "$raw_bytes" "$zstd_bytes" "$sha"
  printf '  "kubectl": {"bytes": %s, "zstd19_bytes": %s, "sha256": "%s"},\n' "$kubectl_bytes" "$kubectl_zstd_bytes" "$(sha256sum "$bin/kubectl" | cut -d' ' -f1)"
  printf '  "build": {"seconds": %s, "go_build_seconds": %s, "peak_rss_kb": %s, "cores": %s, "build_date": "%s"}\n}\n' \
    "$(($(date +%s) - t_start))" "$go_seconds" "${peak_rss_kb:-null}" "$(nproc)" "$build_date"
} >"$bin/versions.json"

mkdir -p "$cache"
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
cp "$bin/kube-all" "$bin/kubectl" "$bin/versions.json" "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
# keep only the newest two builds
ls -1dt "$cache"/*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
# the unpacked tree and toolchain go (K8S_KEEP_TREE=1 keeps them, for recipe development);
# the downloads and Go's build cache stay for a rebuild
[ -n "${K8S_KEEP_TREE:-}" ] || rm -rf "$work/src" "$GOPATH" "$bin" "$tc"
stage "done in $(($(date +%s) - t_start)) s: $out"
echo "$out"
