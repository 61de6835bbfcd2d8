#@ write
[ "$(cd /root/stack 2>/dev/null && docker compose config --services 2>/dev/null | sort | tr '\n' ' ')" = 'probe web ' ]
#@ up
[ "$(cd /root/stack 2>/dev/null && docker compose ps --status running --services 2>/dev/null | sort | tr '\n' ' ')" = 'probe web ' ] &&
  curl -sf -m 10 http://localhost:8082/ | grep -q Compose
#@ logs
# the probe reached web by its service name
cd /root/stack 2>/dev/null && docker compose logs probe 2>/dev/null | grep -q 'Hello from Compose'
#@ scale
[ "$(cd /root/stack 2>/dev/null && docker compose ps --status running -q probe 2>/dev/null | wc -l)" -eq 3 ]
#@ down
[ -f /root/stack/compose.yaml ] && [ -z "$(docker ps -aq --filter label=com.docker.compose.project=stack)" ] &&
  ! docker network inspect stack_default >/dev/null 2>&1
