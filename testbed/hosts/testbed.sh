#!/usr/bin/env bash
# The project's own test hosts, each in its own network namespace on this machine:
#   gs1-gs3  198.18.0.11-13  Gluster servers (glusterd + sshd), formed into one trusted pool
#   calvin, dogbert, rhvnode3-5  198.18.0.21-25  hypervisor hosts (sshd + an OS identity EL7/EL8);
#                                rhvnode3-5 also run glusterd (hyperconverged, a pool of their own)
#   the main namespace reaches them as 198.18.0.1 (198.18.0.0/15 is the RFC 2544 benchmark range:
#   nothing here leaves the machine).
# One "switch" namespace holds a bridge; every host has a veth into it. Each host gets a private
# mount and UTS namespace held by a "holder" process: /etc is an overlay (own SSH host keys, root
# password, /etc/redhat-release, /etc/ovirt-lab/vdsm-version), /run is its own tmpfs, and
# /var/lib/glusterd, /var/log/glusterfs, /srv and /root are bind mounts of the host's state directory
# (so what an engine's host-deploy writes to root's ~/.ssh lands on the test host, not on this machine).
#
# Usage: testbed.sh start [--lease ID] | release ID | stop | status | reprovision <host> <el7|el8>
#        | unmount-gluster [DIR] (what stop does first: lazily unmount FUSE glusterfs mounts of testbed volumes)
# Leases let test suites share the testbed: `start --lease ID` records a user (ID starts with the
# user's pid); `release ID` drops it and stops the testbed when no live lease is left and it was a
# lease that started it (a testbed someone started by hand stays up). Commands hold $STATE/lock.
# State: $OVIRT_LAB_TESTBED_DIR (default /var/tmp/ovirt-lab-testbed). Root is required.
set -euo pipefail

STATE=${OVIRT_LAB_TESTBED_DIR:-/var/tmp/ovirt-lab-testbed}
PREFIX=olt
SWITCH_NS=${PREFIX}-sw
MAIN_IF=${PREFIX}-main
MAIN_ADDR=198.18.0.1
NETMASK=24
GLUSTER_HOSTS=(gs1 gs2 gs3)
# The seed lab's E300 nodes also serve its 4.3 Gluster volumes (hyperconverged): glusterd runs on
# them too, in a trusted pool of their own. A reprovision keeps it (the brick disks survive a reinstall).
HYPERCONVERGED=(rhvnode3 rhvnode4 rhvnode5)
HYPERVISORS=(calvin dogbert rhvnode3 rhvnode4 rhvnode5)
ALL_HOSTS=("${GLUSTER_HOSTS[@]}" "${HYPERVISORS[@]}")
declare -A ADDR=(
  [gs1]=198.18.0.11 [gs2]=198.18.0.12 [gs3]=198.18.0.13
  [calvin]=198.18.0.21 [dogbert]=198.18.0.22 [rhvnode3]=198.18.0.23 [rhvnode4]=198.18.0.24 [rhvnode5]=198.18.0.25
)
# (The versions match simulator/dataplane/hosts.ts: EL7 7.9 with vdsm 4.30.46, EL8 8.6 with vdsm 4.40.100.)
# What a fresh install of each hypervisor runs (the seed lab: calvin/dogbert on EL7, the rest EL8).
declare -A DEFAULT_OS=([calvin]=el7 [dogbert]=el7 [rhvnode3]=el8 [rhvnode4]=el8 [rhvnode5]=el8)
WAIT_SECONDS=${OVIRT_LAB_TESTBED_WAIT:-60}
PACKAGES=(glusterfs-server glusterfs-client qemu-utils attr openssh-server iproute2 iputils-ping)

log() { printf '[testbed] %s\n' "$*" >&2; }
die() {
  printf '[testbed] ERROR: %s\n' "$*" >&2
  exit 1
}

require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    die "must run as root (it creates network namespaces, veths, bind mounts and runs glusterd/sshd); run: sudo $0 $*"
  fi
}

# (Captured first: `cmd | grep -q` fails under pipefail when grep exits before cmd is done.)
ns_exists() { [[ $'\n'$(ip netns list 2>/dev/null | cut -d' ' -f1)$'\n' == *$'\n'"$1"$'\n'* ]]; }
has_addr() { [[ $("${@:2}" 2>/dev/null) == *"inet $1/"* ]]; }

