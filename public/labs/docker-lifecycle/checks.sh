#@ version
grep -q '^Client' /root/version.txt 2>/dev/null && grep -q '^Server' /root/version.txt
#@ run
# Docker's event log keeps the container's start after it stops or is removed
docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=web --filter event=start --format '{{.Actor.Attributes.name}}' | grep -qx web
#@ exec
docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=web --filter event=exec_start --format '{{.Actor.Attributes.name}}' | grep -qx web
#@ vm
# one kernel for the machine and the container; nginx as the container's process 1, and in the machine's ps
k=$(uname -r)
[ "$(cat /root/vm/kernel-host.txt 2>/dev/null)" = "$k" ] && [ "$(cat /root/vm/kernel-container.txt 2>/dev/null)" = "$k" ] &&
  grep -q '^nginx: master process' /root/vm/pid1-container.txt && grep -q ' nginx: master process' /root/vm/ps-host.txt
#@ attach
# an attach to box, then box's main process ending
docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=box --filter event=attach --filter event=die --format '{{.Actor.Attributes.name}} {{.Action}}' | grep -A1000 -x 'box attach' | grep -qx 'box die'
#@ pause
docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=web --filter event=pause --filter event=unpause --format '{{.Actor.Attributes.name}} {{.Action}}' | grep -A1000 -x 'web pause' | grep -qx 'web unpause'
#@ stop
# a stop, a start after it, a restart and a SIGKILL
log=$(docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=web --filter event=stop --filter event=start --filter event=restart --filter event=kill --format '{{.Actor.Attributes.name}} {{.Action}} {{.Actor.Attributes.signal}}' | sed -n 's/^web //p')
echo "$log" | grep -A1000 '^stop' | grep -q '^start' && echo "$log" | grep -q '^restart' && echo "$log" | grep -qx 'kill 9'
#@ wait
docker events --since 0 --until "$(($(date +%s) + 1))" --filter container=waiter --filter event=die --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}' | grep -qx 'waiter 3'
#@ remove
log=$(docker events --since 0 --until "$(($(date +%s) + 1))" --filter event=destroy --format '{{.Actor.Attributes.name}}')
for c in web box waiter; do echo "$log" | grep -qx "$c" || exit 1; done
#@ events
grep -q 'container create .*name=web' /root/web-events.txt 2>/dev/null && grep -q 'container destroy .*name=web' /root/web-events.txt
