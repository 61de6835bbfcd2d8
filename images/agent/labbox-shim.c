/*
 * labbox-shim: containerd's runc shim (containerd-shim-runc-v2), minus two Go starts per container.
 *
 * containerd runs the shim program twice to start a container: `start`, which only creates
 * the shim's socket and spawns the shim's daemon on it, then that daemon; and, whenever its
 * connection to a shim closes, once more with `delete`, to clean up after a shim that died
 * (cleanupAfterDeadShim). Each is a Go program of 13 MB started in the emulator; the `delete`
 * runs after every normal exit too, when the shim has already cleaned up.
 *
 * Installed in the real shim's place (the build diverts that to SHIM), this program
 *  - does `start` itself, as containerd 1.7's runc shim does it (runtime/v2/runc/manager):
 *    the socket /run/containerd/s/<sha256 of "<containerd address>/<namespace>/<id>">, the
 *    bundle's `address` file, the real shim's daemon started on that socket as fd 3 (its own
 *    process group, the OOM score of containerd + 1), the address on stdout;
 *  - answers a `delete` itself when nothing is left to clean: the runtime keeps no state for
 *    the container and the bundle's rootfs is not a mount point. Its answer is an empty
 *    DeleteResponse (no output), which containerd only uses for a task it still lists, and
 *    it lists none it has deleted.
 * Every other call, and every case above it does not handle exactly as the real shim would
 * (debug logs, shim groups, a shim cgroup, core scheduling, a socket already there, a shim
 * that really died), runs the real shim with the same arguments and the same stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* the real shim, moved aside by a dpkg diversion (images/build.sh) */
#define SHIM "/usr/bin/containerd-shim-runc-v2.real"
/* where containerd's shims put their sockets (containerd's defaults.DefaultStateDir + "/s") */
#define SOCKET_DIR "/run/containerd/s"

extern char **environ;

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

/* Runs the real shim with these arguments and, on its stdin, the bytes this program already read from its own. */
static int real_shim(char **argv, const char *input, size_t len) {
  if (len > 0) {
    int fd = memfd_create("labbox-shim-stdin", 0);
    if (fd < 0 || write(fd, input, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) != 0) {
      perror("labbox-shim: stdin for " SHIM);
      return 1;
    }
  }
  argv[0] = SHIM;
  execv(SHIM, argv);
  perror("labbox-shim: " SHIM);
  return 127;
}

static char *read_fd(int fd, size_t *len) {
  size_t cap = 1 << 14, n = 0;
  char *buf = malloc(cap + 1);
  for (ssize_t r; buf && (r = read(fd, buf + n, cap - n)) != 0;) {
    if (r < 0) {
      if (errno == EINTR) continue;
      free(buf);
      return NULL;
    }
    if ((n += r) == cap) buf = realloc(buf, (cap *= 2) + 1);
  }
  if (buf) buf[n] = 0;
  *len = n;
  return buf;
}

static char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  char *text = read_fd(fd, len);
  close(fd);
  return text;
}

/* ---- delete ---- */

/* Writes the runtime's state folder from the bundle's options.json ({"root": ...}) into root: 1, or 0 without one. */
static int runtime_root(const char *bundle, char *root, size_t size) {
  char path[4096];
  size_t len;
  snprintf(path, sizeof path, "%s/options.json", bundle);
  char *text = read_file(path, &len);
  const char *at = text ? strstr(text, "\"root\"") : NULL, *end = NULL;
  int found = at && (at = strchr(at + 6, '"')) && (end = strchr(++at, '"')) && (size_t)(end - at) < size;
  if (found) {
    memcpy(root, at, end - at);
    root[end - at] = 0;
  }
  free(text);
  return found;
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

/* ---- start ---- */

/* SHA-256 (FIPS 180-4) of a short string, as 64 hex digits: the shim's socket name. */
static void sha256_hex(const char *text, char hex[65]) {
  static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t len = strlen(text), total = (len + 9 + 63) / 64 * 64;
  unsigned char *msg = calloc(total, 1);
  memcpy(msg, text, len);
  msg[len] = 0x80;
  for (int i = 0; i < 8; i++) msg[total - 1 - i] = (unsigned char)((uint64_t)len * 8 >> (8 * i));
#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))
  for (size_t at = 0; at < total; at += 64) {
    uint32_t w[64], s[8];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)msg[at + 4 * i] << 24 | msg[at + 4 * i + 1] << 16 | msg[at + 4 * i + 2] << 8 | msg[at + 4 * i + 3];
    for (int i = 16; i < 64; i++)
      w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] + (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ w[i - 2] >> 10);
    memcpy(s, h, sizeof s);
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = s[7] + (ROR(s[4], 6) ^ ROR(s[4], 11) ^ ROR(s[4], 25)) + ((s[4] & s[5]) ^ (~s[4] & s[6])) + k[i] + w[i];
      uint32_t t2 = (ROR(s[0], 2) ^ ROR(s[0], 13) ^ ROR(s[0], 22)) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
      memmove(s + 1, s, 7 * sizeof *s);
      s[4] += t1;
      s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) h[i] += s[i];
  }
