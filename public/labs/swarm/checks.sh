# Docker's event log keeps what the manager did (node, service and task events) after the last
# step removes the service and leaves the swarm: the checks read it, and stay true
#@ init
# this machine became a node of a swarm it manages (a manager's own node events)
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=node --filter event=update \
  --format '{{index .Actor.Attributes "state.new"}}' | grep -qx ready
#@ service
# the service created, and a task of it started
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=service --filter event=create --format '{{.Actor.Attributes.name}}' | grep -qx web &&
  docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=container --filter event=start \
    --filter label=com.docker.swarm.service.name=web --format '{{.Actor.ID}}' | grep -q .
#@ scale
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=service --filter event=update \
  --format '{{.Actor.Attributes.name}} {{index .Actor.Attributes "replicas.new"}}' | grep -qx 'web 2'
#@ update
# an update completed; while the service is there, COLOR=blue is its spec, or its previous
# spec once rolled back (a rollback swaps the two)
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=service --filter event=update \
  --format '{{.Actor.Attributes.name}} {{index .Actor.Attributes "updatestate.new"}}' | grep -qx 'web completed' || exit 1
s=$(docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Env}} {{with .PreviousSpec}}{{.TaskTemplate.ContainerSpec.Env}}{{end}}' web 2>/dev/null) || exit 0
[ "$s" = 'completed [COLOR=blue] []' ] || [ "$s" = 'rollback_completed [] [COLOR=blue]' ]
#@ rollback
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=service --filter event=update \
  --format '{{.Actor.Attributes.name}} {{index .Actor.Attributes "updatestate.new"}}' | grep -qx 'web rollback_completed'
#@ leave
# out of the swarm, after the lab's service ran in it
[ "$(docker info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = inactive ] &&
  docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=service --filter event=create --format '{{.Actor.Attributes.name}}' | grep -qx web
