# Every check runs on node1, the manager: it sees the whole cluster.
#@ prepare
# a precondition, true on a fresh machine: what an earlier lab on this machine may have left
left=0
state=$(docker info -f '{{.Swarm.LocalNodeState}}')
[ "$state" = inactive ] || { echo "docker info: Swarm: $state -> docker swarm leave --force"; left=1; }
for name in $(docker ps --filter publish=8080 --format '{{.Names}}'); do echo "docker ps: $name publishes 8080 -> docker rm -f $name"; left=1; done
exit $left
#@ init
[ "$(docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}' 2>/dev/null)" = 'active true 10.10.0.11' ]
#@ join
docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' 2>/dev/null | grep -qx 'node2 Ready '
#@ service
# the nodes whose tasks of web ran (Running now, or Shutdown since: a failure or a drain later
# moves tasks, the service's task history keeps them); not yet: show the trainee what Swarm shows
[ "$(docker service ps web --format '{{.Node}} {{.CurrentState}}' 2>/dev/null | grep -E '^[^ ]+ (Running|Shutdown) ' | cut -d' ' -f1 | sort -u | paste -sd' ')" = 'node1 node2' ] ||
  { docker service ps web 2>&1 | head -6; docker node ls 2>&1; exit 1; }
#@ mesh
curl -sf -m 20 http://node2:8080/ | grep -q 'Welcome to nginx' && curl -sf -m 20 http://node1:8080/ | grep -q 'Welcome to nginx'
#@ failure
# from Docker's event log, true after node2 comes back: the manager saw node2 go down, and a
# second task of web started on node1
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=node --filter event=update \
  --format '{{.Actor.Attributes.name}} {{index .Actor.Attributes "state.new"}}' | grep -qx 'node2 down' &&
  [ "$(docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=container --filter event=start \
    --filter label=com.docker.swarm.service.name=web --format '{{.Actor.ID}}' | sort -u | wc -l)" -ge 2 ]
#@ back
# not yet: show the trainee what Swarm shows
{ docker node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | grep -qx 'node2 Ready' &&
  [ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep -c ' Running')" = 2 ]; } ||
  { docker node ls 2>&1; docker service ps web 2>&1 | head -6; exit 1; }
#@ drain
[ "$(docker node inspect -f '{{.Spec.Availability}}' node1 2>/dev/null)" = drain ] &&
  [ "$(docker service ps web --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep ' Running' | cut -d' ' -f1 | sort | paste -sd' ')" = 'node2 node2' ]
