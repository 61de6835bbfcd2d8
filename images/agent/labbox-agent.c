/*
 * labbox-agent: the guest side of LabBox's control channel.
 *
 * It owns one virtio-console port (default /dev/hvc1), apart from the
 * trainee's terminals, and multiplexes numbered channels over it:
 *   - exec: run `sh -c CMD`, stream stdout and stderr, report the exit status;
 *   - pty:  a login shell on its own pseudo-terminal, with resize;
 *   - clock: set the guest's clock (a restored guest wakes with its snapshot's).
 * The wire format is described in src/vm/agent-protocol.ts; both sides must
 * change together (AGENT_VERSION).
 *
 * Written in C (static, i386) because it runs for the whole life of the guest
 * inside an emulator ~46x slower than native: a shell or a Go program would
 * cost seconds per command, this costs a fork.
 */
#define _GNU_SOURCE
/* a 64-bit time_t on i386: the clock the host sets must not stop in 2038 */
#define _FILE_OFFSET_BITS 64
#define _TIME_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define AGENT_VERSION "labbox-agent 2"
#define MAGIC 0xA5
#define MAX_CHANNELS 64
#define MAX_PAYLOAD (1 << 20)

enum {
	/* host -> guest */
	T_EXEC = 1, T_PTY_OPEN = 2, T_INPUT = 3, T_RESIZE = 4, T_CLOSE = 5, T_PING = 6, T_CLOCK = 7,
	/* guest -> host */
	T_STDOUT = 0x81, T_STDERR = 0x82, T_EXIT = 0x83, T_PTY_OUT = 0x84,
	T_PONG = 0x86, T_ERROR = 0x87,
};

struct channel {
	uint32_t id;
	pid_t pid;
	int out, err;     /* exec: pipes; pty: out is the master, err is -1 */
	int in;           /* exec: write end of stdin (closed at once); pty: master */
	int is_pty;
	int exited, status;
	int used;
};

static struct channel chans[MAX_CHANNELS];
static int port;
/* SIGCHLD wakes the main loop through this pipe, so an idle agent sleeps in poll() for good */
static int child_exited[2];

static void on_sigchld(int sig)
{
	int saved = errno;
	(void)sig;
	(void)!write(child_exited[1], "", 1);
	errno = saved;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) continue;
			exit(3); /* the port is gone: init restarts us */
		}
		p += n; len -= (size_t)n;
	}
}

static void send_frame(int type, uint32_t id, const void *data, uint32_t len)
{
	unsigned char h[9];
	h[0] = MAGIC; h[1] = (unsigned char)type;
	for (int i = 0; i < 4; i++) h[2 + i] = (unsigned char)(id >> (8 * i));
	/* length is sent as 3 bytes + a reserved zero: frames never exceed 1 MiB */
	h[6] = (unsigned char)len; h[7] = (unsigned char)(len >> 8); h[8] = (unsigned char)(len >> 16);
	write_all(port, h, sizeof h);
	if (len) write_all(port, data, len);
}

static void send_text(int type, uint32_t id, const char *s) { send_frame(type, id, s, (uint32_t)strlen(s)); }

static struct channel *find(uint32_t id)
{
	for (int i = 0; i < MAX_CHANNELS; i++)
		if (chans[i].used && chans[i].id == id) return &chans[i];
	return NULL;
}

static struct channel *alloc(uint32_t id)
{
	if (find(id)) return NULL;
	for (int i = 0; i < MAX_CHANNELS; i++)
		if (!chans[i].used) {
			memset(&chans[i], 0, sizeof chans[i]);
			chans[i].used = 1; chans[i].id = id;
			chans[i].out = chans[i].err = chans[i].in = -1;
			return &chans[i];
		}
	return NULL;
}

static void child_env(void)
{
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("USER", "root", 1);
	setenv("LANG", "C.UTF-8", 1);
	if (chdir("/root") < 0) (void)chdir("/");
}

