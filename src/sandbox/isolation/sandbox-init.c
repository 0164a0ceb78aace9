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
// With nothing after "--", the sandbox is held: the runtime and its environment come later, on fd 7
// (held_runtime below).
//
// The same program is also the parked launcher (parked-launcher.ts), run by Hearth as root outside
// any sandbox, ahead of the start that will use it:
//
//   init park <kept fds, e.g. 3,4, or -> <own network: 0|1> <open-file limit> <cgroup.procs file>...
//
// It closes every fd from 3 up but the kept ones (bwrap's pipes) and 7 (the command's): what Hearth
// inherited without close-on-exec. With 1 it makes a new network namespace with its loopback up, joins each cgroup, caps open files, sets
// the umask to 022, writes "R" on fd 7, reads the command (NUL-separated) from fd 7 to its end, and
// execs it (bwrap). A command ended by an empty argument (two NULs) is a held sandbox's: fd 7 then
// stays open, for the init inside. Where bash did this, reading the command one byte per system call took ~2 ms of
// the start; parking also no longer runs unshare and ip.
//
// Built by scripts/build-sandbox-init.mjs (static, so that no loader or library runs before the
// privileges are gone); without a C compiler Hearth uses setpriv, /bin/sh and socat instead.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <dirent.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

// The parked launcher's command channel (parked-launcher.ts), and a held sandbox's.
enum { COMMAND_FD = 7 };

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
  close(COMMAND_FD); // a held sandbox's channel (main): its init's alone
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

// --- the parked launcher ------------------------------------------------------------------------

// The next fd of a comma-separated list of numbers below 64, moving *at past it; fails otherwise.
static int next_fd(const char **at, const char *what) {
  char *end;
  long fd = strtol(*at, &end, 10);
  if (end == *at || fd < 0 || fd >= 64) {
    errno = EINVAL;
    fail(what, 125);
  }
  *at = *end == ',' ? end + 1 : end;
  return (int)fd;
}

// Closes every fd from 3 up but those in `kept` (comma-separated numbers below 64) and the command's.
static void close_inherited(const char *kept) {
  int keep[64] = {0};
  keep[COMMAND_FD] = 1;
  for (const char *at = kept; *at != '\0';) keep[next_fd(&at, "kept fds")] = 1;
  DIR *fds = opendir("/proc/self/fd");
  if (fds == NULL) fail("/proc/self/fd", 125);
  int own = dirfd(fds);
  int doomed[1024];
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(fds)) != NULL && count < 1024) {
    int fd = atoi(entry->d_name);
    if (fd > 2 && fd != own && (fd >= 64 || !keep[fd])) doomed[count++] = fd;
  }
  closedir(fds);
  for (int i = 0; i < count; i++) close(doomed[i]);
}

static void loopback_up(void) {
  int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) fail("socket", 125);
  struct ifreq request;
  memset(&request, 0, sizeof request);
  strcpy(request.ifr_name, "lo");
  if (ioctl(probe, SIOCGIFFLAGS, &request) != 0) fail("SIOCGIFFLAGS lo", 125);
  request.ifr_flags |= IFF_UP;
  if (ioctl(probe, SIOCSIFFLAGS, &request) != 0) fail("SIOCSIFFLAGS lo", 125);
  close(probe);
}

static void join_cgroup(const char *procs) {
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(procs, 125);
  char pid[24];
  int length = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  if (write(fd, pid, (size_t)length) != length) fail(procs, 125);
  close(fd);
}

// Reads the channel (fd 7) into `buffer` to its end, or with `stop_at_empty` up to and including an
// empty field (two NULs in a row; *stopped is then set); fails (exit 125) rather than truncate.
static size_t read_channel(char *buffer, size_t size, int stop_at_empty, int *stopped, const char *what) {
  size_t length = 0;
  for (;;) {
    if (length == size) {
      errno = E2BIG;
      fail(what, 125);
    }
    ssize_t n = read(COMMAND_FD, buffer + length, size - length);
    if (n == 0) return length;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(what, 125);
    }
    length += (size_t)n;
    if (stop_at_empty && length >= 2 && buffer[length - 1] == '\0' && buffer[length - 2] == '\0') {
      *stopped = 1;
      return length;
    }
  }
}

