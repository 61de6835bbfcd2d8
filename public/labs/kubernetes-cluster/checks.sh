# Every check runs on node1, the control plane: it sees the whole cluster. Each stays true
# after the later steps (a node's object outlives its absence; events are kept a day).
#@ join
[ "$(kubectl get node node2 -o 'jsonpath={.status.nodeInfo.kubeletVersion}' 2>/dev/null)" = v1.20.2 ] ||
  { kubectl get nodes 2>&1; exit 1; }
#@ spread
# a pod of hello was placed on node2 by the scheduler
kubectl get events --field-selector reason=Scheduled -o 'jsonpath={range .items[*]}{.message}{"\n"}{end}' 2>/dev/null |
  grep -q '^Successfully assigned default/hello-.* to node2$' || { kubectl get pods -o wide 2>&1; exit 1; }
#@ nodeport
port=$(kubectl get service hello -o 'jsonpath={.spec.type} {.spec.ports[0].nodePort}' 2>/dev/null | sed -n 's/^NodePort //p')
[ -n "$port" ] && curl -sf -m 20 "node1:$port" | grep -q 'Welcome to nginx' && curl -sf -m 20 "node2:$port" | grep -q 'Welcome to nginx'
#@ lost
# the taint manager deleted a pod of hello from the lost node, and the Deployment still runs two
kubectl get events --field-selector reason=TaintManagerEviction -o 'jsonpath={range .items[*]}{.involvedObject.name}{"\n"}{end}' 2>/dev/null |
  grep -q '^hello-' &&
  [ "$(kubectl get deployment hello -o 'jsonpath={.status.readyReplicas}' 2>/dev/null)" = 2 ] ||
  { kubectl get nodes 2>&1; kubectl get pods -o wide 2>&1; exit 1; }
#@ back
# node2 is Ready again and, after the rolling restart, runs a pod of hello
kubectl get node node2 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True &&
  kubectl get pods -l app=hello -o 'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{"\n"}{end}' |
    grep -qx 'node2 Running ' && [ "$(kubectl get deployment hello -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}')" -ge 2 ] ||
  { kubectl get nodes 2>&1; kubectl get pods -o wide 2>&1; exit 1; }
