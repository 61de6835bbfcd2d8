#@ version
docker version | tee /root/version.txt
DOCKER_HOST=unix:///tmp/nobody.sock docker version
curl -s --unix-socket /var/run/docker.sock http://localhost/version
#@ run
docker run -d --name web nginx
docker ps
#@ exec
docker exec web sh -c 'echo hello > /tmp/hello.txt'
docker exec web cat /tmp/hello.txt
docker logs web
docker top web
#@ vm
mkdir -p /root/vm
uname -r | tee /root/vm/kernel-host.txt
docker exec web uname -r | tee /root/vm/kernel-container.txt
docker exec web cat /proc/1/cmdline | tr '\0' ' ' | tee /root/vm/pid1-container.txt; echo
cat /proc/1/cmdline | tr '\0' ' '; echo
docker inspect -f '{{.State.Pid}}' web
ps -o pid,ppid,args -C nginx | tee /root/vm/ps-host.txt
uptime -s
docker inspect -f '{{.State.StartedAt}}' web
time docker run --rm busybox true
#@ attach
docker run -dit --name box busybox sh
# what the trainee types into the attached shell; script gives docker attach the terminal it needs
echo 'echo $$; exit' | timeout 60 script -qec 'docker attach box' /dev/null
docker ps -a
#@ pause
docker pause web
docker ps
docker exec web true
docker unpause web
docker ps
#@ stop
docker stop web
docker ps -a
docker start web
docker exec web cat /tmp/hello.txt
docker restart web
docker kill web
docker ps -a
#@ wait
docker run -d --name waiter busybox sh -c 'sleep 5; exit 3'
docker wait waiter
docker inspect -f '{{.State.ExitCode}}' waiter
#@ remove
docker rm web box waiter
docker ps -a
#@ events
docker run --rm busybox echo hello
docker events --since 0 --until 0s --filter container=web | tee /root/web-events.txt
