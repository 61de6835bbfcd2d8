# What a trainee types, on the node each section names (node1 when it names none), in order.
# Each section is its own /bin/sh script: anything left running in the background must send
# both its outputs to a file, or the guest agent waits for it. Loops are bounded: a Go program
# takes seconds to start in the emulator, and Raft needs seconds to elect a leader.
#@ start node1
etcd --name node1 --data-dir /var/lib/etcd-lab \
  --initial-advertise-peer-urls http://10.10.0.11:2380 \
  --listen-peer-urls http://10.10.0.11:2380 \
  --listen-client-urls http://10.10.0.11:2379,http://127.0.0.1:2379 \
  --advertise-client-urls http://10.10.0.11:2379 \
  --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
  --initial-cluster-token labbox --initial-cluster-state new \
  --heartbeat-interval 500 --election-timeout 5000 \
  >/var/log/etcd.log 2>&1 &
#@ start node2
etcd --name node2 --data-dir /var/lib/etcd-lab \
  --initial-advertise-peer-urls http://10.10.0.12:2380 \
  --listen-peer-urls http://10.10.0.12:2380 \
  --listen-client-urls http://10.10.0.12:2379,http://127.0.0.1:2379 \
  --advertise-client-urls http://10.10.0.12:2379 \
  --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
  --initial-cluster-token labbox --initial-cluster-state new \
  --heartbeat-interval 500 --election-timeout 5000 \
  >/var/log/etcd.log 2>&1 &
#@ start node3
etcd --name node3 --data-dir /var/lib/etcd-lab \
  --initial-advertise-peer-urls http://10.10.0.13:2380 \
  --listen-peer-urls http://10.10.0.13:2380 \
  --listen-client-urls http://10.10.0.13:2379,http://127.0.0.1:2379 \
  --advertise-client-urls http://10.10.0.13:2379 \
  --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
  --initial-cluster-token labbox --initial-cluster-state new \
  --heartbeat-interval 500 --election-timeout 5000 \
  >/var/log/etcd.log 2>&1 &
# healthy: a linearizable read went through, so the members have elected a leader
i=0
until [ "$(etcdctl --command-timeout=10s endpoint health --cluster 2>/dev/null | grep -c ' is healthy: ')" = 3 ] || [ $i -ge 30 ]; do
  sleep 3; i=$((i + 1))
