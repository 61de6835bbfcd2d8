# What a trainee types, step by step; each step waits for what it started, as a trainee
# would by running `kubectl get` again.
#@ architecture
mkdir -p /root/k8s-lab
etcdctl get /registry --prefix --keys-only | grep . > /root/k8s-lab/registry.txt
#@ pod
kubectl run hello --image=nginx:1.26
kubectl wait --for=condition=Ready pod/hello --timeout=180s
#@ labels
kubectl label pod hello tier=front
#@ replicaset
cat > /root/k8s-lab/front.yaml <<'YAML'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
spec:
  replicas: 3
  selector:
    matchLabels:
      app: front
  template:
    metadata:
      labels:
        app: front
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
YAML
kubectl apply -f /root/k8s-lab/front.yaml
kubectl wait --for=condition=Ready pod -l app=front --timeout=180s
kubectl delete "$(kubectl get pods -l app=front -o name | head -1)"
sleep 5
kubectl wait --for=condition=Ready pod -l app=front --timeout=180s
kubectl delete rs front
#@ deployment
kubectl create deployment web --image=nginx:1.26 --replicas=2
kubectl scale deployment web --replicas=3
kubectl rollout status deployment/web --timeout=300s
#@ rollout
printf 'FROM nginx:1.26\nRUN echo "web v2" > /var/www/html/index.html\n' | docker build -t web:2 -
kubectl set image deployment/web nginx=web:2
kubectl rollout status deployment/web --timeout=300s
kubectl rollout undo deployment/web
kubectl rollout status deployment/web --timeout=300s
#@ service
kubectl expose deployment web --port 80 --type NodePort
kubectl run client --image=busybox:1.37 --restart=Never -- sleep 36000
kubectl wait --for=condition=Ready pod/client --timeout=180s
#@ scheduler
kubectl label node labbox disk=ssd
kubectl run picky --image=nginx:1.26 --overrides='{"spec":{"nodeSelector":{"disk":"hdd"}}}'
kubectl run big --image=nginx:1.26 --overrides='{"spec":{"containers":[{"name":"big","image":"nginx:1.26","resources":{"requests":{"memory":"4Gi"}}}]}}'
sleep 5
kubectl label node labbox disk=hdd --overwrite
kubectl wait --for=condition=Ready pod/picky --timeout=180s
