/**
 * What the inspector asks the guest for, in one agent exec per refresh: a POSIX shell script
 * that prints sections opened by "@@name" lines. Each program started costs the emulated CPU
 * dearly, so it starts three (ps, find, ip) and reads the rest with the shell's own `read`:
 * a container's interfaces come from its /sys, its addresses from Docker's config. Parsed by ./parse.ts.
 * (A template literal: each shell "\${" is escaped.)
 */
export const COLLECT_SCRIPT = `
cpu() { read -r _ u n s i rest < /proc/stat; echo "@@cpu $((u + n + s)) $i"; }
cpu
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
ip -j -d addr show
for f in /var/lib/docker/containers/*/config.v2.json; do
  [ -f "$f" ] || continue
  j=; IFS= read -r j < "$f"
  echo @@docker; printf '%s\\n' "$j" # not echo: dash would expand the JSON's backslashes
  pid=\${j#*\\"Pid\\":}; pid=\${pid%%[!0-9]*}
  [ "\${pid:-0}" -gt 0 ] || continue
  echo "@@netif $pid"
  for n in /proc/$pid/root/sys/class/net/*; do
    read -r i 2>/dev/null < "$n/ifindex" && read -r l < "$n/iflink" && read -r a < "$n/address" && read -r o < "$n/operstate" &&
      echo "\${n##*/} $i $l $a $o"
  done
done
cpu
`;

/** The panel refreshes at least this far apart… */
export const MIN_REFRESH_MS = 3000;
/** …and far enough apart that collecting costs at most this share of the guest's CPU. */
export const MAX_CPU_SHARE = 0.05;

/** The wait before the next refresh, from the guest CPU the last one cost (ticks are 10 ms). */
export function refreshIntervalMs(busyTicks: number): number {
  return Math.max(MIN_REFRESH_MS, (busyTicks * 10) / MAX_CPU_SHARE);
}
