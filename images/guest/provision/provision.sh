#!/bin/sh
# Runs once in the guest at image-build time (images/boot.ts provision), with the
# images on /dev/sdb: import them into docker and push them to the local registry.
set -eu
mkdir -p /tmp/provision && cd /tmp/provision
docker import --change 'CMD ["sh"]' busybox.tar busybox:latest
docker import --change 'CMD ["bash"]' debian-slim.tar debian:@SUITE@-slim
docker tag debian:@SUITE@-slim debian:@SUITE@
DOCKER_BUILDKIT=0 docker build -q -t nginx:latest nginx
for image in busybox:latest debian:@SUITE@-slim nginx:latest; do
  docker tag "$image" "localhost:5000/$image"
  docker push -q "localhost:5000/$image"
  docker rmi "localhost:5000/$image" >/dev/null
done
docker images
