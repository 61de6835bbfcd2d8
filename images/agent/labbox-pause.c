/*
 * labbox-pause: the first process of every Kubernetes pod (the image labbox/pause:3.2 that
 * the kubelet starts before a pod's containers). It holds the pod's namespaces, which the
 * pod's containers join, for as long as the pod lives; as PID 1 of the pod's PID namespace
 * it reaps the orphans it inherits, and it exits at once on SIGINT or SIGTERM, so deleting a
 * pod does not wait out a grace period. Written for LabBox: no pause image is reachable
 * offline, and busybox's sleep as PID 1 ignores SIGTERM.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void leave(int sig) {
  (void)sig;
  _exit(0);
}

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    static const char version[] = "labbox-pause 3.2\n";
    return write(STDOUT_FILENO, version, sizeof version - 1) < 0;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = leave;
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);
  action.sa_handler = reap;
  action.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &action, NULL);
  for (;;) pause();
}
