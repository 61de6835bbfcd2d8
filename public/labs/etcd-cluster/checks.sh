# Checks run on node1 unless a section names a node. Each is a separate /bin/sh script with a
# 60 s limit: etcdctl gets explicit timeouts (its dial does not block in 3.5; a dead member costs
# the command timeout), and a Go program takes seconds to start in the emulator. Checks that
# need node1's own member give up at once when it is not running (a fresh machine).
# etcdctl -w fields prints one "Name" : value line per field; for endpoint status, each
# endpoint's block has "MemberID", then "Leader", and ends with "Endpoint".
#@ start
pgrep -x etcd >/dev/null || exit 1
e='etcdctl --dial-timeout=10s --command-timeout=20s'
[ "$($e member list | grep -c ', started, node[1-3], ')" = 3 ] &&
  [ "$($e endpoint health --cluster | grep -c ' is healthy: ')" = 3 ]
#@ leader
# /lab/leader names a node, and that node's member says it is the leader; once the failover
# step wrote /course/while-down, that member has been stopped and another leads: the name stays
pgrep -x etcd >/dev/null || exit 1
e='etcdctl --dial-timeout=10s --command-timeout=20s'
v=$($e get /lab/leader --print-value-only) || exit 1
case $v in node1 | node2 | node3) ;; *) echo "/lab/leader: \"$v\""; exit 1 ;; esac
[ "$($e get /course/while-down --print-value-only)" = quorum ] && exit 0
$e --endpoints="http://$v:2379" endpoint status -w fields |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } END { exit !(m != "" && m == l) }'
#@ data
[ "$(etcdctl --endpoints=http://node3:2379 --dial-timeout=10s --command-timeout=20s get /course/module --print-value-only)" = docker-kubernetes ]
#@ watch node3
# a watch prints each event as three lines: PUT (or DELETE), the key, the value
[ -f /tmp/watch.log ] &&
  awk 'p2 == "PUT" && p1 == "/course/step" && $0 == "watch" { found = 1 } { p2 = p1; p1 = $0 } END { exit !found }' /tmp/watch.log
#@ failover
# the member named in /lab/leader was stopped: another member leads (still so once it is back,
# a member that rejoins does not take the lead back), and the write made meanwhile is there
e='etcdctl --endpoints=http://node1:2379,http://node2:2379,http://node3:2379 --dial-timeout=10s --command-timeout=10s'
was=$($e get /lab/leader --print-value-only 2>/dev/null)
now=$($e endpoint status -w fields 2>/dev/null |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } $1 == "\"Endpoint\"" && m == l { gsub(/"/, "", $3); print $3 }' |
  sed -n 's|^http://\(node[1-3]\):2379$|\1|p' | head -1)
[ -n "$was" ] && [ -n "$now" ] && [ "$now" != "$was" ] || { echo "leader: ${now:-?} (/lab/leader: ${was:-?})"; exit 1; }
[ "$($e get /course/while-down --print-value-only)" = quorum ]
#@ rejoin
# three healthy members, and each one's own copy (a serializable read) has the write it missed
pgrep -x etcd >/dev/null || exit 1
e='etcdctl --dial-timeout=10s --command-timeout=20s'
[ "$($e endpoint health --cluster | grep -c ' is healthy: ')" = 3 ] || exit 1
for n in node1 node2 node3; do
  [ "$($e --endpoints="http://$n:2379" get /course/while-down --print-value-only --consistency=s)" = quorum ] ||
    { echo "$n: /course/while-down?"; exit 1; }
done
