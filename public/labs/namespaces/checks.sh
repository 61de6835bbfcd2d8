#@ uts
[ "$(cat /root/ns/uts.txt 2>/dev/null)" = lab-uts ] && [ "$(hostname)" != lab-uts ]
#@ pid
[ "$(cat /root/ns/pid.txt 2>/dev/null)" = 1 ]
#@ mount
grep -qx secret /root/ns/mnt.txt 2>/dev/null && [ ! -e /mnt/secret ]
#@ net
[ -s /root/ns/net.txt ] && [ "$(grep -c . /root/ns/net.txt)" = 1 ] && grep -q ': lo:' /root/ns/net.txt
#@ ipc
[ -f /root/ns/ipc.txt ] && ipcs -q | grep -q '^0x' && ! grep -q '^0x' /root/ns/ipc.txt
#@ user
# root inside, another user outside, one id mapped
[ "$(awk '{print $1, ($2 != 0), $3}' /root/ns/user.txt 2>/dev/null)" = "0 1 1" ]
#@ nsenter
[ "$(cat /root/ns/nsenter.txt 2>/dev/null)" = inside ] && [ "$(hostname)" != inside ]
