#@ init
[ "$(docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null)" = 'active true' ]
#@ service
docker service ps web --filter desired-state=running --format '{{.CurrentState}}' 2>/dev/null | grep -q '^Running'
#@ scale
[ "$(docker service ls --filter name=web --format '{{.Replicas}}' 2>/dev/null)" = 2/2 ]
#@ update
[ "$(docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Env}}' web 2>/dev/null)" = 'completed [COLOR=blue]' ]
#@ rollback
[ "$(docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Env}}' web 2>/dev/null)" = 'rollback_completed []' ]