// Forked by the command runner (`park --connect`), the launcher has no pipes from Hearth: it
// connects to Hearth's launcher socket once for each of its fds (stdout, stderr, bwrap's pipes, the
// command channel), says "<token> <fd> <pid>\n" on each, and puts the connection on that fd.
// Stderr last, so that a failure before it still reaches the runner's report.
static void connect_fds(const char *path, const char *token, const char *list) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    fail("launcher socket", 125);
  }
  strcpy(address.sun_path, path);
  for (const char *at = list; *at != '\0';) {
    int fd = next_fd(&at, "connected fds");
    int connection = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connection < 0 || connect(connection, (struct sockaddr *)&address, sizeof address) != 0)
      fail("connecting to the launcher socket", 125);
    char hello[160];
    int length = snprintf(hello, sizeof hello, "%s %d %d\n", token, fd, (int)getpid());
    if (length <= 0 || length >= (int)sizeof hello || write(connection, hello, (size_t)length) != length)
      fail("greeting the launcher socket", 125);
    if (connection != fd) {
      if (dup2(connection, fd) < 0) fail("dup2", 125);
      close(connection);
    }
  }
}

static int park(int argc, char **argv) {
  if (argc > 5 && strcmp(argv[2], "--connect") == 0) {
    connect_fds(argv[3], argv[4], argv[5]);
    argv += 4;
    argc -= 4;
  }
  if (argc < 6) {
    errno = EINVAL;
    fail("usage: init park [--connect <socket> <token> <fds>] <kept fds, or -> <own network: 0|1> <open-file limit> <cgroup.procs file>...", 125);
  }
  // bwrap and the sandbox get only what Hearth gives them (the runner's environment is Hearth's).
  clearenv();
  close_inherited(strcmp(argv[2], "-") == 0 ? "" : argv[2]);
  if (number(argv[3], "own network") == 1) {
    if (unshare(CLONE_NEWNET) != 0) fail("unshare(CLONE_NEWNET)", 125);
    loopback_up();
  }
  for (int i = 5; i < argc; i++) join_cgroup(argv[i]);
  rlim_t files = (rlim_t)number(argv[4], "open-file limit");
  struct rlimit limit = {files, files};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) fail("setrlimit", 125);
  umask(022);
  if (write(COMMAND_FD, "R", 1) != 1) fail("ready", 125);
  static char command[1 << 16];
  // An empty argument ends a held sandbox's command: fd 7 stays open for its init (see main).
  int held = 0;
  size_t length = read_channel(command, sizeof command, 1, &held, "reading the command");
  if (held) length -= 1;
  else close(COMMAND_FD);
  // NUL-separated arguments, each one ended by its NUL.
  static char *args[1024];
  int count = 0;
  for (size_t at = 0; at < length && count < 1023; at += strlen(command + at) + 1) args[count++] = command + at;
  args[count] = NULL;
  if (count == 0 || (length > 0 && command[length - 1] != '\0')) {
    errno = EINVAL;
    fail("no command", 125);
  }
  execv(args[0], args);
  fail(args[0], errno == ENOENT ? 127 : 126);
  return 125;
}

// --- the command runner -------------------------------------------------------------------------

// `init runner`: Hearth's host tools (mkfs.ext4, mount, umount, …; isolation/command-runner.ts) and
// its parked launchers (parked-launcher.ts) are forked from this small process instead of from
// Hearth's: a fork copies the page tables of the process that forks, ~3–10 ms of CPU from a
// 100–150 MB Node server (blocking its event loop meanwhile) against ~0.1 ms from here. Requests
// on stdin, NUL-separated, any number at once:
//   <id> <argument count> <program> <arguments…>
// Each runs in /, in a process group of its own, with stdin and stdout on /dev/null, stderr
// captured and the runner's environment; when it has exited and its stderr is closed:
//   <id> <status: the exit code, or 128 + the signal> <the first 4 KB of its stderr>
// on stdout, also NUL-separated. A job may run for as long as it likes (a parked launcher becomes
// its sandbox's bwrap and ends with it). A program whose name starts with ':' is one of the
// built-in tools (init-disk-tools.c), run in the fork without an exec. `<id> 0` (no program) kills
// the process group of the request with that id, which then answers as usual (137). The runner
// exits when stdin ends and nothing runs.
#include <sys/signalfd.h>
#include <sys/wait.h>
#include "init-disk-tools.h"

enum { MAX_JOBS = 1024, ERR_BYTES = 4096 };

// Jobs at once (`init runner [slots]`, at most MAX_JOBS; fewer in tests); more wait in the pipe.
static int slots = MAX_JOBS;

struct job {
  long id;
  pid_t pid; // 0: a free slot
  int err;   // -1 once stderr is closed
  int exited;
  int status;
  size_t length;
  char text[ERR_BYTES];
};