static void start_exec(uint32_t id, const char *cmd)
{
	struct channel *c = alloc(id);
	int o[2], e[2];
	if (!c) { send_text(T_ERROR, id, "channel busy or too many channels"); return; }
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC)) { c->used = 0; send_text(T_ERROR, id, strerror(errno)); return; }
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0); dup2(o[1], 1); dup2(e[1], 2);
		child_env();
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(o[1]); close(e[1]);
	if (pid < 0) { close(o[0]); close(e[0]); c->used = 0; send_text(T_ERROR, id, strerror(errno)); return; }
	c->pid = pid; c->out = o[0]; c->err = e[0];
}

static void set_size(int fd, const char *spec)
{
	struct winsize ws = {0};
	unsigned cols = 80, rows = 24;
	if (sscanf(spec, "%u %u", &cols, &rows) == 2 && cols && rows) {
		ws.ws_col = (unsigned short)cols; ws.ws_row = (unsigned short)rows;
		ioctl(fd, TIOCSWINSZ, &ws);
	}
}

static void start_pty(uint32_t id, const char *size)
{
	struct channel *c = alloc(id);
	if (!c) { send_text(T_ERROR, id, "channel busy or too many channels"); return; }
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) || unlockpt(m)) { c->used = 0; send_text(T_ERROR, id, strerror(errno)); return; }
	char *name = ptsname(m);
	set_size(m, size);
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		int s = open(name, O_RDWR);
		if (s < 0) _exit(126);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0); dup2(s, 1); dup2(s, 2);
		if (s > 2) close(s);
		child_env();
		setenv("TERM", "xterm-256color", 1);
		execl("/bin/bash", "-bash", "-l", (char *)NULL);
		execl("/bin/sh", "-sh", (char *)NULL);
		_exit(127);
	}
	if (pid < 0) { close(m); c->used = 0; send_text(T_ERROR, id, strerror(errno)); return; }
	c->pid = pid; c->out = m; c->in = m; c->is_pty = 1;
}

/*
 * Sets the clock to the host's time (milliseconds since the epoch), answering on the
 * channel like a command that exits 0. Done here rather than by `date -s`: no program
 * to start, so a restored guest is on time within milliseconds.
 */
static void set_clock(uint32_t id, const char *spec)
{
	char *end;
	errno = 0;
	long long ms = strtoll(spec, &end, 10);
	if (errno || *end || ms <= 0) { send_text(T_ERROR, id, "not a time in milliseconds"); return; }
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L };
	if (clock_settime(CLOCK_REALTIME, &ts)) { send_text(T_ERROR, id, strerror(errno)); return; }
	send_text(T_EXIT, id, "0");
}

static void finish(struct channel *c)
{
	char buf[16];
	int code = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);
	snprintf(buf, sizeof buf, "%d", code);
	send_text(T_EXIT, c->id, buf);
	if (c->out >= 0) close(c->out);
	if (c->err >= 0) close(c->err);
	c->used = 0;
}

static void handle(int type, uint32_t id, char *data, uint32_t len)
{
	struct channel *c;
	data[len] = 0;
	switch (type) {
	case T_PING: send_text(T_PONG, id, AGENT_VERSION); break;
	case T_EXEC: start_exec(id, data); break;
	case T_PTY_OPEN: start_pty(id, data); break;
	case T_CLOCK: set_clock(id, data); break;
	case T_INPUT:
		if ((c = find(id)) && c->is_pty && c->in >= 0) write_all(c->in, data, len);
		break;
	case T_RESIZE:
		if ((c = find(id)) && c->is_pty) { set_size(c->in, data); kill(-c->pid, SIGWINCH); }
		break;
	case T_CLOSE:
		if ((c = find(id)) && !c->exited) { kill(-c->pid, SIGHUP); kill(-c->pid, SIGKILL); }
		break;
	default: send_text(T_ERROR, id, "unknown frame type");
	}
}

