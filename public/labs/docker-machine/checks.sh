# Checks run on node1, the workstation, unless their section names node2, the remote host.
#@ certificates
cd /root/.docker/machine/certs 2>/dev/null && openssl verify -CAfile ca.pem cert.pem >/dev/null 2>&1 &&
  openssl x509 -in cert.pem -noout -ext extendedKeyUsage 2>/dev/null | grep -q 'TLS Web Client Authentication' ||
  { echo 'no client certificate (clientAuth) signed by ca.pem in ~/.docker/machine/certs'; exit 1; }
#@ server-certificate
d=/root/.docker/machine/machines/node2
openssl verify -CAfile /root/.docker/machine/certs/ca.pem $d/server.pem >/dev/null 2>&1 &&
  openssl x509 -in $d/server.pem -noout -ext subjectAltName 2>/dev/null | grep -q 'IP Address:10.10.0.12' ||
  { echo 'no server certificate for IP 10.10.0.12 signed by your CA in ~/.docker/machine/machines/node2'; exit 1; }
#@ provision node2
# the daemon listens on port 2376 and ends the handshake of a client that shows no certificate
ss -ltn | grep -q ':2376 ' || { echo 'nothing listens on port 2376 of node2: tail /var/log/dockerd.log'; exit 1; }
! curl -sk -m 20 -o /dev/null https://127.0.0.1:2376/version || { echo 'port 2376 answers a client without a certificate: "tlsverify": true is missing'; exit 1; }
#@ remote
# remote-web started by node2's daemon, reached with your client certificate; never created on node1
C=/root/.docker/machine/certs
remote() { docker --tlsverify --tlscacert=$C/ca.pem --tlscert=$C/cert.pem --tlskey=$C/key.pem -H tcp://node2:2376 "$@"; }
remote events --since 0 --until "$(($(date +%s) + 1))" --filter type=container --filter event=start --format '{{.Actor.Attributes.name}}' 2>/dev/null |
  grep -qx remote-web || { echo 'node2 started no container named remote-web'; exit 1; }
! docker events --since 0 --until "$(($(date +%s) + 1))" --filter type=container --filter event=create --format '{{.Actor.Attributes.name}}' |
  grep -qx remote-web || { echo 'remote-web was created on node1: DOCKER_HOST was not set in that terminal'; exit 1; }
#@ context
[ "$(docker context inspect node2 --format '{{.Endpoints.docker.Host}}' 2>/dev/null)" = tcp://node2:2376 ] &&
  [ "$(docker --context node2 info --format '{{.Name}}' 2>/dev/null)" = node2 ] || { echo 'no context node2 that reaches node2:2376'; exit 1; }
[ "$(docker context show)" = default ] || { echo "the context in use is $(docker context show): docker context use default"; exit 1; }
#@ cleanup
C=/root/.docker/machine/certs
remote() { docker --tlsverify --tlscacert=$C/ca.pem --tlscert=$C/cert.pem --tlskey=$C/key.pem -H tcp://node2:2376 "$@"; }
remote events --since 0 --until "$(($(date +%s) + 1))" --filter type=container --filter event=destroy --format '{{.Actor.Attributes.name}}' 2>/dev/null |
  grep -qx remote-web || { echo 'node2 removed no container named remote-web'; exit 1; }
[ -z "$(remote ps -aq --filter name='^remote-web$' 2>/dev/null)" ] || { echo 'remote-web is still on node2'; exit 1; }
