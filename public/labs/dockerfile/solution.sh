#@ context
mkdir -p /root/myapp/MyApp /root/myapp/notes && cd /root/myapp
echo '<h1>MyApp v1</h1>' > MyApp/index.html
echo 'Built with a Dockerfile' > notes/README.txt
tar -czf notes.tar.gz -C notes .
#@ write
cd /root/myapp
cat > Dockerfile <<'END'
FROM nginx
RUN mkdir -p /var/www/html/MyApp && echo "built on $(date)" > /var/www/html/built.txt
COPY MyApp /var/www/html/MyApp
ADD notes.tar.gz /var/www/html/notes/
WORKDIR /var/www/html/MyApp
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
END
#@ build
cd /root/myapp
docker build -t myapp:1.0 .
#@ run
docker run -d --name myapp -p 8081:80 myapp:1.0
for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf http://localhost:8081/MyApp/ && break; sleep 2; done
#@ cache
cd /root/myapp
echo '<h1>MyApp v2</h1>' > MyApp/index.html
docker build -t myapp:1.1 .
