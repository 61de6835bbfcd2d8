#@ init
docker swarm init --advertise-addr eth0
#@ service
docker service create --name web --replicas 1 nginx
#@ scale
docker service scale web=2
#@ update
docker service update --env-add COLOR=blue --update-parallelism 1 --update-delay 2s web
# the command returns when the tasks converge; the service's update state follows a moment later
i=0; until [ "$(docker service inspect -f '{{.UpdateStatus.State}}' web)" = completed ] || [ $i -ge 60 ]; do sleep 2; i=$((i + 1)); done
#@ rollback
docker service rollback web
i=0; until [ "$(docker service inspect -f '{{.UpdateStatus.State}}' web)" = rollback_completed ] || [ $i -ge 60 ]; do sleep 2; i=$((i + 1)); done
#@ leave
docker service rm web
docker swarm leave --force
docker info -f '{{.Swarm.LocalNodeState}}'
