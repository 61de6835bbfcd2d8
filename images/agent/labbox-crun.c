/*
 * labbox-crun: Docker's OCI runtime in the guest, crun with one hook made cheap.
 *
 * For every container on a Docker network, Docker 26 writes an OCI prestart hook that
 * re-executes dockerd itself (`/proc/<dockerd>/exe libnetwork-setkey ...`) only to tell
 * dockerd, over a unix socket, which network namespace the new container got. Starting
 * that 70 MB Go program costs about 2 s in the emulator, on every `docker run`.
 *
 * As the runtime (daemon.json points Docker's "crun" runtime here), it rewrites that hook in
 * the bundle's config.json on `create` to run this program instead, then executes crun
 * with the same arguments. As the hook (argv[0] "libnetwork-setkey", the arguments Docker
 * wrote), it does what dockerd's re-execution does: reads the container's state from stdin,
 * sends {"ContainerID", "Key": "/proc/<pid>/ns/net"} to dockerd's socket
 * <exec-root>/libnetwork/<controller>.sock and fails unless dockerd answers "success".
 * Docker 28 no longer uses the hook; nothing else of Docker or crun changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CRUN "/usr/bin/crun"
#define SELF "/usr/local/sbin/labbox-crun"
#define HOOK_NAME "libnetwork-setkey"

static char *read_all(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (size_t r; buf && (r = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += r;
    if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  if (buf) buf[n] = 0;
  *len = n;
  return buf;
}

/* The hook: what `dockerd libnetwork-setkey -exec-root=R <container> <controller>` does. */
static int setkey(int argc, char **argv) {
  const char *root = "/run/docker", *container = NULL, *controller = NULL;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "-exec-root=", 11) == 0) root = argv[i] + 11;
    else if (!container) container = argv[i];
    else if (!controller) controller = argv[i];
  }
  size_t len;
  char *state = read_all(stdin, &len);
  char *pid = state ? strstr(state, "\"pid\"") : NULL;
  if (!container || !controller || !pid) {
    fprintf(stderr, "%s: expected -exec-root=DIR CONTAINER CONTROLLER and the container's state on stdin\n", HOOK_NAME);
    return 1;
  }
  pid += 5;
  while (*pid == ' ' || *pid == ':') pid++;
  long p = strtol(pid, NULL, 10);

  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (snprintf(addr.sun_path, sizeof addr.sun_path, "%s/libnetwork/%s.sock", root, controller) >= (int)sizeof addr.sun_path) return 1;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    fprintf(stderr, "%s: %s: %s\n", HOOK_NAME, addr.sun_path, strerror(errno));
    return 1;
  }
  char msg[512];
  int n = snprintf(msg, sizeof msg, "{\"ContainerID\":\"%s\",\"Key\":\"/proc/%ld/ns/net\"}\n", container, p);
  if (n >= (int)sizeof msg || write(fd, msg, n) != n) return 1;
  char reply[1024];
  ssize_t r, got = 0;
  while (got < (ssize_t)sizeof reply - 1 && (r = read(fd, reply + got, sizeof reply - 1 - got)) > 0) got += r;
  reply[got < 0 ? 0 : got] = 0;
  if (strcmp(reply, "success") != 0) {
    fprintf(stderr, "%s: dockerd answered: %s\n", HOOK_NAME, reply);
    return 1;
  }
  return 0;
}

/* Points every `"path":"/proc/<n>/exe","args":["libnetwork-setkey"` hook of config.json here. */
static void rewrite_hook(const char *bundle) {
  char file[4096];
  if (snprintf(file, sizeof file, "%s/config.json", bundle) >= (int)sizeof file) return;
  FILE *f = fopen(file, "r");
  if (!f) return;
  size_t len;
  char *json = read_all(f, &len);
  fclose(f);
  if (!json) return;
  static const char needle[] = "\"args\":[\"" HOOK_NAME "\"";
  char *out = malloc(len + 4096), *o = out, *from = json, *hit;
  int changed = 0;
  while (out && (hit = strstr(from, needle))) {
    /* the hook's path just before its args: "path":"/proc/123/exe", */
    char *path = hit;
    while (path > from && strncmp(path, "\"path\":\"", 8) != 0) path--;
    if (path == from || hit - path > 64 || o - out + (hit - from) + 64 > (long)(len + 4096)) break;
    memcpy(o, from, path - from);
    o += path - from;
    o += sprintf(o, "\"path\":\"%s\",", SELF);
    from = hit;
    changed = 1;
  }
  if (out && changed) {
    size_t rest = strlen(from);
    memcpy(o, from, rest);
    o += rest;
    f = fopen(file, "w");
    if (f) {
      fwrite(out, 1, o - out, f);
      fclose(f);
    }
  }
  free(out);
  free(json);
}

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/');
  if (strcmp(name ? name + 1 : argv[0], HOOK_NAME) == 0) return setkey(argc, argv);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "create") != 0) continue;
    for (int j = i + 1; j < argc; j++) {
      if (strncmp(argv[j], "--bundle=", 9) == 0) rewrite_hook(argv[j] + 9);
      else if ((strcmp(argv[j], "--bundle") == 0 || strcmp(argv[j], "-b") == 0) && j + 1 < argc) rewrite_hook(argv[j + 1]);
    }
    break;
  }
  argv[0] = CRUN;
  execv(CRUN, argv);
  fprintf(stderr, "labbox-crun: %s: %s\n", CRUN, strerror(errno));
  return 127;
}
