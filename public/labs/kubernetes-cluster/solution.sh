# What a trainee types, on the node each section names (node1 when it names none).
#@ join
# the trainee copies the join command from node1's screen; here node1 hands it over HTTP
mkdir -p /run/join && labbox-kubernetes token > /run/join/command && busybox httpd -p 8000 -h /run/join
#@ join node2
$(curl -s http://node1:8000/command)
#@ join
# the pattern anchored at the start: unanchored, it also matches this script's own command line
pkill -f '^busybox httpd -p 8000'
kubectl get nodes -o wide
#@ spread
kubectl create deployment hello --image=nginx:1.26 --replicas=2
kubectl rollout status deployment hello --timeout=10m
kubectl get pods -o wide
#@ nodeport
kubectl expose deployment hello --type=NodePort --port=80
port=$(kubectl get service hello -o jsonpath='{.spec.ports[0].nodePort}')
# kube-proxy on each node writes the Service's rules when it hears of it: wait for both nodes
i=0; until { curl -sf -m 10 "node1:$port" && curl -sf -m 10 "node2:$port"; } >/dev/null || [ $i -ge 30 ]; do sleep 2; i=$((i + 1)); done
#@ lost node2
ip link set eth0 down
#@ lost
# about 40 s until node2 is NotReady, then its pod is deleted and made again on labbox (polled every 5 s)
i=0; until [ "$(kubectl get deployment hello -o 'jsonpath={.status.readyReplicas}')" = 2 ] &&
  kubectl get events --field-selector reason=TaintManagerEviction -o name | grep -q . || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
kubectl get pods -o wide
#@ back node2
ip link set eth0 up
#@ back
i=0; until kubectl get node node2 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' | grep -qx True || [ $i -ge 60 ]; do sleep 5; i=$((i + 1)); done
kubectl rollout restart deployment hello
kubectl rollout status deployment hello --timeout=10m
kubectl get pods -o wide
