/**
 * The one shell script `setup` runs on the host: every section is printed
 * after a `@@tsplay:NAME` line and parsed by the setup-*.ts parsers. POSIX sh
 * only, every probe optional (missing tools leave a section empty). Files are
 * read with the `r` function (shell builtins, no process) to keep gathering
 * to one round trip and a handful of processes.
 */
export const SECTION_MARK = '@@tsplay:';

/** Shell parameter expansions, kept out of the template literal where `${` would interpolate. */
const BASENAME_P = '${p##*/}';
const BASENAME_B = '${b##*/}';
const BASENAME_H = '${h##*/}';
const BASENAME_Q = '${q##*/}';

export const SETUP_SCRIPT = String.raw`
s() { printf '\n@@tsplay:%s\n' "$1"; }
r() { for f in "$@"; do [ -r "$f" ] && while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done < "$f"; done; } 2>/dev/null
s nodename; n=$(uname -n); echo "$n"
s fqdn; set -- $(getent ahosts "$n" 2>/dev/null); [ -n "$1" ] && getent hosts "$1" 2>/dev/null
s uname; uname -s -r -m; uname -v
s os_release; if [ -r /etc/os-release ]; then r /etc/os-release; else r /usr/lib/os-release; fi
s debian_version; r /etc/debian_version
s redhat_release; r /etc/redhat-release
s lsb; if [ -r /etc/lsb-release ]; then r /etc/lsb-release; elif command -v lsb_release >/dev/null 2>&1; then echo '@bin'; fi
s route_get; ip -4 route get 8.8.8.8 2>/dev/null
s route_default; ip -4 route show default 2>/dev/null
s route6_get; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
s addrs; ip -o -4 addr show 2>/dev/null
s addrs6; ip -o -6 addr show 2>/dev/null
s links; ip -o link show 2>/dev/null
s sysnet; for p in /sys/class/net/*; do d=${BASENAME_P}; { read -r v < $p/operstate && echo "$d operstate $v"; read -r v < $p/flags && echo "$d flags $v"; read -r v < $p/speed && echo "$d speed $v"; read -r v < $p/bridge/bridge_id && echo "$d bridge_id $v"; read -r v < $p/bridge/stp_state && echo "$d stp $v"; } 2>/dev/null; [ -d $p/brif ] && for b in $p/brif/*; do [ -e "$b" ] && echo "$d brif ${BASENAME_B}"; done; done; ls -ld /sys/class/net/*/device 2>/dev/null
s cpus; grep -c '^processor' /proc/cpuinfo 2>/dev/null; nproc 2>/dev/null
s cpuinfo; grep -E '^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings|# processors|ncpus active|machine)[[:space:]]*:' /proc/cpuinfo 2>/dev/null
s xen; [ -e /proc/xen ] && { echo '@xen'; grep '^flags' /proc/cpuinfo | grep -vq vme && echo '@paravirt'; r /proc/xen/capabilities; }; r /sys/hypervisor/type
s meminfo; grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree|Buffers|Cached|SwapCached):' /proc/meminfo 2>/dev/null
s uptime; r /proc/uptime
s loadavg; r /proc/loadavg
s mtab; mt=/etc/mtab; [ -r $mt ] || mt=/proc/mounts; r $mt
s statfs; set --; while read -r d m t o x; do case "$d" in /*|\\*|*:/*) [ "$t" != none ] && case "$m" in *\\*) ;; *) set -- "$@" "$m" ;; esac ;; esac; done < $mt; [ $# -gt 0 ] && timeout 5 stat -f -c '%S %s %b %a %c %d %n' -- "$@" 2>/dev/null
s findmnt; findmnt --list --noheadings --notruncate 2>/dev/null
s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
s blockdev; for p in /sys/block/*; do [ -e "$p" ] || continue; d=${BASENAME_P}; for f in removable size queue/discard_granularity queue/rotational queue/scheduler queue/logical_block_size queue/hw_sector_size device/vendor device/model device/sas_address device/sas_device_handle device/serial; do { read -r v < $p/$f && echo "$d $f $v"; } 2>/dev/null; done; for h in $p/holders/dm-*; do [ -e "$h" ] && { v=; read -r v < $h/dm/name; echo "$d holder ${BASENAME_H} $v"; } 2>/dev/null; done; for q in $p/$d*; do [ -d "$q" ] || continue; n=${BASENAME_Q}; for f in start size queue/logical_block_size queue/hw_sector_size; do { read -r v < $q/$f && echo "$d part:$n $f $v"; } 2>/dev/null; done; for h in $q/holders/dm-*; do [ -e "$h" ] && { v=; read -r v < $h/dm/name; echo "$d part:$n holder ${BASENAME_H} $v"; } 2>/dev/null; done; done; done
s blocklinks; ls -l /sys/block/ 2>/dev/null
s disklinks; [ -d /dev/disk ] && ls -l /dev/disk/by-id /dev/disk/by-uuid /dev/disk/by-label 2>/dev/null; for x in /sys/block/*/slaves/*; do [ -e "$x" ] && echo "$x"; done
s lspci; command -v lspci >/dev/null 2>&1 && lspci -D 2>/dev/null
s dmi; for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_family product_name product_serial product_uuid product_version sys_vendor; do v=; { read -r v < /sys/devices/virtual/dmi/id/$f; } 2>/dev/null && printf '%s=%s\n' $f "$v"; done
s virt; for f in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /dev/kvm; do [ -e $f ] && echo "@$f"; done; { read -r c < /run/systemd/container && echo "@container $c"; } 2>/dev/null
s cgroup1; r /proc/1/cgroup
s environ1; grep -az '^container=' /proc/1/environ 2>/dev/null | tr '\000' '\n'
s vxid; grep '^VxID:' /proc/self/status 2>/dev/null
s modules; [ -r /proc/modules ] && while read -r m x; do case "$m" in kvm|vboxdrv|virtio) echo "$m" ;; esac; done < /proc/modules
s init; r /proc/1/comm; [ -d /run/systemd/system ] && echo '@systemd_dir'; [ -x /sbin/openrc-run ] && echo '@openrc'; [ -d /etc/init.d ] && echo '@initd'
s pkg; for c in apt-get dnf yum zypper apk pacman; do command -v "$c" >/dev/null 2>&1 && echo "$c"; done
s user; un=$(id -un); uid=$(id -u); echo "$un"; echo "$uid"; id -g; getent passwd "$un" 2>/dev/null
s python; py=/usr/bin/python3; [ -x $py ] || py=$(command -v python3); [ -n "$py" ] && $py -c 'import sys; v=sys.version_info; print(sys.executable); print(v[0], v[1], v[2], v[3], v[4])
import os; print("@ids", os.getuid(), os.getgid())
from importlib.util import find_spec as f
for m in ("ssl", "selinux"):
 if f(m): print("@" + m)' 2>/dev/null
s selinux; command -v getenforce >/dev/null 2>&1 && getenforce; [ -d /sys/fs/selinux ] && echo '@sysfs'; grep -E '^SELINUX(TYPE)?=' /etc/selinux/config 2>/dev/null
s date; df='+%Y|%m|%d|%H|%M|%S|%s|%Z|%z|%A|%w|%W|%N'; printf 'now\njan 1\njul 1\n' | date -f - "$df" 2>/dev/null || date "$df"
s dns; r /etc/resolv.conf
s machine_id; r /var/lib/dbus/machine-id; r /etc/machine-id
s cmdline; r /proc/cmdline
s ssh_keys; for d in /etc/ssh /etc/openssh /etc; do for a in dsa rsa ecdsa ed25519; do k="$d/ssh_host_$a""_key.pub"; [ -r "$k" ] && printf '%s %s ' "$d" "$a" && r "$k"; done; done
s misc; [ -d /sys/kernel/security/apparmor ] && echo '@apparmor'; { read -r v < /proc/sys/crypto/fips_enabled && echo "fips=$v"; } 2>/dev/null; [ -n "$debian_chroot" ] && echo 'chroot=1'; if [ -e /proc/1/root/. ]; then [ / -ef /proc/1/root/. ] && echo 'chroot=0' || echo 'chroot=1'; else echo "rootino=$(ls -di / 2>/dev/null)"; fi
s caps; command -v capsh >/dev/null 2>&1 && capsh --print 2>/dev/null
s lvm; [ "$uid" = 0 ] && command -v vgs >/dev/null 2>&1 && echo '@vgs'
s iscsi; grep '^InitiatorName=' /etc/iscsi/initiatorname.iscsi 2>/dev/null
s hostnqn; r /etc/nvme/hostnqn
s fc; r /sys/class/fc_host/*/port_name
s env; env -0 2>/dev/null | tr '\000' '\036'
s end
`;