#undef ROR
  free(msg);
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", h[i / 4] >> (24 - 8 * (i % 4)) & 0xff);
}

/* Reads a protobuf varint at *at (before end) into *value: 0 when malformed. */
static int varint(const unsigned char **at, const unsigned char *end, uint64_t *value) {
  *value = 0;
  for (int shift = 0; *at < end && shift < 64; shift += 7) {
    unsigned char b = *(*at)++;
    *value |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return 1;
  }
  return 0;
}

/*
 * Finds field `field` (length-delimited) of a protobuf message: 1 with found and found_len set
 * (NULL when absent), 0 when the message is malformed.
 */
static int proto_bytes(const unsigned char *at, const unsigned char *end, uint64_t field, const unsigned char **found, size_t *found_len) {
  *found = NULL;
  *found_len = 0;
  while (at < end) {
    uint64_t key, n;
    if (!varint(&at, end, &key)) return 0;
    switch (key & 7) {
      case 0: if (!varint(&at, end, &n)) return 0; break;
      case 1: if ((at += 8) > end) return 0; break;
      case 5: if ((at += 4) > end) return 0; break;
      case 2:
        if (!varint(&at, end, &n) || n > (uint64_t)(end - at)) return 0;
        if (key >> 3 == field) *found = at, *found_len = n;
        at += n;
        break;
      default: return 0;
    }
  }
  return 1;
}

/* The runtime options containerd writes on stdin (an Any of containerd.runc.v1.Options) ask for no shim cgroup. */
static int no_shim_cgroup(const char *input, size_t len) {
  const unsigned char *in = (const unsigned char *)input, *options, *cgroup;
  size_t options_len, cgroup_len;
  if (len == 0) return 1;
  return proto_bytes(in, in + len, 2, &options, &options_len) &&
         (!options || (proto_bytes(options, options + options_len, 3, &cgroup, &cgroup_len) && cgroup_len == 0));
}

/* Go's filepath.Join(a, b, c) when it needs no cleaning: 0 when a part would be cleaned. */
static int join_clean(char *out, size_t size, const char *a, const char *b, const char *c) {
  if ((size_t)snprintf(out, size, "%s/%s/%s", a, b, c) >= size || out[0] != '/') return 0;
  return !strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../") && out[strlen(out) - 1] != '/' && out[strlen(out) - 1] != '.';
}

/* The bundle's `address` file, written as containerd's atomicfile does it: a synced temporary file renamed. */
static int write_address(const char *address) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, ".address.%d", getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), len = strlen(address);
  int ok = fd >= 0 && fchmod(fd, 0644) == 0 && write(fd, address, len) == len && fsync(fd) == 0;
  if (fd >= 0 && close(fd) != 0) ok = 0;
  if (ok && rename(tmp, "address") == 0) return 1;
  unlink(tmp);
  return 0;
}

/*
 * The environment of the shim's daemon: this one with GOMAXPROCS=1. The Go start gives it 4,
 * but the guest has one CPU, and a Go program with more Ps than CPUs keeps idle threads
 * spinning for work: with 1 a `docker run` executes 8 % fewer guest instructions.
 */
static char **daemon_environ(void) {
  size_t n = 0;
  while (environ[n]) n++;
  char **env = calloc(n + 2, sizeof *env);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "GOMAXPROCS=", 11) != 0) env[m++] = environ[i];
  env[m] = "GOMAXPROCS=1";
  return env;
}

