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
docker run --name waiter busybox sh -c 'exit 3'
docker wait waiter
#@ remove
docker rm -f web
docker ps -a