/* Parses frames out of the bytes read from the port; resynchronises on MAGIC. */
static void feed(const unsigned char *p, size_t n)
{
	static unsigned char hdr[9];
	static size_t have;
	static char *payload;
	static uint32_t need, got;
	for (size_t i = 0; i < n;) {
		if (have < 9) {
			if (have == 0 && p[i] != MAGIC) { i++; continue; }
			hdr[have++] = p[i++];
			if (have == 9) {
				need = hdr[6] | hdr[7] << 8 | (uint32_t)hdr[8] << 16;
				got = 0;
				if (need > MAX_PAYLOAD) { have = 0; continue; }
				payload = realloc(payload, need + 1);
			} else continue;
		}
		size_t take = n - i < need - got ? n - i : need - got;
		memcpy(payload + got, p + i, take);
		got += (uint32_t)take; i += take;
		if (got == need) {
			uint32_t id = hdr[2] | hdr[3] << 8 | hdr[4] << 16 | (uint32_t)hdr[5] << 24;
			have = 0;
			handle(hdr[1], id, payload, need);
		}
	}
}

static void reap(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (int i = 0; i < MAX_CHANNELS; i++)
			if (chans[i].used && chans[i].pid == pid) { chans[i].exited = 1; chans[i].status = st; }
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/hvc1";
	signal(SIGPIPE, SIG_IGN);
	port = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (port < 0) { perror(path); return 2; }
	if (isatty(port)) {
		struct termios t;
		tcgetattr(port, &t); cfmakeraw(&t); tcsetattr(port, TCSANOW, &t);
	}
	if (pipe2(child_exited, O_CLOEXEC | O_NONBLOCK)) { perror("pipe2"); return 2; }
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	send_text(T_PONG, 0, AGENT_VERSION); /* hello: the host may be waiting */

	static unsigned char buf[65536];
	for (;;) {
		struct pollfd fds[2 + 2 * MAX_CHANNELS];
		struct { struct channel *c; int which; } who[2 + 2 * MAX_CHANNELS];
		int n = 0;
		fds[n].fd = port; fds[n].events = POLLIN; n++;
		fds[n].fd = child_exited[0]; fds[n].events = POLLIN; n++;
		for (int i = 0; i < MAX_CHANNELS; i++) {
			struct channel *c = &chans[i];
			if (!c->used) continue;
			if (c->out >= 0) { fds[n].fd = c->out; fds[n].events = POLLIN; who[n].c = c; who[n].which = 1; n++; }
			if (c->err >= 0) { fds[n].fd = c->err; fds[n].events = POLLIN; who[n].c = c; who[n].which = 2; n++; }
		}
		int r = poll(fds, (nfds_t)n, -1);
		if (r < 0 && errno != EINTR) return 4;
		if (r > 0 && fds[0].revents & POLLIN) {
			ssize_t k = read(port, buf, sizeof buf);
			if (k > 0) feed(buf, (size_t)k);
		}
		if (r > 0 && fds[1].revents & POLLIN)
			while (read(child_exited[0], buf, sizeof buf) > 0) {}
		for (int j = 2; r > 0 && j < n; j++) {
			if (!fds[j].revents) continue;
			struct channel *c = who[j].c;
			int *fd = who[j].which == 1 ? &c->out : &c->err;
			ssize_t k = read(*fd, buf, sizeof buf);
			if (k > 0) {
				send_frame(c->is_pty ? T_PTY_OUT : who[j].which == 1 ? T_STDOUT : T_STDERR, c->id, buf, (uint32_t)k);
			} else if (k == 0 || errno != EAGAIN) {
				/* EOF, or EIO on a pty master once the shell has gone */
				close(*fd); *fd = -1;
				if (c->is_pty) c->in = -1;
			}
		}
		reap();
		for (int i = 0; i < MAX_CHANNELS; i++) {
			struct channel *c = &chans[i];
			if (c->used && c->exited && c->out < 0 && c->err < 0) finish(c);
		}
	}
}
