#@ create
[ -d /sys/fs/cgroup/lab ] && [ -f /sys/fs/cgroup/lab/memory.max ] && grep -qw pids /sys/fs/cgroup/lab/cgroup.controllers
#@ memory
[ "$(cat /sys/fs/cgroup/lab/memory.max 2>/dev/null)" = 20971520 ] && grep -Eq '^oom_kill [1-9]' /sys/fs/cgroup/lab/memory.events
#@ pids
[ "$(cat /sys/fs/cgroup/lab/pids.max 2>/dev/null)" = 5 ] && grep -Eq '^max [1-9]' /sys/fs/cgroup/lab/pids.events
#@ cpu
[ "$(cat /sys/fs/cgroup/lab/cpu.max 2>/dev/null)" = "20000 100000" ]