done
etcdctl member list -w table
#@ leader
# the trainee reads the leader in the table; here: the endpoint whose member leads, then its name
e='etcdctl --dial-timeout=10s --command-timeout=20s'
$e endpoint status --cluster -w table
ep=$($e endpoint status --cluster -w fields |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } $1 == "\"Endpoint\"" && m == l { gsub(/"/, "", $3); print $3 }')
$e put /lab/leader "$($e member list | awk -F', ' -v ep="$ep" '$5 == ep { print $3 }')"
#@ data
etcdctl --command-timeout=20s put /course/module docker-kubernetes
#@ data node2
etcdctl --command-timeout=20s get /course/module
#@ watch node3
etcdctl watch --prefix /course >/tmp/watch.log 2>&1 &
# the trainee puts the key a while later: wait until the watch is connected to the local member
i=0
until ss -tnp 2>/dev/null | grep -q '"etcdctl"' || [ $i -ge 30 ]; do sleep 1; i=$((i + 1)); done
sleep 5
#@ watch
etcdctl --command-timeout=20s put /course/step watch
#@ watch node3
i=0
until grep -qx watch /tmp/watch.log || [ $i -ge 30 ]; do sleep 1; i=$((i + 1)); done
cat /tmp/watch.log
#@ failover
# The trainee finds the leader, then stops etcd in that node's terminal. Here each node has a
# section, run in turn: node1 first notes the leader's name in /lab/killed, and only the node
# of that name stops its member (so a new leader, elected meanwhile, is left alone).
e='etcdctl --dial-timeout=10s --command-timeout=20s'
ep=$($e endpoint status --cluster -w fields |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } $1 == "\"Endpoint\"" && m == l { gsub(/"/, "", $3); print $3 }')
leader=$($e member list | awk -F', ' -v ep="$ep" '$5 == ep { print $3 }')
$e put /lab/killed "$leader"
if [ "$leader" = node1 ]; then pkill -KILL -x etcd; fi
#@ failover node2
# this member's own copy (serializable: it answers even while the others elect a new leader)
i=0
until v=$(etcdctl --command-timeout=10s get /lab/killed --print-value-only --consistency=s 2>/dev/null) && [ -n "$v" ] || [ $i -ge 20 ]; do
  sleep 2; i=$((i + 1))
done
if [ "$v" = node2 ]; then pkill -KILL -x etcd; fi
#@ failover node3
i=0
until v=$(etcdctl --command-timeout=10s get /lab/killed --print-value-only --consistency=s 2>/dev/null) && [ -n "$v" ] || [ $i -ge 20 ]; do
  sleep 2; i=$((i + 1))
done
if [ "$v" = node3 ]; then pkill -KILL -x etcd; fi
# the survivors elect a new leader: two endpoints answer, one of them leads
EP=http://node1:2379,http://node2:2379,http://node3:2379
i=0
until etcdctl --endpoints=$EP --command-timeout=10s endpoint status -w fields 2>/dev/null |
  awk '$1 == "\"MemberID\"" { m = $3 } $1 == "\"Leader\"" { l = $3 } $1 == "\"Endpoint\"" { n++; if (m == l) leaders++ }
    END { exit !(n == 2 && leaders == 1) }' || [ $i -ge 12 ]; do
  sleep 3; i=$((i + 1))
done
i=0
until etcdctl --endpoints=$EP --command-timeout=20s put /course/while-down quorum || [ $i -ge 5 ]; do sleep 3; i=$((i + 1)); done
etcdctl --endpoints=$EP --command-timeout=20s get --prefix /course
#@ rejoin node1
# the stopped member starts again with its first command: its data directory is still there
if ! pgrep -x etcd >/dev/null; then
  etcd --name node1 --data-dir /var/lib/etcd-lab \
    --initial-advertise-peer-urls http://10.10.0.11:2380 \
    --listen-peer-urls http://10.10.0.11:2380 \
    --listen-client-urls http://10.10.0.11:2379,http://127.0.0.1:2379 \
    --advertise-client-urls http://10.10.0.11:2379 \
    --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
    --initial-cluster-token labbox --initial-cluster-state new \
    --heartbeat-interval 500 --election-timeout 5000 \
    >/var/log/etcd.log 2>&1 &
fi
#@ rejoin node2
if ! pgrep -x etcd >/dev/null; then
  etcd --name node2 --data-dir /var/lib/etcd-lab \
    --initial-advertise-peer-urls http://10.10.0.12:2380 \
    --listen-peer-urls http://10.10.0.12:2380 \
    --listen-client-urls http://10.10.0.12:2379,http://127.0.0.1:2379 \
    --advertise-client-urls http://10.10.0.12:2379 \
    --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
    --initial-cluster-token labbox --initial-cluster-state new \
    --heartbeat-interval 500 --election-timeout 5000 \
    >/var/log/etcd.log 2>&1 &
fi
#@ rejoin node3
if ! pgrep -x etcd >/dev/null; then
  etcd --name node3 --data-dir /var/lib/etcd-lab \
    --initial-advertise-peer-urls http://10.10.0.13:2380 \
    --listen-peer-urls http://10.10.0.13:2380 \
    --listen-client-urls http://10.10.0.13:2379,http://127.0.0.1:2379 \
    --advertise-client-urls http://10.10.0.13:2379 \
    --initial-cluster node1=http://10.10.0.11:2380,node2=http://10.10.0.12:2380,node3=http://10.10.0.13:2380 \
    --initial-cluster-token labbox --initial-cluster-state new \
    --heartbeat-interval 500 --election-timeout 5000 \
    >/var/log/etcd.log 2>&1 &
fi
# three healthy members, and every member's own copy has caught up with the write it missed
i=0
until [ "$(etcdctl --command-timeout=10s endpoint health --cluster 2>/dev/null | grep -c ' is healthy: ')" = 3 ] || [ $i -ge 30 ]; do
  sleep 3; i=$((i + 1))
done
for n in node1 node2 node3; do
  i=0
  until [ "$(etcdctl --endpoints=http://$n:2379 --command-timeout=10s get /course/while-down --print-value-only --consistency=s 2>/dev/null)" = quorum ] || [ $i -ge 10 ]; do
    sleep 2; i=$((i + 1))
  done
done
etcdctl endpoint status --cluster -w table
