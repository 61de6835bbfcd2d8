# What a trainee types, on the node each section names (node1 when it names none).
#@ prepare
# what a trainee runs after the earlier labs; on a fresh machine both say there is nothing to remove
docker swarm leave --force
docker rm -f web
#@ init
docker swarm init --dispatcher-heartbeat 20s
#@ join
# the trainee copies the join command from node1's screen; here node1 hands the token over HTTP
mkdir -p /run/join && docker swarm join-token -q worker > /run/join/worker && busybox httpd -p 8000 -h /run/join
#@ join node2
docker swarm join --token "$(curl -s http://node1:8000/worker)" node1:2377
# the join command waits 20 s for the node to be ready; past them it says the join goes on in
# the background (the node "pending"): wait for that state to end (polled every 5 s)
i=0; while [ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = pending ] && [ $i -lt 36 ]; do sleep 5; i=$((i + 1)); done
#@ join
# the pattern anchored at the start: unanchored, it also matches this script's own command line
pkill -f '^busybox httpd -p 8000'; i=0; until docker node ls --format '{{.Hostname}} {{.Status}}' | grep -qx 'node2 Ready' || [ $i -ge 36 ]; do sleep 5; i=$((i + 1)); done
#@ service
docker service create --name web --replicas 2 --publish 8080:80 nginx
# `service create` may return before both tasks run (a slow emulator): wait for them
i=0; until [ "$(docker service ps web --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" = 2 ] || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
docker service ps web
#@ mesh
curl -s http://node2:8080/ | grep title
#@ failure node2
ip link set eth0 down
#@ failure
i=0; until docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep ' Running' | grep -c node1 | grep -qx 2 || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
docker node ls
#@ back node2
ip link set eth0 up
#@ back
# node2's agent needs a few tries to open its session again with a busy manager: wait until it
# is Ready and both tasks run (polled every 5 s: each docker command costs the manager CPU)
i=0; until { docker node ls --format '{{.Hostname}} {{.Status}}' | grep -qx 'node2 Ready' && [ "$(docker service ps web --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" = 2 ]; } || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
#@ drain
docker node update --availability drain node1
i=0; until docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep ' Running' | grep -c node2 | grep -qx 2 || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
