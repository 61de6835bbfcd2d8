# What a trainee types, on the node each section names (node1 when it names none).
#@ certificates
mkdir -p ~/.docker/machine/certs && cd ~/.docker/machine/certs
openssl ecparam -genkey -name prime256v1 -noout -out ca-key.pem
openssl req -new -x509 -days 365 -key ca-key.pem -subj /CN=labbox-ca -out ca.pem
openssl ecparam -genkey -name prime256v1 -noout -out key.pem
openssl req -new -key key.pem -subj /CN=trainee -out client.csr
echo 'extendedKeyUsage = clientAuth' > client.ext
openssl x509 -req -days 365 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -extfile client.ext -out cert.pem
#@ server-certificate
mkdir -p ~/.docker/machine/machines/node2 && cd ~/.docker/machine/machines/node2
cp ~/.docker/machine/certs/ca.pem .
openssl ecparam -genkey -name prime256v1 -noout -out server-key.pem
openssl req -new -key server-key.pem -subj /CN=node2 -out server.csr
printf 'subjectAltName = DNS:node2, IP:10.10.0.12\nextendedKeyUsage = serverAuth\n' > server.ext
C=~/.docker/machine/certs
openssl x509 -req -days 365 -in server.csr -CA $C/ca.pem -CAkey $C/ca-key.pem -CAcreateserial -extfile server.ext -out server.pem
#@ provision
cd ~/.docker/machine/machines/node2 && busybox httpd -p 8000 -h .
#@ provision node2
mkdir -p /etc/docker/tls && cd /etc/docker/tls
for f in ca.pem server.pem server-key.pem; do curl -sfO http://node1:8000/$f; done
chmod 600 server-key.pem
sed -i '1a\
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],\
  "tlsverify": true,\
  "tlscacert": "/etc/docker/tls/ca.pem",\
  "tlscert": "/etc/docker/tls/server.pem",\
  "tlskey": "/etc/docker/tls/server-key.pem",' /etc/docker/daemon.json
kill $(pidof dockerd)
# the trainee waits and looks with ss; here: until the daemon listens (polled every 2 s)
i=0; until ss -ltn | grep -q ':2376 ' || [ $i -ge 60 ]; do sleep 2; i=$((i + 1)); done
#@ provision
# the pattern anchored at the start: unanchored, it also matches this script's own command line
pkill -f '^busybox httpd -p 8000'
#@ remote
export DOCKER_HOST=tcp://node2:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=~/.docker/machine/certs
docker run -d --name remote-web -p 8083:80 nginx
#@ context
C=~/.docker/machine/certs
docker context create node2 --description 'node2 over TLS' --docker "host=tcp://node2:2376,ca=$C/ca.pem,cert=$C/cert.pem,key=$C/key.pem"
docker context use node2
docker info --format '{{.Name}}'
docker context use default
#@ cleanup
docker --context node2 rm -f remote-web
