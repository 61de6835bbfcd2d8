#@ write
[ "$(cd /root/stack 2>/dev/null && docker compose config --services 2>/dev/null | sort | tr '\n' ' ')" = 'probe web ' ]
#@ up
# Docker's event log keeps the project's starts after `down` removes its containers
[ "$(docker events --since 0 --until "$(($(date +%s) + 1))" --filter label=com.docker.compose.project=stack --filter event=start \
  --format '{{index .Actor.Attributes "com.docker.compose.service"}}' | sort -u | tr '\n' ' ')" = 'probe web ' ]
#@ logs
# the probe reached web by its service name: in its logs, or in the copy kept of them
{ cd /root/stack && docker compose logs probe; cat probe.log; } 2>/dev/null | grep -q 'Hello from Compose'
#@ scale
docker events --since 0 --until "$(($(date +%s) + 1))" --filter label=com.docker.compose.project=stack --filter event=start \
  --format '{{.Actor.Attributes.name}}' | grep -qx stack-probe-3
#@ down
# the project's containers were removed (after an `up`), and nothing of it is left
docker events --since 0 --until "$(($(date +%s) + 1))" --filter label=com.docker.compose.project=stack --filter event=destroy \
  --format '{{.Actor.Attributes.name}}' | grep -qx stack-web-1 &&
  [ -z "$(docker ps -aq --filter label=com.docker.compose.project=stack)" ] && ! docker network inspect stack_default >/dev/null 2>&1