ns_of() { echo "${PREFIX}-$1"; }
hdir() { echo "$STATE/hosts/$1"; }
is_gluster() { [[ $1 == gs* ]]; }
runs_glusterd() { is_gluster "$1" || [[ " ${HYPERCONVERGED[*]} " == *" $1 "* ]]; }
known_host() {
  local h
  for h in "${ALL_HOSTS[@]}"; do [[ $h == "$1" ]] && return 0; done
  return 1
}

# A pid recorded in a file, when that process still runs (the file's name says what it is).
live_pid() {
  local f=$1 pid
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f="\${Status}" "$p" 2>/dev/null || true) == "install ok installed" ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 600 apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
    timeout 300 apt-get update >&2
    timeout 600 apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
  # The packages' own services (when an init system started them) are not the testbed's.
  local pid
  for pid in $(pgrep -x glusterd || true); do
    [[ $(readlink "/proc/$pid/ns/net") == $(readlink /proc/1/ns/net) ]] && log "note: a glusterd (pid $pid) runs in the main namespace; the testbed does not use it"
  done
  return 0
}

# Runs a command inside a host's namespaces (network, mount, UTS) via its holder.
in_host() {
  local h=$1 pid
  shift
  pid=$(live_pid "$(hdir "$h")/holder.pid") || die "host $h is not running (run: $0 start)"
  nsenter -t "$pid" -m -u -n "$@"
}

ensure_keys() {
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  [[ -s $STATE/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C ovirt-lab-testbed -f "$STATE/id_ed25519"
  if [[ ! -s $STATE/root-password ]]; then
    (umask 077 && head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$STATE/root-password")
  fi
}

ensure_switch() {
  ns_exists "$SWITCH_NS" || ip netns add "$SWITCH_NS"
  ip -n "$SWITCH_NS" link show br0 >/dev/null 2>&1 || ip -n "$SWITCH_NS" link add br0 type bridge
  ip -n "$SWITCH_NS" link set lo up
  ip -n "$SWITCH_NS" link set br0 up
  if ! ip link show "$MAIN_IF" >/dev/null 2>&1; then
    ip link add "$MAIN_IF" type veth peer name p-main netns "$SWITCH_NS"
  fi
  ip -n "$SWITCH_NS" link set p-main master br0 up
  has_addr "$MAIN_ADDR" ip addr show dev "$MAIN_IF" || ip addr add "$MAIN_ADDR/$NETMASK" dev "$MAIN_IF"
  ip link set "$MAIN_IF" up
}

ensure_netns() {
  local h=$1 ns
  ns=$(ns_of "$h")
  ns_exists "$ns" || ip netns add "$ns"
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
    ip -n "$SWITCH_NS" link del "p-$h" >/dev/null 2>&1 || true
    ip link add "t-$h" netns "$ns" type veth peer name "p-$h" netns "$SWITCH_NS"
    ip -n "$ns" link set "t-$h" name eth0
  fi
  ip -n "$SWITCH_NS" link set "p-$h" master br0 up
  ip -n "$ns" link set lo up
  has_addr "${ADDR[$h]}" ip -n "$ns" addr show dev eth0 || ip -n "$ns" addr add "${ADDR[$h]}/$NETMASK" dev eth0
  ip -n "$ns" link set eth0 up
}

os_files() {
  # Writes the OS identity of $2 (el7|el8) under the /etc tree $1.
  local etc=$1 os=$2
  mkdir -p "$etc/ovirt-lab"
  case $os in
  el7)
    echo "CentOS Linux release 7.9.2009 (Core)" >"$etc/redhat-release"
    printf 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n' >"$etc/os-release"
    echo "vdsm-4.30.46-1.el7" >"$etc/ovirt-lab/vdsm-version"
    ;;
  el8)
    echo "Red Hat Enterprise Linux release 8.6 (Ootpa)" >"$etc/redhat-release"
    printf 'NAME="Red Hat Enterprise Linux"\nVERSION="8.6 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.6"\nPRETTY_NAME="Red Hat Enterprise Linux 8.6 (Ootpa)"\n' >"$etc/os-release"
    echo "vdsm-4.40.100.2-1.el8" >"$etc/ovirt-lab/vdsm-version"
    ;;
  *) die "unknown OS \"$os\" (expected el7 or el8)" ;;
  esac
  echo "$os" >"$etc/ovirt-lab/os"
}

