# Every check runs on node1, the manager: it sees the whole cluster.
#@ init
[ "$(docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}' 2>/dev/null)" = 'active true 10.10.0.11' ]
#@ join
docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' 2>/dev/null | grep -qx 'node2 Ready '
#@ service
# not yet: show the trainee what Swarm shows
[ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' 2>/dev/null | grep ' Running' | cut -d' ' -f1 | sort | paste -sd' ')" = 'node1 node2' ] ||
  { docker service ps web 2>&1 | head -6; docker node ls 2>&1; exit 1; }
#@ mesh
curl -sf -m 20 http://node2:8080/ | grep -q 'Welcome to nginx' && curl -sf -m 20 http://node1:8080/ | grep -q 'Welcome to nginx'
#@ failure
docker node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | grep -qx 'node2 Down' &&
  [ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep ' Running' | cut -d' ' -f1 | sort | paste -sd' ')" = 'node1 node1' ]
#@ back
# not yet: show the trainee what Swarm shows
{ docker node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | grep -qx 'node2 Ready' &&
  [ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep -c ' Running')" = 2 ]; } ||
  { docker node ls 2>&1; docker service ps web 2>&1 | head -6; exit 1; }
#@ drain
[ "$(docker node inspect -f '{{.Spec.Availability}}' node1 2>/dev/null)" = drain ] &&
  [ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep ' Running' | cut -d' ' -f1 | sort | paste -sd' ')" = 'node2 node2' ]
