#@ pull
docker image inspect localhost:5000/busybox >/dev/null 2>&1
#@ tag
[ "$(docker image inspect -f '{{.Id}}' mybox:1.0 2>/dev/null)" = "$(docker image inspect -f '{{.Id}}' busybox 2>/dev/null)" ]
#@ commit
docker run --rm mybox:2.0 cat /greeting.txt 2>/dev/null | grep -qx bonjour
#@ push
curl -sf http://localhost:5000/v2/mybox/tags/list | grep -q '"2.0"'
#@ save
[ -s /root/mybox.tar ] && tar -tf /root/mybox.tar | grep -q manifest.json
