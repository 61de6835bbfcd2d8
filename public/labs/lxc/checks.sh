# each step keeps LXC's answer in /root/lxc: the checks stay true after the later steps
#@ create
grep -Eq '^Name: +web1$' /root/lxc/created.txt 2>/dev/null && grep -Eq '^State: +STOPPED$' /root/lxc/created.txt
#@ start
grep -Eq '^web1 +RUNNING ' /root/lxc/started.txt 2>/dev/null
#@ attach
[ "$(cat /root/lxc/hostname.txt 2>/dev/null)" = web1 ] && [ "$(hostname)" != web1 ]
#@ compare
# process 1: LXC's init, and in the Docker container the command itself
[ "$(awk '$1 == 1 { print $3 }' /root/lxc/ps-lxc.txt 2>/dev/null)" = init ] && [ "$(awk '$1 == 1 { print $3 }' /root/lxc/ps-docker.txt 2>/dev/null)" = ps ]
#@ stop
grep -Eq '^Name: +web1$' /root/lxc/stopped.txt 2>/dev/null && grep -Eq '^State: +STOPPED$' /root/lxc/stopped.txt
#@ destroy
# stopped, then gone: neither LXC nor its directory knows web1 any more
[ -f /root/lxc/stopped.txt ] && ! lxc-info -n web1 >/dev/null 2>&1 && [ ! -e /var/lib/lxc/web1 ]
