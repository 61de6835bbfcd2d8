#@ pull
docker pull localhost:5000/busybox
#@ tag
docker tag busybox mybox:1.0
docker images
#@ commit
docker run --name greeter mybox:1.0 sh -c 'echo bonjour > /greeting.txt'
docker diff greeter
docker commit greeter mybox:2.0
docker rm greeter
docker history mybox:2.0
#@ push
docker tag mybox:2.0 localhost:5000/mybox:2.0
docker push localhost:5000/mybox:2.0
#@ save
docker save -o /root/mybox.tar mybox:2.0
tar -tf /root/mybox.tar | head
