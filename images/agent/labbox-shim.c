/*
 * labbox-shim: containerd's runc shim (containerd-shim-runc-v2), minus one start per container.
 *
 * containerd starts the shim program twice to run a container (`start`, then the shim's own
 * daemon) and, whenever its connection to a shim closes, once more with `delete`, to clean up
 * after a shim that died (cleanupAfterDeadShim). It does so after every normal exit too, when
 * the shim has already deleted the container and unmounted its root file system: a Go
 * program started for nothing, on every `docker run --rm` and `docker rm`.
 *
 * Installed in the real shim's place (the build diverts that to SHIM), this program answers
 * such a `delete` itself when nothing is left to clean: the runtime keeps no state for the
 * container and the bundle's rootfs is not a mount point. Its answer is an empty
 * DeleteResponse (no output), which containerd only uses for a task it still lists, and it
 * lists none it has deleted. Every other call, and a `delete` after a shim that really died,
 * runs the real shim with the same arguments.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the real shim, moved aside by a dpkg diversion (images/build.sh) */
#define SHIM "/usr/bin/containerd-shim-runc-v2.real"

/* The value of flag `-name` (or `--name`), in either `-name value` or `-name=value` form. */
static const char *flag(int argc, char **argv, const char *name) {
  size_t n = strlen(name);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    a += a[0] == '-' && a[1] == '-' ? 2 : a[0] == '-' ? 1 : 0;
    if (a == argv[i] || strncmp(a, name, n) != 0) continue;
    if (a[n] == '=') return a + n + 1;
    if (a[n] == 0 && i + 1 < argc) return argv[i + 1];
  }
  return NULL;
}

/* Writes the runtime's state folder from the bundle's options.json ({"root": ...}) into root: 1, or 0 without one. */
static int runtime_root(const char *bundle, char *root, size_t size) {
  char path[4096], text[8192];
  snprintf(path, sizeof path, "%s/options.json", bundle);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = 0;
  const char *at = strstr(text, "\"root\"");
  if (!at || !(at = strchr(at + 6, '"'))) return 0;
  const char *end = strchr(++at, '"');
  if (!end || (size_t)(end - at) >= size) return 0;
  memcpy(root, at, end - at);
  root[end - at] = 0;
  return 1;
}

/* A `delete` with nothing to clean: the container is gone from the runtime and its root unmounted. */
static int nothing_to_clean(int argc, char **argv) {
  const char *ns = flag(argc, argv, "namespace"), *id = flag(argc, argv, "id"), *bundle = flag(argc, argv, "bundle");
  char root[2048], path[4096];
  struct stat st, rootfs;
  if (!ns || !id || !bundle || strchr(id, '/') || !runtime_root(bundle, root, sizeof root)) return 0;
  snprintf(path, sizeof path, "%s/%s/%s", root, ns, id);
  if (lstat(path, &st) == 0) return 0;
  snprintf(path, sizeof path, "%s/rootfs", bundle);
  if (stat(bundle, &st) != 0) return 0;
  return stat(path, &rootfs) != 0 || rootfs.st_dev == st.st_dev;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[argc - 1], "delete") == 0 && nothing_to_clean(argc, argv)) return 0;
  argv[0] = SHIM;
  execv(SHIM, argv);
  perror("labbox-shim: " SHIM);
  return 127;
}