/* Starts the real shim's daemon on the listening socket (its fd 3): its pid, or -1 with errno set. */
static pid_t spawn_daemon(int sock, const char *ns, const char *id, const char *address) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return -1;
  char *args[] = {SHIM, "-namespace", (char *)ns, "-id", (char *)id, "-address", (char *)address, NULL};
  char **env = daemon_environ();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int fd3 = sock == 3 ? fcntl(3, F_SETFD, 0) == 0 : dup2(sock, 3) == 3; /* dup2 clears close-on-exec */
    if (fd3 && setpgid(0, 0) == 0 && null >= 0 && dup2(null, 0) == 0 && dup2(null, 1) == 1 && dup2(null, 2) == 2)
      execve(SHIM, args, env);
    int err = errno;
    (void)!write(report[1], &err, sizeof err);
    _exit(127);
  }
  free(env);
  close(report[1]);
  int err = 0;
  ssize_t got = pid < 0 ? 0 : read(report[0], &err, sizeof err);
  close(report[0]);
  if (pid < 0) return -1;
  if (got == sizeof err) {
    waitpid(pid, NULL, 0);
    errno = err;
    return -1;
  }
  return pid;
}

/* The OOM score adjustment of containerd (our parent) + 1, for the shim's daemon. */
static int adjust_oom_score(pid_t pid) {
  char path[64], text[32];
  size_t len;
  snprintf(path, sizeof path, "/proc/%d/oom_score_adj", getppid());
  char *parent = read_file(path, &len);
  if (!parent || len == 0) return free(parent), 0;
  long score = strtol(parent, NULL, 10) + 1;
  free(parent);
  if (score > 1000) score = 1000;
  snprintf(path, sizeof path, "/proc/%d/oom_score_adj", pid);
  int n = snprintf(text, sizeof text, "%ld", score);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  int ok = fd >= 0 && write(fd, text, n) == n;
  if (fd >= 0) close(fd);
  return ok;
}

static int fail(const char *what, const char *path) {
  fprintf(stderr, "io.containerd.runc.v2: %s %s: %s", what, path, strerror(errno));
  return 1;
}

/* `start`, or the real shim's start when the case is not one this program does exactly. */
static int start(int argc, char **argv) {
  size_t input_len, spec_len;
  char *input = read_fd(0, &input_len);
  if (!input) return fail("read", "stdin");
  const char *ns = flag(argc, argv, "namespace"), *id = flag(argc, argv, "id"), *containerd = flag(argc, argv, "address");
  char *spec = read_file("config.json", &spec_len), joined[4096], hex[65], address[128];
  int simple = ns && id && containerd && *ns && *id && spec && !getenv("SCHED_CORE") && no_shim_cgroup(input, input_len) &&
               !strstr(spec, "\"io.containerd.runc.v2.group\"") && !strstr(spec, "\"io.kubernetes.cri.sandbox-id\"") &&
               join_clean(joined, sizeof joined, containerd, ns, id);
  for (int i = 1; simple && i < argc; i++) simple = strcmp(argv[i], "-debug") && strcmp(argv[i], "--debug") && strncmp(argv[i], "-debug=", 7);
  free(spec);
  if (!simple) return real_shim(argv, input, input_len);

  sha256_hex(joined, hex);
  snprintf(address, sizeof address, "unix://" SOCKET_DIR "/%s", hex);
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  snprintf(sun.sun_path, sizeof sun.sun_path, SOCKET_DIR "/%s", hex);
  if (mkdir(SOCKET_DIR, 0600) != 0 && errno != EEXIST) return fail("mkdir", SOCKET_DIR);
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return fail("socket", sun.sun_path);
  if (bind(sock, (struct sockaddr *)&sun, sizeof sun) != 0) {
    if (errno == EADDRINUSE) return close(sock), real_shim(argv, input, input_len); /* a shim there already, or its leftover */
    return fail("bind", sun.sun_path);
  }
  pid_t pid = -1;
  if (listen(sock, 4096) != 0 || chmod(sun.sun_path, 0600) != 0 || !write_address(address) ||
      (pid = spawn_daemon(sock, ns, id, containerd)) < 0 || !adjust_oom_score(pid)) {
    int err = errno;
    if (pid > 0) kill(pid, SIGKILL);
    unlink(sun.sun_path);
    errno = err;
    return fail("start shim on", sun.sun_path);
  }
  fputs(address, stdout);
  return fflush(stdout) == 0 ? 0 : fail("write", "stdout");
}

int main(int argc, char **argv) {
  const char *action = argc > 1 ? argv[argc - 1] : "";
  if (strcmp(action, "start") == 0) return start(argc, argv);
  if (strcmp(action, "delete") == 0 && nothing_to_clean(argc, argv)) return 0;
  return real_shim(argv, NULL, 0);
}
