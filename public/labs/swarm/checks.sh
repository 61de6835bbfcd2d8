#@ init
[ "$(docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}' 2>/dev/null)" = 'active true' ]
#@ service
docker service ps web --filter desired-state=running --format '{{.CurrentState}}' 2>/dev/null | grep -q '^Running'
#@ scale
[ "$(docker service ls --filter name=web --format '{{.Replicas}}' 2>/dev/null)" = 2/2 ]
#@ update
# updated; a rollback later swaps the spec and the previous one, the update's spec kept as previous
s=$(docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Env}} {{with .PreviousSpec}}{{.TaskTemplate.ContainerSpec.Env}}{{end}}' web 2>/dev/null)
[ "$s" = 'completed [COLOR=blue] []' ] || [ "$s" = 'rollback_completed [] [COLOR=blue]' ]
#@ rollback
[ "$(docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Env}}' web 2>/dev/null)" = 'rollback_completed []' ]
