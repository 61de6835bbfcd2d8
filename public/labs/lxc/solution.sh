#@ create
mkdir -p /root/lxc
lxc-create -t busybox -n web1
lxc-info -n web1 | tee /root/lxc/created.txt
#@ start
lxc-start -n web1
lxc-ls -f | tee /root/lxc/started.txt
#@ attach
lxc-attach -n web1 -- hostname | tee /root/lxc/hostname.txt
lxc-attach -n web1 -- sh -c 'echo "hello from lxc" > /root/hello.txt'
#@ compare
lxc-attach -n web1 -- ps | tee /root/lxc/ps-lxc.txt
docker run --rm busybox ps | tee /root/lxc/ps-docker.txt
#@ stop
lxc-stop -n web1 -k
lxc-info -n web1 | tee /root/lxc/stopped.txt
cat /var/lib/lxc/web1/rootfs/root/hello.txt
#@ destroy
lxc-destroy -n web1
