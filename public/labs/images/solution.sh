#@ pull
docker pull localhost:5000/busybox
#@ tag
docker tag busybox mybox:1.0
docker images
#@ commit
docker run --name greeter mybox:1.0 sh -c 'echo bonjour > /greeting.txt'
docker diff greeter
docker cp greeter:/greeting.txt /root/greeting.txt
docker commit greeter mybox:2.0
docker rm greeter
docker history mybox:2.0
#@ export
docker create --name flat mybox:2.0
docker export -o /root/flat.tar flat
docker rm flat
docker import /root/flat.tar flatbox:1.0
docker history flatbox:1.0
docker run --rm flatbox:1.0 cat /greeting.txt
#@ login
docker search nginx
docker search localhost:5000/busybox
echo secret | docker login localhost:5000 -u trainee --password-stdin
cat /root/.docker/config.json
#@ push
docker tag mybox:2.0 localhost:5000/mybox:2.0
docker push localhost:5000/mybox:2.0
#@ save
docker save -o /root/mybox.tar mybox:2.0
tar -tf /root/mybox.tar | head
docker rmi mybox:2.0 localhost:5000/mybox:2.0
docker load -i /root/mybox.tar
docker images
