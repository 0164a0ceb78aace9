// The first program of every isolated sandbox (docs/isolation.md, "How one sandbox starts"). bwrap
// runs it as root inside the sandbox's namespaces, with CAP_SETUID, CAP_SETGID and CAP_SETPCAP only.
// In one exec it does what setpriv, a shell and socat did in four (~3 ms of CPU per cold start on a
// 2-core host, and socat's ~1 MB per idle sandbox):
//   1. becomes the sandbox's own uid and gid, with no groups, no capabilities in any set (bounding,
//      ambient and inheritable included) and no new privileges, and checks that root cannot be
//      regained;
//   2. with a port given, listens on 127.0.0.1:<port> and leaves a forwarder process (a fork of
//      itself, as that user, stdin/stdout/stderr on /dev/null) that relays each connection to the
//      unix socket at <socket>: AWS_LAMBDA_RUNTIME_API and Hearth's API inside the sandbox. The
//      port listens before the runtime starts, so nothing has to wait for it;
//   3. becomes the runtime (PATH lookup as a shell's exec; 127 when not found, 126 when it cannot
//      run), with only fds 0–2 and without the PWD bwrap sets when it changes to /var/task.
//
//   init <uid> <gid> <port or 0> <socket or -> -- <runtime and arguments>
//
// Built by scripts/build-sandbox-init.mjs (static, so that no loader or library runs before the
// privileges are gone); without a C compiler Hearth uses setpriv, /bin/sh and socat instead.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what, int status) {
  dprintf(2, "hearth-init: %s: %s\n", what, strerror(errno));
  _exit(status);
}

static long number(const char *text, const char *what) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || *text == '\0' || *end != '\0' || value < 0) {
    errno = EINVAL;
    fail(what, 125);
  }
  return value;
}

static void drop_privileges(uid_t uid, gid_t gid) {
  // The bounding set first: dropping from it needs CAP_SETPCAP, which the change of uid takes away.
  for (int cap = 0; cap < 64; cap++)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) fail("dropping the bounding set", 125);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) fail("clearing the ambient set", 125);
  if (setgroups(0, NULL) != 0) fail("setgroups", 125);
  if (setresgid(gid, gid, gid) != 0) fail("setresgid", 125);
  if (setresuid(uid, uid, uid) != 0) fail("setresuid", 125);
  // Leaving uid 0 cleared the permitted and effective sets; the inheritable set is cleared here.
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
  memset(none, 0, sizeof none);
  if (syscall(SYS_capset, &header, none) != 0) fail("capset", 125);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("no_new_privs", 125);
  if (uid != 0 && (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0)) {
    errno = EPERM;
    fail("root could be regained", 125);
  }
}

// One direction of a relayed connection: bytes read from `from` wait in `buffer` until `to` takes them.
struct direction {
  int from, to;
  size_t start, end;
  int ended; // `from` said EOF (or failed): once the buffer is flushed, `to` is shut for writing
  int done;
  char buffer[1 << 16];
};

static int step(struct direction *d, short readable, short writable) {
  if (readable && d->start == d->end && !d->ended) {
    ssize_t n = read(d->from, d->buffer, sizeof d->buffer);
    if (n > 0) {
      d->start = 0;
      d->end = (size_t)n;
    } else if (n == 0 || errno != EINTR) {
      d->ended = 1;
    }
  }
  if (writable && d->start < d->end) {
    ssize_t n = write(d->to, d->buffer + d->start, d->end - d->start);
    if (n > 0) d->start += (size_t)n;
    else if (n < 0 && errno != EINTR && errno != EAGAIN) return -1;
  }
  if (d->ended && d->start == d->end && !d->done) {
    shutdown(d->to, SHUT_WR);
    d->done = 1;
  }
  return 0;
}

// Relays both directions until both ended; a write that fails ends the connection.
static void relay(int tcp, int api) {
  static struct direction up, down;
  up = (struct direction){.from = tcp, .to = api};
  down = (struct direction){.from = api, .to = tcp};
  struct direction *both[2] = {&up, &down};
  while (!up.done || !down.done) {
    struct pollfd fds[4];
    for (int i = 0; i < 2; i++) {
      struct direction *d = both[i];
      int reading = !d->done && !d->ended && d->start == d->end;
      fds[2 * i] = (struct pollfd){.fd = reading ? d->from : -1, .events = POLLIN};
      fds[2 * i + 1] = (struct pollfd){.fd = d->start < d->end ? d->to : -1, .events = POLLOUT};
    }
    if (poll(fds, 4, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; i++) {
      short in = fds[2 * i].revents, out = fds[2 * i + 1].revents;
      if (step(both[i], in != 0, (out & POLLOUT) != 0) != 0 || (out & (POLLERR | POLLHUP))) return;
    }
  }
}

static int listen_on(long port) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) fail("socket", 125);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0) fail("bind 127.0.0.1", 125);
  if (listen(listener, 128) != 0) fail("listen", 125);
  return listener;
}

// The forwarder: accepts on `listener`, one process per connection relaying to the unix socket.
static void start_forwarder(int listener, const char *socket_path) {
  struct sockaddr_un api = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof api.sun_path) {
    errno = ENAMETOOLONG;
    fail(socket_path, 125);
  }
  strcpy(api.sun_path, socket_path);
  pid_t pid = fork();
  if (pid < 0) fail("fork", 125);
  if (pid > 0) {
    close(listener);
    return;
  }
  int null = open("/dev/null", O_RDWR);
  if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) _exit(127);
  if (null > 2) close(null);
  signal(SIGCHLD, SIG_IGN); // connection processes reap themselves
  signal(SIGPIPE, SIG_IGN); // a closed peer is a failed write, not a death
  for (;;) {
    int tcp = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (tcp < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of something for now (the sandbox's own limits): retry shortly rather than spin.
        const struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
        continue;
      }
      _exit(1);
    }
    // A failed fork (the sandbox at its pids limit) refuses this connection only.
    pid_t connection = fork();
    if (connection == 0) {
      close(listener);
      int unix_socket = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (unix_socket >= 0 && connect(unix_socket, (struct sockaddr *)&api, sizeof api) == 0) relay(tcp, unix_socket);
      _exit(0);
    }
    close(tcp);
  }
}

int main(int argc, char **argv) {
  if (argc < 7 || strcmp(argv[5], "--") != 0) {
    errno = EINVAL;
    fail("usage: init <uid> <gid> <port or 0> <socket or -> -- <runtime>...", 125);
  }
  uid_t uid = (uid_t)number(argv[1], "uid");
  gid_t gid = (gid_t)number(argv[2], "gid");
  long port = number(argv[3], "port");
  if (port > 65535) {
    errno = EINVAL;
    fail("port", 125);
  }
  drop_privileges(uid, gid);
  if (port > 0) start_forwarder(listen_on(port), argv[4]);
  char **runtime = argv + 6;
  unsetenv("PWD");
  execvp(runtime[0], runtime);
  fail(runtime[0], errno == ENOENT ? 127 : 126);
}
