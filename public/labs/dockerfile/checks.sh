#@ context
[ -f /root/myapp/MyApp/index.html ] && tar -tzf /root/myapp/notes.tar.gz 2>/dev/null | grep -q README.txt
#@ write
f=/root/myapp/Dockerfile
[ -f $f ] && grep -q '^FROM ' $f && grep -q '^COPY ' $f && grep -q '^ADD ' $f && grep -q '^WORKDIR ' $f && grep -q '^EXPOSE ' $f && grep -q '^CMD ' $f
#@ build
[ "$(docker image inspect -f '{{.Config.WorkingDir}}' myapp:1.0 2>/dev/null)" = /var/www/html/MyApp ]
#@ run
curl -sf -m 10 http://localhost:8081/MyApp/ | grep -q MyApp && curl -sf -m 10 http://localhost:8081/notes/README.txt | grep -q Dockerfile
#@ cache
# only the layers from COPY on differ: the RUN layer came from the cache
layers() { docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" 2>/dev/null | grep .; }
old=$(layers myapp:1.0) new=$(layers myapp:1.1)
but2() { echo "$1" | sed '$d' | sed '$d'; }
[ -n "$old" ] && [ "$old" != "$new" ] && [ "$(but2 "$old")" = "$(but2 "$new")" ] &&
  docker run --rm myapp:1.1 cat index.html 2>/dev/null | grep -q v2
