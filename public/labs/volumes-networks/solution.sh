#@ volume
docker volume create labdata
docker run --rm -v labdata:/data busybox sh -c 'echo kept > /data/note'
#@ bind
mkdir -p /root/shared
docker run --rm -v /root/shared:/shared busybox sh -c 'hostname > /shared/from-container'
#@ ports
mkdir -p /root/site
echo '<h1>Hello from LabBox</h1>' > /root/site/index.html
docker run -d --name web -p 8080:80 -v /root/site:/var/www/html:ro nginx
for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf http://localhost:8080/ | tee /root/site-answer.html | grep -q LabBox && break; sleep 2; done
#@ network
docker network create labnet
docker run -d --name db --network labnet --init busybox sleep 3600
docker run --rm --network labnet busybox ping -c 2 db | tee /root/labnet-ping.txt
#@ cleanup
docker rm -f web db
docker network rm labnet
