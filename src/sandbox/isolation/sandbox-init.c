// The first program of every isolated sandbox (docs/isolation.md, "How one sandbox starts"). bwrap
// runs it as root inside the sandbox's namespaces, with CAP_SETUID, CAP_SETGID and CAP_SETPCAP only.
// In one exec it does what setpriv and a shell did in three (~3 ms of a cold start on a 2-core host):
//   1. becomes the sandbox's own uid and gid, with no groups, no capabilities in any set (bounding,
//      ambient and inheritable included) and no new privileges, and checks that root cannot be
//      regained;
//   2. starts the background program, if any (the TCP forwarder of 127.0.0.1:9001), as that user,
//      with stdin, stdout and stderr on /dev/null;
//   3. with a port given, waits until 127.0.0.1:<port> listens (at most ~5 s): runtimes that are not
//      Hearth's own reach the Runtime API over TCP and may connect at once;
//   4. becomes the runtime (PATH lookup as a shell's exec; 127 when not found, 126 when it cannot run),
//      without the PWD that bwrap sets when it changes to /var/task (the environment is the spec's).
//
//   init <uid> <gid> <port or 0> [<background program and arguments>] -- <runtime and arguments>
//
// Built by scripts/build-sandbox-init.mjs (static, so that no loader or library runs before the
// privileges are gone); without a C compiler Hearth uses setpriv and /bin/sh instead.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

static void start_background(char **argv) {
  pid_t pid = fork();
  if (pid < 0) fail("fork", 125);
  if (pid > 0) return;
  int null = open("/dev/null", O_RDWR);
  if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) _exit(127);
  if (null > 2) close(null);
  execv(argv[0], argv);
  _exit(127);
}

// A listening socket on 127.0.0.1:<port> in /proc/net/tcp: local 0100007F:<PORT>, remote 0, state 0A.
static int listening(const char *wanted) {
  static char text[1 << 16];
  int fd = open("/proc/net/tcp", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t length = 0;
  ssize_t n;
  while (length < sizeof text - 1 && (n = read(fd, text + length, sizeof text - 1 - length)) > 0) length += n;
  close(fd);
  text[length] = '\0';
  return strstr(text, wanted) != NULL;
}

static void wait_for_port(long port) {
  char wanted[48];
  snprintf(wanted, sizeof wanted, ": 0100007F:%04lX 00000000:0000 0A", port);
  const struct timespec pause = {0, 200 * 1000};
  for (int i = 0; i < 25000 && !listening(wanted); i++) nanosleep(&pause, NULL);
}

int main(int argc, char **argv) {
  if (argc < 6) {
    errno = EINVAL;
    fail("usage: init <uid> <gid> <port or 0> [<background>...] -- <runtime>...", 125);
  }
  uid_t uid = (uid_t)number(argv[1], "uid");
  gid_t gid = (gid_t)number(argv[2], "gid");
  long port = number(argv[3], "port");
  int separator = 4;
  while (separator < argc && strcmp(argv[separator], "--") != 0) separator++;
  if (separator + 1 >= argc) {
    errno = EINVAL;
    fail("no runtime after --", 125);
  }
  argv[separator] = NULL;
  drop_privileges(uid, gid);
  if (separator > 4) start_background(argv + 4);
  if (port > 0) wait_for_port(port);
  char **runtime = argv + separator + 1;
  unsetenv("PWD");
  execvp(runtime[0], runtime);
  fail(runtime[0], errno == ENOENT ? 127 : 126);
}
