#!/usr/bin/env bash
# build-base-image.sh: builds the local image gateway-base:<release> without pulling anything (the Docker
# suite runs on it where eclipse-temurin:17-jre and haproxy:2.8 cannot be pulled, as in CI here).
#
#   sudo docker/build-base-image.sh [--force] [--tag NAME:TAG]
#
# debootstrap --variant=minbase of this machine's Debian release (from /etc/os-release, else the
# apt sources) from the Debian mirror named in this machine's apt sources, with the packages a
# gateway node, HAProxy and the chaos tests need (PACKAGES below), then `docker import`. Skips
# the build when the image exists, unless --force. Talks to $DOCKER_HOST, or to the engine of
# docker/start-dockerd.sh when DOCKER_HOST is unset and its socket exists.
set -euo pipefail
export LC_ALL=C

PACKAGES=(openjdk-17-jre-headless haproxy iproute2 iptables procps curl ca-certificates)

log() { printf '[build-base-image] %s\n' "$*" >&2; }
die() { printf '[build-base-image] ERROR: %s\n' "$*" >&2; exit 1; }

force=0 tag=""
while (($#)); do
  case $1 in
    --force) force=1 ;;
    --tag) shift; tag=${1:?--tag needs NAME:TAG} ;;
    -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (usage: build-base-image.sh [--force] [--tag NAME:TAG])" ;;
  esac
  shift
done

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"
if [[ -z ${DOCKER_HOST:-} && -S /run/gateway-docker/docker.sock ]]; then
  export DOCKER_HOST=unix:///run/gateway-docker/docker.sock
fi
command -v docker >/dev/null || die "no docker client (run docker/start-dockerd.sh first)"
timeout 20 docker info >/dev/null 2>&1 || die "no Docker engine answers at ${DOCKER_HOST:-the default socket} (run docker/start-dockerd.sh)"

# ---- which release, which mirror -------------------------------------------------------------
# Prints "URI SUITE" for every Debian deb source of this machine, one-line and deb822 formats.
apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk '
      function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(uris, u, " "); m = split(suites, s, " ");
                           for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j] } types = uris = suites = ""; enabled = "" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { line = $0; key = tolower(line); sub(/:.*/, "", key); sub(/^[^:]*:[ \t]*/, "", line)
        if (key == "types") types = line; else if (key == "uris") uris = line
        else if (key == "suites") suites = line; else if (key == "enabled") enabled = tolower(line) }
      END { flush() }' "$f"
  done
}

release=""
if [[ -r /etc/os-release ]]; then
  release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
fi
if [[ -z $release ]]; then # the first suite without a -updates/-security/-backports suffix
  release=$(apt_sources | awk '$2 !~ /-/ { print $2; exit }')
fi
[[ $release =~ ^[a-z]+$ ]] || die "cannot tell the Debian release (no VERSION_CODENAME in /etc/os-release, no plain suite in the apt sources)"
mirror=$(apt_sources | awk -v r="$release" '$2 == r { print $1; exit }')
[[ -n $mirror ]] || die "no apt source for suite '$release' in /etc/apt/sources.list{,.d/}"
security=$(apt_sources | awk -v r="$release-security" '$2 == r { print $1; exit }')
has_updates=$(apt_sources | awk -v r="$release-updates" '$2 == r { print "yes"; exit }')
tag=${tag:-gateway-base:$release}

if ((!force)) && docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag already exists (use --force to rebuild)"
  exit 0
fi
log "building $tag: Debian $release from $mirror${security:+ (security: $security)}"

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap with apt-get"
  DEBIAN_FRONTEND=noninteractive timeout -k 10 600 apt-get update -q >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout -k 10 600 apt-get install -y -q --no-install-recommends debootstrap >&2 ||
    die "apt-get install debootstrap failed"
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r $keyring ]] || die "missing $keyring (apt-get install debian-archive-keyring)"

# ---- debootstrap -----------------------------------------------------------------------------
work=$(mktemp -d /var/tmp/gateway-base.XXXXXX)
root="$work/rootfs"
unmount_all() {
  local m
  for m in "$root/proc" "$root/sys" "$root/dev/pts"; do
    if mountpoint -q "$m" 2>/dev/null; then umount -l "$m" || true; fi
  done
}
cleanup() { unmount_all; rm -rf --one-file-system "$work"; }
trap cleanup EXIT

t0=$SECONDS
include=$(IFS=,; echo "${PACKAGES[*]}")
log "debootstrap --variant=minbase --include=$include (log: $work/debootstrap.log)"
if ! debootstrap --variant=minbase --components=main --keyring="$keyring" --include="$include" \
  "$release" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 40 "$work/debootstrap.log" | sed 's/^/    /' >&2
  tail -n 40 "$root/debootstrap/debootstrap.log" 2>/dev/null | sed 's/^/    /' >&2 || true
  die "debootstrap failed (log above)"
fi
log "debootstrap done in $((SECONDS - t0))s"

# ---- apt-get in the chroot: updates, anything --include could not resolve, then clean --------
t1=$SECONDS
{
  echo "deb $mirror $release main"
  [[ -n $has_updates ]] && echo "deb $mirror $release-updates main"
  [[ -n $security ]] && echo "deb $security $release-security main"
} >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" # no service starts inside the chroot
chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
if ! {
  in_root apt-get update -q &&
    in_root apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade &&
    in_root apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" &&
    in_root apt-get clean
} >"$work/apt.log" 2>&1; then
  tail -n 40 "$work/apt.log" | sed 's/^/    /' >&2
  die "apt-get in the chroot failed (log above)"
fi
arch=$(in_root dpkg --print-architecture)
java_home=$(dirname "$(dirname "$(readlink -f "$root/usr/bin/java" | sed "s|^$root||")")")
[[ -x $root$java_home/bin/java ]] || die "java is missing from the image ($java_home)"
for tool in haproxy ip iptables ps curl; do
  in_root sh -c "command -v $tool" >/dev/null || die "$tool is missing from the image"
done
unmount_all
# Lean: no package lists, caches, logs, man pages or docs (copyright files stay).
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root"/var/log/* "$root"/tmp/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
: >"$root/etc/resolv.conf" # Docker provides its own
echo "gateway-base" >"$root/etc/hostname"
log "packages and clean-up done in $((SECONDS - t1))s"

# ---- import ----------------------------------------------------------------------------------
t2=$SECONDS
old_id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
log "docker import as $tag"
tar -C "$root" --numeric-owner --xattrs -c . |
  docker import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change "ENV JAVA_HOME=$java_home" \
    --change "LABEL org.opencontainers.image.title=gateway-base org.opencontainers.image.description=\"Debian $release minbase with ${PACKAGES[*]}\"" \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap --variant=minbase $release ($arch) from $mirror + ${PACKAGES[*]}" \
    - "$tag" >/dev/null
log "import done in $((SECONDS - t2))s"
if [[ -n $old_id ]]; then # --force: drop the image this one replaces, unless something still uses it
  docker image rm "$old_id" >/dev/null 2>&1 || true
fi
check=$(docker run --rm --network none "$tag" sh -c 'java -version 2>&1 && haproxy -v' 2>&1) ||
  die "the new image does not run java/haproxy: $check"
log "check: $(printf '%s\n' "$check" | grep -E '^(openjdk|HAProxy) version' | tr '\n' ';')"
log "$tag: $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'), total $((SECONDS - t0))s"
