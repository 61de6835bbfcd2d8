FROM debian:@SUITE@-slim
ADD nginx-layer.tar /
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
