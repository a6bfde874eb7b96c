# shellcheck shell=bash
# scripts/lib.sh: set up what kstlib's tests need on a Debian 12 machine (root or sudo):
# packages, a running Docker engine, a Podman config of our own, and the local test image.
#
# Sourced by scripts/test (and by any later script that needs the same backends: benches,
# fuzzing, manual runs). It only defines functions and variables; nothing runs on source.
# Every kst_ensure_* step is idempotent and cheap when its work is already done.
#
# Facts behind the choices (verified on the project's VMs): no image registry is reachable;
# Podman's default runtime (crun) fails there, runc works with ulimits within the machine's
# hard limits; nothing starts dockerd; /etc is not ours to edit.

KST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Files of our own (Podman config, dockerd log, image tarball) live in cargo's target dir.
KST_TARGET=${CARGO_TARGET_DIR:-$KST_ROOT/target}
[[ $KST_TARGET == /* ]] || KST_TARGET=$KST_ROOT/$KST_TARGET
KST_STATE=$KST_TARGET/kstlib-test
# The image the tests use. Docker calls it kstlib-test/busybox:1, Podman
# localhost/kstlib-test/busybox:1 (both accept the short name).
KST_IMAGE=kstlib-test/busybox:1
# Label on the image whose value identifies its content (layout below + busybox build):
# an image made by an older version of this file is replaced, not silently reused.
KST_IMAGE_LABEL=io.kstlib.test.image
KST_IMAGE_LAYOUT=1
KST_PACKAGES_NEEDED="tmux podman runc docker.io busybox-static fish zsh openssh-client openssh-server"
KST_DOCKERD_WAIT_S=30

# ---------------------------------------------------------------- output and helpers

kst_say() { printf '==> %s\n' "$*" >&2; }
kst_die() {
  printf 'error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}
# Milliseconds since the epoch (EPOCHREALTIME's separator follows the locale).
kst_ms() {
  local t=${EPOCHREALTIME//[!0-9]/}
  echo $((10#$t / 1000))
}
kst_secs() { printf '%d.%02d s' $(($1 / 1000)) $(($1 % 1000 / 10)); }

# kst_step NAME FUNCTION [ARGS...]: run one setup step. The function leaves a one-line
# outcome in KST_RESULT; the step prints "==> NAME: outcome (time)".
KST_RESULT=
kst_step() {
  local name=$1 t0
  shift
  t0=$(kst_ms)
  KST_RESULT=
  "$@"
  kst_say "$name: ${KST_RESULT:-done} ($(kst_secs $(($(kst_ms) - t0))))"
}

# Run a command as root: directly when root, else through sudo.
kst_as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    kst_die "this step needs root: run as root or install sudo" "command: $*"
  fi
}

# Run a command without the setup lock's file descriptor: dockerd (and Podman's conmon or
# rootless pause process) would otherwise inherit it and hold the lock for their lifetime.
KST_LOCK_FD=
kst_run() {
  if [[ -n $KST_LOCK_FD ]]; then
    "$@" {KST_LOCK_FD}>&-
  else
    "$@"
  fi
}

# Is a program installed? Also looks in the sbin dirs, which a user's PATH may lack.
kst_have() {
  command -v "$1" >/dev/null 2>&1 || [[ -x /usr/sbin/$1 || -x /sbin/$1 ]]
}
kst_pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# Find cargo; rustup installs it in ~/.cargo/bin, which a fresh login shell may not have.
kst_ensure_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    local bin=${CARGO_HOME:-$HOME/.cargo}/bin
    if [[ -x $bin/cargo ]]; then
      export PATH="$bin:$PATH"
    else
      kst_die "cargo not found (not on PATH, not in $bin)" \
        "install Rust with rustup: https://rustup.rs (Debian's rustc is too old for edition 2024)"
    fi
  fi
}

# ---------------------------------------------------------------- packages

# The Debian packages still missing, one per word. A program present from elsewhere
# (e.g. docker-ce instead of docker.io) counts as present: we never replace it.
kst_missing_packages() {
  local missing=()
  kst_have tmux || missing+=(tmux)
  kst_have podman || missing+=(podman)
  kst_have runc || missing+=(runc)
  { kst_have dockerd && kst_have docker; } || missing+=(docker.io)
  # The image needs a static busybox; Debian's dynamic "busybox" would not run in it.
  kst_pkg_installed busybox-static || missing+=(busybox-static)
  # The completion tests source kstlib's script into a real fish (bash is always there).
  kst_have fish || missing+=(fish)
  # The remote scripts must read alike in every login shell: unit tests run them in zsh.
  kst_have zsh || missing+=(zsh)
  # The second host of the remote tests: a real sshd on loopback (see kst_ensure_sshd).
  kst_have ssh || missing+=(openssh-client)
  kst_have sshd || missing+=(openssh-server)
  # Rootless Podman (not root) needs newuidmap/newgidmap; root does not.
  if ((EUID != 0)); then kst_have newuidmap || missing+=(uidmap); fi
  echo "${missing[*]}"
}

kst_ensure_packages() {
  local missing
  missing=$(kst_missing_packages)
  if [[ -z $missing ]]; then
    KST_RESULT="all present ($KST_PACKAGES_NEEDED)"
    return
  fi
  command -v apt-get >/dev/null 2>&1 ||
    kst_die "missing packages ($missing) and no apt-get: install them by hand"
  kst_say "installing packages: $missing"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y
    -o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0)
  # (a package's postinst may start a daemon: kst_run keeps the lock out of it)
  # openssh-server's would start the machine's own sshd on port 22: the tests start theirs,
  # on loopback. A policy-rc.d of ours forbids service starts during the install (and
  # goes away after it); one that is already there is left alone.
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ " $missing " == *" openssh-server "* && ! -e $policy ]]; then
    kst_as_root sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy" && ours=1
  fi
  local ok=1
  # shellcheck disable=SC2086 # $missing is a list of package names
  if ! kst_run kst_as_root "${apt[@]}" update >&2 ||
    ! kst_run kst_as_root "${apt[@]}" install $missing >&2; then
    ok=
  fi
  [[ -z $ours ]] || kst_as_root rm -f "$policy"
  [[ -n $ok ]] || kst_die "apt-get could not install: $missing"
  missing=$(kst_missing_packages)
  [[ -z $missing ]] || kst_die "still missing after apt-get install: $missing"
  KST_RESULT="installed"
}

# ---------------------------------------------------------------- docker engine

# docker info, bounded: a hung engine must not hang the setup. Prints its stderr.
kst_docker_info() {
  local rc=0
  # shellcheck disable=SC2069 # on purpose: stderr to the caller, stdout dropped
  kst_run timeout 20 docker info 2>&1 >/dev/null || rc=$?
  ((rc != 124)) || echo "docker info did not answer within 20 s (hung engine?)"
  return "$rc"
}

kst_ensure_docker() {
  local err
  if err=$(kst_docker_info); then
    KST_RESULT="already running"
    return
  fi
  if [[ $err == *"permission denied"* ]]; then
    kst_die "the Docker engine runs but $(id -un) may not use its socket" \
      "add yourself to the docker group: sudo usermod -aG docker $(id -un); then log in again" \
      "docker info said: ${err%%$'\n'*}"
  fi
  if [[ -n ${DOCKER_HOST:-} ]]; then
    kst_die "docker info fails with DOCKER_HOST=$DOCKER_HOST; not starting a local engine" \
      "docker info said: ${err%%$'\n'*}"
  fi
  mkdir -p "$KST_STATE"
  local log=$KST_STATE/dockerd.log how
  if command -v pgrep >/dev/null 2>&1 && pgrep -x dockerd >/dev/null; then
    how="was starting"
    kst_say "docker engine: dockerd runs but does not answer yet, waiting"
  elif [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    how="started with systemctl"
    kst_say "docker engine: systemctl start docker"
    kst_run kst_as_root systemctl start docker >&2 || true # the wait below reports the failure
    log="(systemd journal: journalctl -u docker)"
  else
    how="started dockerd, log $log"
    kst_say "docker engine: starting dockerd in the background (log: $log)"
    # setsid -f: its own session, so it outlives this script and ignores its Ctrl-C.
    : >"$log"
    kst_run kst_as_root setsid -f dockerd >>"$log" 2>&1 </dev/null
  fi
  local deadline=$(($(kst_ms) + KST_DOCKERD_WAIT_S * 1000))
  until err=$(kst_docker_info); do
    if (($(kst_ms) > deadline)); then
      local tail=("docker info said: ${err%%$'\n'*}")
      if [[ -f $log ]]; then
        tail+=("last lines of $log:")
        mapfile -t -O 2 tail < <(tail -n 20 "$log")
      fi
      kst_die "the Docker engine did not answer within ${KST_DOCKERD_WAIT_S} s" "${tail[@]}"
    fi
    sleep 0.3
  done
  KST_RESULT=$how
}

# ---------------------------------------------------------------- podman config

# Write Podman's config to a file of our own (never /etc) and export CONTAINERS_CONF.
# The default runtime crun fails on these VMs, and runc refuses ulimits above the
# machine's hard limits, so both are set explicitly.
kst_ensure_podman_conf() {
  local nofile nproc pid_max
  nofile=$(ulimit -Hn)
  [[ $nofile == unlimited ]] && nofile=$(</proc/sys/fs/nr_open)
  nproc=$(ulimit -Hu)
  pid_max=$(</proc/sys/kernel/pid_max)
  if [[ $nproc == unlimited ]] || ((nproc > pid_max)); then nproc=$pid_max; fi
  local conf=$KST_STATE/containers.conf content
  content=$(
    cat <<EOF
# Written by scripts/test (scripts/lib.sh); used through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
EOF
  )
  mkdir -p "$KST_STATE"
  if [[ -f $conf && $(<"$conf") == "$content" ]]; then
    KST_RESULT="unchanged"
  else
    printf '%s\n' "$content" >"$conf"
    KST_RESULT="written"
  fi
  export CONTAINERS_CONF=$conf
  KST_RESULT+=" ${conf#"$KST_ROOT"/} (nofile=$nofile, nproc=$nproc, runtime runc)"
}

# ---------------------------------------------------------------- test image

kst_busybox() {
  local p
  for p in /bin/busybox /usr/bin/busybox; do
    [[ -x $p ]] && { echo "$p"; return; }
  done
  kst_die "no busybox binary (package busybox-static)"
}

# Identifies the image content: our layout version and the exact busybox build.
kst_image_version() {
  local bb
  bb=$(kst_busybox)
  { echo "layout=$KST_IMAGE_LAYOUT"; "$bb" | head -n 1; sha256sum <"$bb"; } |
    sha256sum | cut -c1-16
}

# The version label of the image in runtime $1 (empty when the image is missing).
kst_image_present_version() {
  kst_run "$1" image inspect --format "{{index .Config.Labels \"$KST_IMAGE_LABEL\"}}" \
    "$KST_IMAGE" 2>/dev/null || true
}

# Build $KST_STATE/busybox-image.tar: a root filesystem with a static busybox and a symlink
# for every applet it has (sh, sleep, echo, cat, ls, printf, kill, date, seq, head, tail,
# env, true, false, yes, timeout, ps, …), merged /usr, and minimal /etc/passwd, /etc/group.
kst_build_image_tar() {
  local tar=$1 bb root applet
  bb=$(kst_busybox)
  root=$(mktemp -d "$KST_STATE/rootfs.XXXXXX")
  mkdir -p "$root"/{bin,etc,tmp,root,proc,sys,dev,usr,var}
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  ln -s bin "$root/sbin"
  ln -s ../bin "$root/usr/bin"
  ln -s ../bin "$root/usr/sbin"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$tar" .
  rm -rf "$root"
}

# Import the image into each runtime where it is missing or made from other content.
kst_ensure_image() {
  local want tar=$KST_STATE/busybox-image.tar rt done_in=() have_in=()
  want=$(kst_image_version)
  mkdir -p "$KST_STATE"
  for rt in docker podman; do
    if [[ $(kst_image_present_version "$rt") == "$want" ]]; then
      have_in+=("$rt")
      continue
    fi
    [[ -f $tar && -f $tar.version && $(<"$tar.version") == "$want" ]] || {
      kst_build_image_tar "$tar"
      echo "$want" >"$tar.version"
    }
    local old quiet=()
    old=$(kst_run "$rt" image inspect --format '{{.Id}}' "$KST_IMAGE" 2>/dev/null || true)
    [[ $rt == podman ]] && quiet=(--quiet)
    kst_run "$rt" import "${quiet[@]}" --change "LABEL $KST_IMAGE_LABEL=$want" \
      --change 'CMD ["sh"]' "$tar" "$KST_IMAGE" >/dev/null ||
      kst_die "$rt import of $tar as $KST_IMAGE failed"
    # An image made from older content is now untagged: drop it unless a container uses it.
    [[ -z $old ]] || kst_run "$rt" image rm "$old" >/dev/null 2>&1 || true
    done_in+=("$rt")
  done
  KST_RESULT="$KST_IMAGE"
  ((${#have_in[@]} == 0)) || KST_RESULT+=", present in ${have_in[*]}"
  ((${#done_in[@]} == 0)) || KST_RESULT+=", imported into ${done_in[*]}"
}

# Prove a runtime can run the image: a one-shot container that prints a word.
kst_check_runtime() {
  local rt=$1 out
  if ! out=$(kst_run "$rt" run --rm "$KST_IMAGE" echo kstlib-ok 2>&1) || [[ $out != kstlib-ok ]]; then
    local hint=()
    [[ $rt == podman ]] && hint=("CONTAINERS_CONF=${CONTAINERS_CONF:-}")
    kst_die "$rt cannot run the test image $KST_IMAGE" "${hint[@]}" "$rt said:" "$out"
  fi
  KST_RESULT="runs $KST_IMAGE"
}

# ---------------------------------------------------------------- sshd for remote tests

# The remote tests start an sshd of their own per test (tests/integration/env.rs SshHost):
# on 127.0.0.1, a free port, keys made for it, in a mount namespace of its own. sshd needs
# its privilege-separation directory; unshare and root make the namespace.
kst_ensure_sshd() {
  [[ -x /usr/sbin/sshd ]] || kst_die "no /usr/sbin/sshd (package openssh-server)"
  command -v unshare >/dev/null 2>&1 || kst_die "no unshare (package util-linux)"
  [[ -d /run/sshd ]] || kst_as_root mkdir -p /run/sshd
  if ((EUID == 0)); then
    KST_RESULT="$(/usr/sbin/sshd -V 2>&1 | head -n 1), /run/sshd ready"
  else
    KST_RESULT="present; the remote tests need root (a mount namespace) and are skipped"
  fi
}

# Everything above, in order, under a lock so that two checkouts of one user do not
# start two engines or import twice at the same moment.
kst_setup() {
  mkdir -p "$KST_STATE"
  exec {KST_LOCK_FD}>"${TMPDIR:-/tmp}/kstlib-test-setup-$(id -u).lock"
  flock -w 600 "$KST_LOCK_FD" ||
    kst_die "another scripts/test has held the setup lock for 10 minutes" \
      "lock: ${TMPDIR:-/tmp}/kstlib-test-setup-$(id -u).lock (fuser -v shows who holds it)"
  kst_step packages kst_ensure_packages
  kst_step "docker engine" kst_ensure_docker
  kst_step "podman config" kst_ensure_podman_conf
  kst_step "test image" kst_ensure_image
  kst_step podman kst_check_runtime podman
  kst_step docker kst_check_runtime docker
  kst_step sshd kst_ensure_sshd
  exec {KST_LOCK_FD}>&-
  KST_LOCK_FD=
  export KSTLIB_TEST_IMAGE=$KST_IMAGE
  # CI sets it to 1 (a missing backend then fails the tests); keep it for cargo.
  if [[ -v KSTLIB_REQUIRE_BACKENDS ]]; then export KSTLIB_REQUIRE_BACKENDS; fi
}
