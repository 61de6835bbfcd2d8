/**
 * What the inspector asks the guest for, in one agent exec per refresh: a POSIX shell script
 * that prints sections opened by "@@name" lines. It forks little (ps, find, ip, and a grep
 * and an nsenter per container): each fork costs the emulated CPU. Parsed by ./parse.ts.
 * (A template literal: each shell "\${" is escaped.)
 */
export const COLLECT_SCRIPT = `
cpu() { read -r _ u n s i rest < /proc/stat; echo "$((u + n + s)) $i"; }
echo "@@cpu $(cpu)"
echo @@ps
ps -e -o pid=,ppid=,pidns=,mntns=,netns=,utsns=,ipcns=,userns=,cgroupns=,comm=
echo @@proccg
for d in /proc/[0-9]*; do read -r c 2>/dev/null < "$d/cgroup" && echo "\${d#/proc/} \${c#0::}"; done
echo @@cgroups
cd /sys/fs/cgroup && find . -mindepth 1 -type d | while read -r g; do
  m=; mx=; p=; px=; cu=; oom=0
  read -r m 2>/dev/null < "$g/memory.current"; read -r mx 2>/dev/null < "$g/memory.max"
  read -r p 2>/dev/null < "$g/pids.current"; read -r px 2>/dev/null < "$g/pids.max"
  [ -r "$g/cpu.stat" ] && while read -r k v; do [ "$k" = usage_usec ] && cu=$v; done < "$g/cpu.stat"
  [ -r "$g/memory.events" ] && while read -r k v; do [ "$k" = oom_kill ] && oom=$v; done < "$g/memory.events"
  echo "\${g#.}|$m|$mx|$p|$px|$cu|$oom"
done
cd /
echo @@links
ip -j -d link show
echo @@addrs
ip -j addr show
for f in /var/lib/docker/containers/*/config.v2.json; do
  [ -f "$f" ] || continue
  echo @@docker; cat "$f"; echo
  pid=$(grep -o '"Pid":[0-9]*' "$f"); pid=\${pid#*:}
  [ "\${pid:-0}" -gt 0 ] && { echo "@@nslinks $pid"; nsenter -t "$pid" -n ip -j addr show 2>/dev/null; echo; }
done
echo "@@cpu $(cpu)"
`;

/** The panel refreshes at least this far apart… */
export const MIN_REFRESH_MS = 3000;
/** …and far enough apart that collecting costs at most this share of the guest's CPU. */
export const MAX_CPU_SHARE = 0.05;

/** The wait before the next refresh, from the guest CPU the last one cost (ticks are 10 ms). */
export function refreshIntervalMs(busyTicks: number): number {
  return Math.max(MIN_REFRESH_MS, (busyTicks * 10) / MAX_CPU_SHARE);
}
