#@ create
mkdir /sys/fs/cgroup/lab
#@ memory
echo 20M > /sys/fs/cgroup/lab/memory.max
sh -c 'echo $$ > /sys/fs/cgroup/lab/cgroup.procs; exec tail /dev/zero'
cat /sys/fs/cgroup/lab/memory.events
#@ pids
echo 5 > /sys/fs/cgroup/lab/pids.max
sh -c 'echo $$ > /sys/fs/cgroup/lab/cgroup.procs; for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait'
cat /sys/fs/cgroup/lab/pids.events
#@ cpu
echo "20000 100000" > /sys/fs/cgroup/lab/cpu.max
