#@ create
lxc-create -t busybox -n web1
#@ start
lxc-start -n web1
lxc-ls -f
#@ attach
lxc-attach -n web1 -- sh -c 'echo "hello from lxc" > /root/hello.txt'
#@ stop
lxc-stop -n web1 -k
#@ destroy
lxc-destroy -n web1 && touch /root/lxc-done
