#@ volume
# read through the volume's folder on this machine: a `docker run -v` here would create it
dir=$(docker volume inspect -f '{{.Mountpoint}}' labdata 2>/dev/null) && [ "$(cat "$dir/note" 2>/dev/null)" = kept ]
#@ bind
# a container's host name (its short id), not this machine's
grep -Eqx '[0-9a-f]{12}' /root/shared/from-container 2>/dev/null && [ "$(cat /root/shared/from-container)" != "$(hostname)" ]
#@ ports
docker port web 80 2>/dev/null | grep -q ':8080$' && curl -sf -m 10 http://localhost:8080/ | grep -q LabBox
#@ network
[ "$(docker inspect -f '{{.State.Running}} {{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' db 2>/dev/null)" = 'true labnet' ] &&
  docker run --rm --network labnet busybox ping -c 1 -W 5 db >/dev/null 2>&1
