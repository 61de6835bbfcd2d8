#@ uts
mkdir -p /root/ns
unshare --uts sh -c 'hostname lab-uts; hostname > /root/ns/uts.txt'
#@ pid
unshare --pid --fork --mount-proc sh -c 'echo $$ > /root/ns/pid.txt; ps -e'
#@ mount
unshare --mount sh -c 'mount -t tmpfs none /mnt && touch /mnt/secret && ls /mnt > /root/ns/mnt.txt'
#@ net
unshare --net ip -o link > /root/ns/net.txt
#@ ipc
ipcmk -Q
unshare --ipc ipcs -q > /root/ns/ipc.txt
#@ user
setpriv --reuid=nobody --regid=nogroup --clear-groups unshare --user --map-root-user cat /proc/self/uid_map > /root/ns/user.txt
#@ nsenter
unshare --uts sh -c 'hostname inside; exec sleep 600' >/dev/null 2>&1 &
sleep 2
nsenter --target $! --uts hostname > /root/ns/nsenter.txt