sshd_config() {
  local h=$1
  cat <<EOF
# ovirt-lab testbed host $h
ListenAddress ${ADDR[$h]}:22
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_rsa_key
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
AuthorizedKeysFile /etc/ssh/authorized_keys/%u .ssh/authorized_keys
StrictModes no
UsePAM yes
UseDNS no
PidFile /run/sshd.pid
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# The first start of a host lays out its state directory; later starts keep it (like a disk).
prepare_host() {
  local h=$1 d
  d=$(hdir "$h")
  mkdir -p "$d"/{etc-upper,etc-work,log,srv,glusterd,root}
  chmod 700 "$d/root"
  if [[ ! -e $d/etc-upper/.provisioned ]]; then
    mkdir -p "$d/etc-upper/ssh/authorized_keys"
    rm -f "$d"/etc-upper/ssh/ssh_host_*
    ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$d/etc-upper/ssh/ssh_host_ed25519_key"
    ssh-keygen -q -t ecdsa -N '' -C "root@$h" -f "$d/etc-upper/ssh/ssh_host_ecdsa_key"
    ssh-keygen -q -t rsa -b 2048 -N '' -C "root@$h" -f "$d/etc-upper/ssh/ssh_host_rsa_key"
    echo "$h" >"$d/etc-upper/hostname"
    if ! is_gluster "$h"; then os_files "$d/etc-upper" "${DEFAULT_OS[$h]}"; fi
    touch "$d/etc-upper/.provisioned"
  fi
  sshd_config "$h" >"$d/etc-upper/ssh/sshd_config.testbed"
  cp "$STATE/id_ed25519.pub" "$d/etc-upper/ssh/authorized_keys/root"
  if runs_glusterd "$h" && [[ ! -d $d/glusterd/groups ]]; then
    [[ -d /var/lib/glusterd/groups ]] || die "/var/lib/glusterd/groups is missing (is glusterfs-server installed?)"
    cp -a /var/lib/glusterd/groups "$d/glusterd/"
    [[ -d /var/lib/glusterd/hooks ]] && cp -a /var/lib/glusterd/hooks "$d/glusterd/"
  fi
}

start_holder() {
  local h=$1 d ns
  d=$(hdir "$h")
  ns=$(ns_of "$h")
  live_pid "$d/holder.pid" >/dev/null && return 0
  mkdir -p /srv
  # The holder keeps the host's mount and UTS namespaces alive; every daemon of the host joins them.
  # shellcheck disable=SC2016 # expanded by the inner bash
  ip netns exec "$ns" unshare -m -u --propagation private bash -c '
    set -e
    d=$1 h=$2
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/etc-upper,workdir=$d/etc-work" /etc
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/sshd /run/gluster /run/lock
    mount --bind "$d/log" /var/log/glusterfs 2>/dev/null || { mkdir -p /var/log/glusterfs && mount --bind "$d/log" /var/log/glusterfs; }
    mount --bind "$d/glusterd" /var/lib/glusterd
    mount --bind "$d/srv" /srv
    mount --bind "$d/root" /root
    hostname "$h"
    exec -a "ovirt-lab-testbed-holder-$h" sleep infinity
  ' holder "$d" "$h" </dev/null >>"$d/holder.log" 2>&1 9>&- &
  echo $! >"$d/holder.pid"
  # The holder is ready once it has its own mount namespace and /etc shows the host's files.
  wait_for 10 "the namespaces of $h" bash -c "
    p=\$(<'$d/holder.pid'); kill -0 \$p &&
    [[ \$(readlink /proc/\$p/ns/mnt) != \$(readlink /proc/self/ns/mnt) ]] &&
    [[ \$(readlink /proc/\$p/exe) == *sleep ]] &&
    nsenter -t \$p -m test -e /etc/ssh/sshd_config.testbed"
  in_host "$h" chpasswd <<<"root:$(<"$STATE/root-password")"
}

# The host's own /root (a holder started before /root was per host gets the mount now).
ensure_root_mount() {
  local h=$1 d
  d=$(hdir "$h")
  [[ $(in_host "$h" stat -c %d:%i /root) == $(stat -c %d:%i "$d/root") ]] || in_host "$h" mount --bind "$d/root" /root
}

start_sshd() {
  local h=$1 d
  d=$(hdir "$h")
  live_pid "$d/sshd.pid" >/dev/null && return 0
  local holder
  holder=$(live_pid "$d/holder.pid") || die "host $h is not running"
  # nsenter execs sshd (no fork), so $! is sshd's own pid.
  nsenter -t "$holder" -m -u -n /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config.testbed </dev/null >>"$d/sshd.log" 2>&1 9>&- &
  echo $! >"$d/sshd.pid"
}

start_glusterd() {
  local h=$1 d
  d=$(hdir "$h")
  live_pid "$d/glusterd.pid" >/dev/null && return 0
  local holder
  holder=$(live_pid "$d/holder.pid") || die "host $h is not running"
  nsenter -t "$holder" -m -u -n glusterd -N --log-file=/var/log/glusterfs/glusterd.log </dev/null >>"$d/glusterd.out" 2>&1 9>&- &
  echo $! >"$d/glusterd.pid"
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

gluster_in() {
  local h=$1
  shift
  in_host "$h" timeout 30 gluster --mode=script "$@"
}

# A trusted pool: its first host has every other one as a connected peer.
pool_formed() {
  local first=$1 out
  shift
  out=$(gluster_in "$first" pool list) || return 1
  [[ $(grep -c "Connected" <<<"$out" || true) -eq $(($# + 1)) ]]
}

form_pool() {
  local first=$1 h
  shift
  for h in "$@"; do
    if [[ $(gluster_in "$first" pool list) != *"${ADDR[$h]}"* ]]; then
      gluster_in "$first" peer probe "${ADDR[$h]}" >&2
    fi
  done
  wait_for "$WAIT_SECONDS" "the trusted pool of $first $* (all peers connected)" pool_formed "$first" "$@"
}

# $STATE/known_hosts: every host's current SSH host keys (clients check them against it).
write_known_hosts() {
  local h f type blob tmp
  tmp=$(mktemp "$STATE/known_hosts.XXXXXX")
  for h in "${ALL_HOSTS[@]}"; do
    for f in "$(hdir "$h")"/etc-upper/ssh/ssh_host_*_key.pub; do
      [[ -e $f ]] || continue
      read -r type blob _ <"$f"
      echo "${ADDR[$h]} $type $blob" >>"$tmp"
    done
  done
  chmod 644 "$tmp"
  mv -f "$tmp" "$STATE/known_hosts"
}

cmd_start() {
  local t0=$SECONDS h
  ensure_packages
  ensure_keys
  ensure_switch
  for h in "${ALL_HOSTS[@]}"; do
    ensure_netns "$h"
    prepare_host "$h"
    start_holder "$h"
    ensure_root_mount "$h"
    start_sshd "$h"
    if runs_glusterd "$h"; then start_glusterd "$h"; fi
  done
  for h in "${ALL_HOSTS[@]}"; do
    wait_for "$WAIT_SECONDS" "sshd of $h on ${ADDR[$h]}:22" port_open "${ADDR[$h]}" 22
    if runs_glusterd "$h"; then
      wait_for "$WAIT_SECONDS" "glusterd of $h on ${ADDR[$h]}:24007" port_open "${ADDR[$h]}" 24007
    fi
  done
  form_pool "${GLUSTER_HOSTS[@]}"
  form_pool "${HYPERCONVERGED[@]}"
  write_known_hosts
  log "started in $((SECONDS - t0))s; ssh -i $STATE/id_ed25519 root@<address>; root password in $STATE/root-password"
}

# Every process of a host: those in its network namespace (sshd, glusterd, bricks, self-heal...)
# and those that kept its mount namespace (the holder...). Pids only, never names.
host_pids() {
  local h=$1 d ns holder mnt p
  d=$(hdir "$h")
  ns=$(ns_of "$h")
  if ns_exists "$ns"; then ip netns pids "$ns" 2>/dev/null || true; fi
  if holder=$(live_pid "$d/holder.pid"); then
    echo "$holder"
    mnt=$(readlink "/proc/$holder/ns/mnt")
    for p in /proc/[0-9]*; do
      [[ $(readlink "$p/ns/mnt" 2>/dev/null) == "$mnt" ]] && echo "${p#/proc/}"
    done
  fi
  return 0
}

# Lazily unmounts (umount -l) every FUSE glusterfs mount of this machine whose volume is served by a
# testbed address (the engine's glusterStorage "mount"): once the servers are gone such a mount would
# hang whoever touches it. With a directory, only the mounts under it. Prints what it unmounted.
cmd_unmount_gluster() {
  local under=${1:-} src target fstype _rest
  while read -r src target fstype _rest; do
    [[ $fstype == fuse.glusterfs && $src =~ ^198\.18\.0\.[0-9]+: ]] || continue
    target=$(printf '%b' "$target")
    [[ -z $under || $target == "${under%/}"/* ]] || continue
    if umount -l "$target"; then echo "$target"; else log "could not unmount $target"; fi
  done < <(tac /proc/mounts)
  return 0
}

cmd_stop() {
  local t0=$SECONDS h pids="" p alive
  cmd_unmount_gluster >/dev/null
  for h in "${ALL_HOSTS[@]}"; do pids+=" $(host_pids "$h" | tr '\n' ' ')"; done
  pids=$(tr ' ' '\n' <<<"$pids" | grep -E '^[0-9]+$' | sort -un | tr '\n' ' ' || true)
  if [[ -n ${pids// /} ]]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    local deadline=$((SECONDS + 8))
    while :; do
      alive=""
      for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
      [[ -z $alive ]] && break
      if ((SECONDS >= deadline)); then
        log "killing what did not end on SIGTERM within 8s:$alive"
        # shellcheck disable=SC2086
        kill -KILL $alive 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  for h in "${ALL_HOSTS[@]}"; do
    rm -f "$(hdir "$h")"/{holder,sshd,glusterd}.pid
    if ns_exists "$(ns_of "$h")"; then ip netns del "$(ns_of "$h")"; fi
  done
  ip link del "$MAIN_IF" >/dev/null 2>&1 || true
  if ns_exists "$SWITCH_NS"; then ip netns del "$SWITCH_NS"; fi
  rm -rf "$STATE/leases" "$STATE/started-by-lease"
  log "stopped in $((SECONDS - t0))s (state kept in $STATE)"
}

cmd_status() {
  local h d holder sshd gd os
  printf '%-10s %-13s %-8s %-8s %-9s %s\n' HOST ADDRESS HOLDER SSHD GLUSTERD OS
  for h in "${ALL_HOSTS[@]}"; do
    d=$(hdir "$h")
    holder=$(live_pid "$d/holder.pid" || echo -)
    sshd=$(live_pid "$d/sshd.pid" || echo -)
    gd=-
    runs_glusterd "$h" && gd=$(live_pid "$d/glusterd.pid" || echo -)
    os=$(cat "$d/etc-upper/ovirt-lab/os" 2>/dev/null || echo -)
    printf '%-10s %-13s %-8s %-8s %-9s %s\n' "$h" "${ADDR[$h]}" "$holder" "$sshd" "$gd" "$os"
  done
  echo "key: $STATE/id_ed25519  known hosts: $STATE/known_hosts  root password: $STATE/root-password"
}

# What a kickstart reinstall does to a hypervisor: a new OS identity, new SSH host keys, an empty /root.
cmd_reprovision() {
  local h=${1:-} os=${2:-} d
  [[ -n $h && -n $os ]] || die "usage: $0 reprovision <host> <el7|el8>"
  known_host "$h" || die "unknown host \"$h\" (have: ${ALL_HOSTS[*]})"
  is_gluster "$h" && die "$h is a Gluster server; only hypervisors (${HYPERVISORS[*]}) are reprovisioned"
  [[ $os == el7 || $os == el8 ]] || die "unknown OS \"$os\" (expected el7 or el8)"
  d=$(hdir "$h")
  live_pid "$d/holder.pid" >/dev/null || die "host $h is not running (run: $0 start)"
  local sshd
  if sshd=$(live_pid "$d/sshd.pid"); then
    kill -TERM "$sshd"
    wait_for 10 "sshd of $h to stop" bash -c "! kill -0 $sshd"
  fi
  rm -f "$d/sshd.pid"
  # shellcheck disable=SC2016 # expanded by the inner bash
  in_host "$h" bash -c '
    set -e
    rm -f /etc/ssh/ssh_host_*
    for t in ed25519 ecdsa rsa; do ssh-keygen -q -t $t -N "" -C "root@$1" -f /etc/ssh/ssh_host_${t}_key; done
  ' keys "$h"
  local tmp
  tmp=$(mktemp -d)
  os_files "$tmp" "$os"
  # shellcheck disable=SC2016 # expanded by the inner bash
  in_host "$h" bash -c 'mkdir -p /etc/ovirt-lab && cp "$1/redhat-release" "$1/os-release" /etc/ && cp "$1"/ovirt-lab/* /etc/ovirt-lab/' copy "$tmp"
  rm -rf "$tmp"
  # A fresh OS: root's home starts empty (no engine's key in ~/.ssh/authorized_keys).
  find "$d/root" -mindepth 1 -delete
  write_known_hosts
  start_sshd "$h"
  wait_for "$WAIT_SECONDS" "sshd of $h on ${ADDR[$h]}:22" port_open "${ADDR[$h]}" 22
  log "$h reprovisioned to $os (new SSH host keys)"
}

# Serializes the commands that change the testbed (two test suites may start it at once).
take_lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock -w 180 9 || die "another testbed command has held $STATE/lock for 180s"
}

running() {
  local h
  for h in "${ALL_HOSTS[@]}"; do live_pid "$(hdir "$h")/holder.pid" >/dev/null && return 0; done
  return 1
}

# Lease files whose owner pid (the ID's leading digits) still runs; the others are removed.
live_leases() {
  local f id pid
  mkdir -p "$STATE/leases"
  for f in "$STATE"/leases/*; do
    [[ -e $f ]] || continue
    id=${f##*/}
    pid=${id%%[!0-9]*}
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then echo "$id"; else rm -f "$f"; fi
  done
}

valid_lease() { [[ $1 =~ ^[0-9]+[A-Za-z0-9._-]*$ ]] || die "lease ID \"$1\" must start with the owner's pid (digits, then letters, digits, '.', '_', '-')"; }

cmd_start_leased() {
  local lease=$1
  valid_lease "$lease"
  running || touch "$STATE/started-by-lease"
  mkdir -p "$STATE/leases"
  touch "$STATE/leases/$lease"
  cmd_start
}

cmd_release() {
  local lease=${1:-} left
  [[ -n $lease ]] || die "usage: $0 release <lease ID>"
  valid_lease "$lease"
  rm -f "$STATE/leases/$lease"
  left=$(live_leases | tr '\n' ' ')
  if [[ -n ${left// /} ]]; then
    log "lease $lease released; still in use by: $left"
  elif [[ -e $STATE/started-by-lease ]]; then
    cmd_stop
    rm -f "$STATE/started-by-lease"
  else
    log "lease $lease released; the testbed was not started by a lease, so it stays up"
  fi
}

main() {
  local cmd=${1:-}
  case $cmd in
  start | stop | status | reprovision | release | unmount-gluster) ;;
  *) die "usage: $0 start [--lease ID] | release ID | stop | status | reprovision <host> <el7|el8> | unmount-gluster [DIR]" ;;
  esac
  require_root "$@"
  shift
  [[ $cmd == status ]] || take_lock
  case $cmd in
  start)
    if [[ ${1:-} == --lease ]]; then
      cmd_start_leased "${2:-}"
    else
      cmd_start
    fi
    ;;
  release) cmd_release "$@" ;;
  stop) cmd_stop ;;
  unmount-gluster) cmd_unmount_gluster "$@" ;;
  status) cmd_status ;;
  reprovision) cmd_reprovision "$@" ;;
  esac
}

main "$@"
