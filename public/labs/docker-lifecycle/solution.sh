#@ run
docker run -d --name web nginx
docker ps
#@ exec
docker exec web sh -c 'echo hello > /tmp/hello.txt'
docker logs web
#@ pause
docker pause web
docker ps
#@ wait
docker run -d --name waiter busybox sh -c 'sleep 5; exit 3'
docker wait waiter
#@ remove
docker rm -f web
docker ps -a
