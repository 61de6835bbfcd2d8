#@ create
lxc-info -n web1 >/dev/null 2>&1
#@ start
[ "$(lxc-info -n web1 -s -H 2>/dev/null)" = RUNNING ]
#@ attach
lxc-attach -n web1 -- cat /root/hello.txt 2>/dev/null | grep -qx 'hello from lxc'
#@ stop
[ "$(lxc-info -n web1 -s -H 2>/dev/null)" = STOPPED ]
#@ destroy
[ -f /root/lxc-done ] && ! lxc-info -n web1 >/dev/null 2>&1
