#@ write
mkdir -p /root/stack/site && cd /root/stack
echo '<h1>Hello from Compose</h1>' > site/index.html
cat > compose.yaml <<'END'
services:
  web:
    image: nginx
    ports:
      - "8082:80"
    volumes:
      - ./site:/var/www/html:ro
  probe:
    image: busybox
    init: true
    depends_on:
      - web
    command: sh -c 'while true; do wget -q -O - http://web/ | grep -o "<h1>.*</h1>"; sleep 5; done'
END
#@ up
cd /root/stack
docker compose up -d
for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf http://localhost:8082/ && break; sleep 2; done
#@ logs
cd /root/stack
for i in 1 2 3 4 5 6 7 8 9 10; do docker compose logs probe | grep -q Compose && break; sleep 3; done
docker compose logs probe | tee probe.log
#@ scale
cd /root/stack
docker compose up -d --scale probe=3
#@ down
cd /root/stack
docker compose down
