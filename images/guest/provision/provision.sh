#!/bin/sh
# Runs once in the guest at image-build time (images/boot.ts provision), with the
# images on /dev/sdb: import them into docker and push them to the local registry.
set -eu
mkdir -p /tmp/provision && cd /tmp/provision
docker import --change 'CMD ["sh"]' busybox.tar busybox:latest
docker import --change 'CMD ["bash"]' debian-slim.tar debian:@SUITE@-slim
docker tag debian:@SUITE@-slim debian:@SUITE@
DOCKER_BUILDKIT=0 docker build -q -t nginx:latest nginx
docker tag busybox:latest busybox:@BUSYBOX_TAG@
docker tag nginx:latest nginx:@NGINX_TAG@
tar -C pause -c pause | docker import --change 'ENTRYPOINT ["/pause"]' - labbox/pause:3.2
# the registry starts with busybox only (what the labs pull): the others' compressed layers
# would add 35 MB to the offline set; a trainee pushes them in seconds when wanted
docker tag busybox:latest localhost:5000/busybox:latest
docker push -q localhost:5000/busybox:latest
docker rmi localhost:5000/busybox:latest >/dev/null
docker images
