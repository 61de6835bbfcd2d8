#@ volume
# read through the volume's folder on this machine: a `docker run -v` here would create it
dir=$(docker volume inspect -f '{{.Mountpoint}}' labdata 2>/dev/null) && [ "$(cat "$dir/note" 2>/dev/null)" = kept ]
#@ bind
# a container's host name (its short id), not this machine's
grep -Eqx '[0-9a-f]{12}' /root/shared/from-container 2>/dev/null && [ "$(cat /root/shared/from-container)" != "$(hostname)" ]
#@ ports
# nginx's answer through port 8080, live, or as the step kept it (true after the clean-up)
{ docker port web 80 2>/dev/null | grep -q ':8080$' && curl -sf -m 10 http://localhost:8080/ | grep -q LabBox; } ||
  grep -q 'Hello from LabBox' /root/site-answer.html 2>/dev/null
#@ network
# db reached by its name on labnet, live, or as the step kept it (true after the clean-up)
{ [ "$(docker inspect -f '{{.State.Running}} {{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' db 2>/dev/null)" = 'true labnet' ] &&
  docker run --rm --network labnet busybox ping -c 1 -W 5 db >/dev/null 2>&1; } ||
  { grep -q '^PING db (' /root/labnet-ping.txt && grep -q ', [1-9][0-9]* packets received' /root/labnet-ping.txt; } 2>/dev/null
#@ cleanup
# web, db and labnet gone, after the lab made them (Docker's event log: they were removed)
removed() { docker events --since 0 --until "$(($(date +%s) + 1))" --filter type="$1" --filter event="$2" --format '{{.Actor.Attributes.name}}' | grep -qx "$3"; }
left=0
for name in web db; do
  if docker inspect "$name" >/dev/null 2>&1; then echo "docker ps: $name is still there -> docker rm -f $name"; left=1
  elif ! removed container destroy "$name"; then echo "no container $name was made and removed here yet"; left=1; fi
done
if docker network inspect labnet >/dev/null 2>&1; then echo "docker network ls: labnet is still there -> docker network rm labnet"; left=1
elif ! removed network destroy labnet; then echo "no network labnet was made and removed here yet"; left=1; fi
exit $left
