# Checks of the kubernetes lab, on the machine `kubernetes` (one node, named labbox). Each
# `kubectl` call takes 2-3 s in the emulator: a check makes a few, each reading what it needs
# with jsonpath. Every check reads a state the later steps leave as it is.
#@ architecture
f=/root/k8s-lab/registry.txt
grep -qx /registry/minions/labbox "$f" && grep -qx /registry/namespaces/default "$f" &&
  grep -qx /registry/services/specs/default/kubernetes "$f"
#@ pod
[ "$(kubectl get pod hello -o 'jsonpath={.spec.containers[0].image} {.status.phase}')" = "nginx:1.26 Running" ]
#@ labels
[ "$(kubectl get pod hello -o 'jsonpath={.metadata.labels.tier}')" = front ]
#@ replicaset
# more than three pods created by the ReplicaSet: one was replaced (true after the ReplicaSet is deleted too)
created=$(kubectl get events --field-selector involvedObject.kind=ReplicaSet,involvedObject.name=front,reason=SuccessfulCreate -o name | wc -l)
[ "$created" -ge 4 ] || { echo "the ReplicaSet front created $created pods"; exit 1; }
#@ deployment
[ "$(kubectl get deployment web -o 'jsonpath={.spec.replicas}')" = 3 ]
#@ rollout
# rolled out to web:2 and back: revision 3 runs nginx:1.26 on all replicas, web:2's ReplicaSet is kept at 0
[ "$(kubectl get deployment web -o 'jsonpath={.status.updatedReplicas} {.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\.kubernetes\.io/revision}')" = "3 nginx:1.26 3" ] || exit 1
kubectl get rs -l app=web -o 'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image} {.spec.replicas}{"\n"}{end}' | grep -qx 'web:2 0'
#@ service
[ "$(kubectl get service web -o 'jsonpath={.spec.type}')" = NodePort ] || exit 1
port=$(kubectl get service web -o 'jsonpath={.spec.ports[0].nodePort}')
curl -s --max-time 10 "10.0.2.15:$port" | grep -q '<title>Welcome to nginx!</title>' &&
  [ "$(kubectl get pod client -o 'jsonpath={.status.phase}')" = Running ]
#@ scheduler
[ "$(kubectl get pod picky -o 'jsonpath={.status.phase} {.spec.nodeName}')" = "Running labbox" ] &&
  kubectl get pod big -o 'jsonpath={.status.phase} {.status.conditions[0].reason}' | grep -qx 'Pending Unschedulable'
