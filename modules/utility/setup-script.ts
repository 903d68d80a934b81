/**
 * The one shell script `setup` runs on the host: every section is printed
 * after a `@@tsplay:NAME` line and parsed by setup-facts.ts. POSIX sh only,
 * every probe optional (missing tools leave a section empty).
 */
export const SECTION_MARK = '@@tsplay:';

export const SETUP_SCRIPT = String.raw`
s() { printf '\n@@tsplay:%s\n' "$1"; }
s nodename; uname -n
s fqdn; hostname -f 2>/dev/null || uname -n
s uname; uname -s; uname -r; uname -m; uname -v
s os_release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
s debian_version; cat /etc/debian_version 2>/dev/null
s redhat_release; cat /etc/redhat-release 2>/dev/null
s route_get; ip -4 route get 8.8.8.8 2>/dev/null
s route_default; ip -4 route show default 2>/dev/null
s addrs; ip -o -4 addr show 2>/dev/null
s links; ip -o link show 2>/dev/null
s cpus; grep -c '^processor' /proc/cpuinfo 2>/dev/null; nproc 2>/dev/null
s meminfo; grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree):' /proc/meminfo 2>/dev/null
s init; cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo '@systemd_dir'; [ -x /sbin/openrc-run ] && echo '@openrc'; [ -d /etc/init.d ] && echo '@initd'
s pkg; for c in apt-get dnf yum zypper apk pacman; do command -v "$c" >/dev/null 2>&1 && echo "$c"; done
s user; id -un; id -u; id -g; getent passwd "$(id -un)" 2>/dev/null
s python; command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; v=sys.version_info; print(sys.executable); print(v[0], v[1], v[2], v[3], v[4])' 2>/dev/null
s selinux; command -v getenforce >/dev/null 2>&1 && getenforce; [ -d /sys/fs/selinux ] && echo '@sysfs'; grep -E '^SELINUX(TYPE)?=' /etc/selinux/config 2>/dev/null
s date; date '+%Y|%m|%d|%H|%M|%S|%s|%Z|%z|%A|%w|%W'; date -u '+%Y-%m-%dT%H:%M:%SZ'
s env; env -0 2>/dev/null | tr '\000' '\036'
s end
`;