static sigset_t child_signals;

static void reply(long id, int status, const char *text, size_t length) {
  char head[64];
  int n = snprintf(head, sizeof head, "%ld%c%d%c", id, '\0', status, '\0');
  // Stderr text is written up to its first NUL, then one NUL ends the reply.
  size_t shown = strnlen(text, length);
  if (write(1, head, (size_t)n) != n || write(1, text, shown) != (ssize_t)shown || write(1, "", 1) != 1) _exit(1);
}

static void start_job(struct job *job, long id, char **args) {
  int err[2];
  job->id = id;
  job->length = 0;
  job->exited = 0;
  if (pipe2(err, O_CLOEXEC) != 0) {
    job->pid = 0;
    reply(id, 126, "hearth-init runner: pipe failed", 31);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err[1], 2) < 0 || chdir("/") != 0) _exit(126);
    if (null > 2) close(null);
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &child_signals, NULL);
    if (args[0][0] == ':') _exit(run_builtin(args));
    execvp(args[0], args);
    dprintf(2, "%s: %s", args[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  close(err[1]);
  if (pid < 0) {
    close(err[0]);
    job->pid = 0;
    reply(id, 126, "hearth-init runner: fork failed", 31);
    return;
  }
  job->pid = pid;
  job->err = err[0];
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  // Also here, so that a kill right after the start finds the group.
  setpgid(pid, pid);
}

static void kill_job(struct job *jobs, long id) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].pid > 0 && jobs[i].id == id) kill(-jobs[i].pid, SIGKILL);
}

// Starts every complete request in the buffer while a slot is free; nonzero: not Hearth speaking.
static int start_buffered(struct job *jobs, char *input, size_t *buffered, size_t size, int *running) {
  while (*running < slots) {
    char *fields[1026];
    size_t at = 0;
    int got = 0;
    long wanted = -1;
    while (at < *buffered && got < 1026) {
      char *end = memchr(input + at, '\0', *buffered - at);
      if (end == NULL) break;
      fields[got++] = input + at;
      at = (size_t)(end - input) + 1;
      if (got == 2) wanted = strtol(fields[1], NULL, 10);
      if (wanted >= 0 && got == wanted + 2) break;
    }
    if (got >= 2 && (wanted < 0 || wanted > 1024)) return 1;
    if (got < 2 || got < wanted + 2) return *buffered == size ? 1 : 0; // a request larger than the buffer
    if (wanted == 0) {
      kill_job(jobs, strtol(fields[0], NULL, 10));
    } else {
      int free_slot = 0;
      while (jobs[free_slot].pid > 0) free_slot++;
      char *args[1025];
      for (long i = 0; i < wanted; i++) args[i] = fields[i + 2];
      args[wanted] = NULL;
      start_job(&jobs[free_slot], strtol(fields[0], NULL, 10), args);
      if (jobs[free_slot].pid > 0) (*running)++;
    }
    memmove(input, input + at, *buffered - at);
    *buffered -= at;
  }
  return 0;
}

// A job answers once it has exited and its stderr is closed (a launcher closes it long before).
static int finish_if_done(struct job *job, int *running) {
  if (!job->exited || job->err >= 0) return 0;
  int status = job->status;
  reply(job->id, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), job->text, job->length);
  job->pid = 0;
  (*running)--;
  return 1;
}

