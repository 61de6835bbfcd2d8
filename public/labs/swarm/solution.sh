#@ init
docker swarm init --advertise-addr eth0
#@ service
docker service create --name web --replicas 1 nginx
#@ scale
docker service scale web=2
#@ update
docker service update --env-add COLOR=blue --update-parallelism 1 --update-delay 2s web
#@ rollback
docker service rollback web
