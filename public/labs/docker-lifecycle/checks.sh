#@ run
[ "$(docker inspect -f '{{.State.Running}}' web 2>/dev/null)" = true ]
#@ exec
[ "$(docker exec web cat /tmp/hello.txt 2>/dev/null)" = hello ]
#@ pause
[ "$(docker inspect -f '{{.State.Paused}}' web 2>/dev/null)" = true ]
#@ wait
[ "$(docker inspect -f '{{.State.ExitCode}}' waiter 2>/dev/null)" = 3 ]
#@ remove
docker inspect waiter >/dev/null 2>&1 && ! docker inspect web >/dev/null 2>&1