static int runner(void) {
  signal(SIGPIPE, SIG_IGN);
  // A Ctrl-C at Hearth's terminal reaches its whole process group, the runner included: the
  // runner goes on (its launchers are live sandboxes that Hearth's shutdown still drains) and ends
  // when Hearth closes its stdin and nothing runs.
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  // But it dies with Hearth: its launchers became bwraps run with --die-with-parent, so the
  // sandboxes then die too, as they did when Hearth forked the launchers itself.
  pid_t hearth = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != hearth) return 1;
  // Exits come through a signalfd, read in the same poll as stdin and the jobs' stderr.
  sigemptyset(&child_signals);
  sigaddset(&child_signals, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &child_signals, NULL) != 0) return 1;
  int exits = signalfd(-1, &child_signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (exits < 0) return 1;
  static struct job jobs[MAX_JOBS];
  static char input[1 << 16];
  static struct pollfd fds[MAX_JOBS + 2];
  static int slot[MAX_JOBS + 2];
  size_t buffered = 0;
  int running = 0, open_input = 1;
  while (open_input || running > 0) {
    int count = 0;
    fds[count++] = (struct pollfd){.fd = exits, .events = POLLIN};
    // No new request while every slot is taken: they wait in the pipe.
    if (open_input && running < slots) fds[count++] = (struct pollfd){.fd = 0, .events = POLLIN};
    for (int i = 0; i < MAX_JOBS; i++)
      if (jobs[i].pid > 0 && jobs[i].err >= 0) {
        slot[count] = i;
        fds[count++] = (struct pollfd){.fd = jobs[i].err, .events = POLLIN};
      }
    if (poll(fds, (nfds_t)count, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    int freed = 0;
    for (int k = 0; k < count; k++) {
      if (fds[k].revents == 0) continue;
      if (fds[k].fd == exits) {
        struct signalfd_siginfo info;
        while (read(exits, &info, sizeof info) == (ssize_t)sizeof info) {
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
          for (int i = 0; i < MAX_JOBS; i++)
            if (jobs[i].pid == pid) {
              jobs[i].exited = 1;
              jobs[i].status = status;
              freed += finish_if_done(&jobs[i], &running);
              break;
            }
      } else if (fds[k].fd == 0) {
        ssize_t n = read(0, input + buffered, sizeof input - buffered);
        if (n <= 0) {
          if (n < 0 && errno == EINTR) continue;
          open_input = 0;
          continue;
        }
        buffered += (size_t)n;
        if (start_buffered(jobs, input, &buffered, sizeof input, &running) != 0) return 1;
      } else {
        struct job *job = &jobs[slot[k]];
        // The job may have been answered above in this round (its exit, then its stderr's end).
        if (job->pid == 0 || job->err != fds[k].fd) continue;
        // Past the first 4 KB the rest is read and dropped, so the tool never blocks on a full pipe.
        char drop[4096];
        size_t room = ERR_BYTES - 1 - job->length;
        ssize_t n = room > 0 ? read(job->err, job->text + job->length, room) : read(job->err, drop, sizeof drop);
        if (n > 0) {
          if (room > 0) job->length += (size_t)n;
          continue;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        close(job->err);
        job->err = -1;
        freed += finish_if_done(job, &running);
      }
    }
    // Slots are free: requests read while all were taken can start now.
    if (freed > 0 && start_buffered(jobs, input, &buffered, sizeof input, &running) != 0) return 1;
  }
  return 0;
}

// --- a held sandbox -----------------------------------------------------------------------------

// A held sandbox (isolated-driver.ts) is made ahead with no runtime after "--": its init drops the
// privileges, starts the forwarder, says "H" on fd 7 and waits there. When a function's start takes
// it, Hearth writes the runtime and its environment, NUL-separated, the two lists parted by an empty
// string, and closes the channel:  <argv...> "" <NAME=value...>
static char **held_runtime(void) {
  if (write(COMMAND_FD, "H", 1) != 1) fail("held", 125);
  static char message[1 << 18];
  size_t length = read_channel(message, sizeof message, 0, NULL, "reading the runtime");
  close(COMMAND_FD);
  // The working directory (/var/task) was entered before the function's code was mounted over it:
  // enter it again by its path, to see the mount.
  static char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL || chdir(cwd) != 0) fail("entering the working directory", 125);
  if (length == 0 || message[length - 1] != '\0') {
    errno = EINVAL;
    fail("no runtime", 125);
  }
  static char *lists[2][2048];
  int list = 0, count[2] = {0, 0};
  for (size_t at = 0; at < length; at += strlen(message + at) + 1) {
    if (message[at] == '\0' && list == 0) {
      list = 1;
      continue;
    }
    if (count[list] >= 2047) {
      errno = E2BIG;
      fail("the runtime's message", 125);
    }
    lists[list][count[list]++] = message + at;
  }
  if (list == 0 || count[0] == 0) {
    errno = EINVAL;
    fail("no runtime", 125);
  }
  lists[0][count[0]] = NULL;
  lists[1][count[1]] = NULL;
  environ = lists[1];
  return lists[0];
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "park") == 0) return park(argc, argv);
  if ((argc == 2 || argc == 3) && strcmp(argv[1], "runner") == 0) {
    if (argc == 3) slots = (int)number(argv[2], "slots");
    if (slots < 1 || slots > MAX_JOBS) {
      errno = EINVAL;
      fail("slots", 125);
    }
    return runner();
  }
  if (argc < 6 || strcmp(argv[5], "--") != 0) {
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
  if (runtime[0] == NULL) {
    runtime = held_runtime();
  } else {
    unsetenv("PWD");
  }
  execvp(runtime[0], runtime);
  fail(runtime[0], errno == ENOENT ? 127 : 126);
}
