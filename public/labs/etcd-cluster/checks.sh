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
# /lab/leader names a node, and that node's member says it is the leader
pgrep -x etcd >/dev/null || exit 1
e='etcdctl --dial-timeout=10s --command-timeout=20s'
v=$($e get /lab/leader --print-value-only) || exit 1
case $v in node1 | node2 | node3) ;; *) echo "/lab/leader: \"$v\""; exit 1 ;; esac
$e --endpoints="http://$v:2379" endpoint status -w fields |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } END { exit !(m != "" && m == l) }'
#@ data
[ "$(etcdctl --endpoints=http://node3:2379 --dial-timeout=10s --command-timeout=20s get /course/module --print-value-only)" = docker-kubernetes ]
#@ watch node3
# a watch prints each event as three lines: PUT (or DELETE), the key, the value
[ -f /tmp/watch.log ] &&
  awk 'p2 == "PUT" && p1 == "/course/step" && $0 == "watch" { found = 1 } { p2 = p1; p1 = $0 } END { exit !found }' /tmp/watch.log
#@ failover
# whichever member was stopped: exactly two answer, one of them leads, and the data is there
e='etcdctl --endpoints=http://node1:2379,http://node2:2379,http://node3:2379 --dial-timeout=10s --command-timeout=10s'
$e endpoint status -w fields |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } $1 == "\"Endpoint\"" { n++; if (m == l) leaders++ }
    END { exit !(n == 2 && leaders == 1) }' &&
  $e get --prefix /course/ |
  awk 'NR % 2 == 1 { k = $0; next } { v[k] = $0 } END { exit !(v["/course/module"] == "docker-kubernetes" && v["/course/while-down"] == "quorum") }'
#@ rejoin
# three healthy members, and each one's own copy (a serializable read) has the write it missed
pgrep -x etcd >/dev/null || exit 1
e='etcdctl --dial-timeout=10s --command-timeout=20s'
[ "$($e endpoint health --cluster | grep -c ' is healthy: ')" = 3 ] || exit 1
for n in node1 node2 node3; do
  [ "$($e --endpoints="http://$n:2379" get /course/while-down --print-value-only --consistency=s)" = quorum ] ||
    { echo "$n: /course/while-down?"; exit 1; }
done
