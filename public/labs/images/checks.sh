#@ pull
docker image inspect localhost:5000/busybox >/dev/null 2>&1
#@ tag
[ "$(docker image inspect -f '{{.Id}}' mybox:1.0 2>/dev/null)" = "$(docker image inspect -f '{{.Id}}' busybox 2>/dev/null)" ]
#@ commit
[ "$(cat /root/greeting.txt 2>/dev/null)" = bonjour ] && docker run --rm mybox:2.0 cat /greeting.txt 2>/dev/null | grep -qx bonjour
#@ export
# one layer (the export's flat file system), holding the committed file
[ "$(docker image inspect -f '{{len .RootFS.Layers}}' flatbox:1.0 2>/dev/null)" = 1 ] && tar -tf /root/flat.tar 2>/dev/null | grep -qx greeting.txt
#@ login
# the daemon logs the search it could not make; the client keeps the login in its config
grep -q '/images/search' /var/log/dockerd.log && grep -q '"localhost:5000"' /root/.docker/config.json 2>/dev/null
#@ push
curl -sf http://localhost:5000/v2/mybox/tags/list | grep -q '"2.0"'
#@ save
# the file, then in Docker's event log the image removed (untag or delete) and loaded back after it
[ -s /root/mybox.tar ] && tar -tf /root/mybox.tar | grep -q manifest.json || exit 1
id=$(docker image inspect -f '{{.Id}}' mybox:2.0 2>/dev/null) || exit 1
docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=image --filter event=untag --filter event=delete --filter event=load --format '{{.Action}} {{.Actor.ID}}' |
  sed -n "s/ $id\$//p" | grep -A1000 -E '^(untag|delete)$' | grep -qx load
