// The command runner's built-in tools (sandbox-init.c, `init runner`): what a sandbox's /tmp disk
// needs (scratch-disk.ts), done with system calls in a fork of the runner instead of by exec'ing
// mkfs.ext4, mount(8) and umount(8). Each of those is a dynamically linked program that loads its
// libraries, and mount(8) with `-o loop` also scans every loop device in /sys for one using the
// same file and probes the image's filesystem type: together ~14 ms of CPU per isolated start
// (perf, 60 functions round-robin with room for 20), against well under 1 ms here.
//
//   :disk <template> <image> <mount point> <uid> <gid>
//       copies the formatted template image to a new file (only its data: the copy stays sparse),
//       attaches it to a free loop device that detaches itself when unmounted, mounts it ext4
//       nosuid,nodev,noatime, removes lost+found and gives the root directory to uid:gid;
//   :umount <mount point>
//       unmounts it, lazily when it is busy.
//
// Errors go to stderr as "<what> <path>: <reason>", with exit status 1 (2 for bad arguments).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init-disk-tools.h"

static int failed(const char *what, const char *path) {
  dprintf(2, "%s %s: %s", what, path, strerror(errno));
  return 1;
}

static int all_zero(const char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++)
    if (bytes[i] != 0) return 0;
  return 1;
}

// Copies [from, to) of `in` to the same offsets of `out`, skipping blocks of zeros (a file system
// without SEEK_DATA reports the whole file as data).
static int copy_range(int in, int out, off_t from, off_t to, const char *source, const char *target) {
  static char block[1 << 16];
  while (from < to) {
    size_t want = (size_t)(to - from) < sizeof block ? (size_t)(to - from) : sizeof block;
    ssize_t got = pread(in, block, want, from);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return failed("reading", source);
    if (got == 0) break;
    if (!all_zero(block, (size_t)got))
      for (ssize_t done = 0; done < got;) {
        ssize_t wrote = pwrite(out, block + done, (size_t)(got - done), from + done);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) return failed("writing", target);
        done += wrote;
      }
    from += got;
  }
  return 0;
}

static int copy_sparse(const char *source, const char *target) {
  int in = open(source, O_RDONLY | O_CLOEXEC);
  if (in < 0) return failed("opening", source);
  struct stat about;
  if (fstat(in, &about) != 0) return failed("reading", source);
  int out = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return failed("creating", target);
  if (ftruncate(out, about.st_size) != 0) return failed("sizing", target);
  for (off_t at = 0; at < about.st_size;) {
    off_t data = lseek(in, at, SEEK_DATA);
    if (data < 0 && errno == ENXIO) break; // only a hole is left
    off_t hole = data < 0 ? -1 : lseek(in, data, SEEK_HOLE);
    if (hole < 0) return failed("reading", source);
    if (copy_range(in, out, data, hole, source, target) != 0) return 1;
    at = hole;
  }
  close(in);
  if (close(out) != 0) return failed("writing", target);
  return 0;
}

// A loop device attached to `image` with autoclear: it detaches once unmounted and closed. Returns
// its open fd (closing it before the mount would detach it), or -1 with errno set.
static int attach_loop(const char *image, char *device, size_t size) {
  int file = open(image, O_RDWR | O_CLOEXEC);
  int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (file < 0 || control < 0) return -1;
  // Another process (mount(8), losetup, another Hearth) may take the free device first: try again.
  for (int attempt = 0; attempt < 100; attempt++) {
    int number = ioctl(control, LOOP_CTL_GET_FREE);
    if (number < 0) return -1;
    snprintf(device, size, "/dev/loop%d", number);
    int loop = open(device, O_RDWR | O_CLOEXEC);
    if (loop < 0) return -1;
    struct loop_config config;
    memset(&config, 0, sizeof config);
    config.fd = (unsigned)file;
    config.info.lo_flags = LO_FLAGS_AUTOCLEAR;
    strncpy((char *)config.info.lo_file_name, image, LO_NAME_SIZE - 1);
    int attached = ioctl(loop, LOOP_CONFIGURE, &config);
    if (attached != 0 && (errno == EINVAL || errno == ENOTTY)) {
      // Before Linux 5.8: the same in two steps.
      attached = ioctl(loop, LOOP_SET_FD, file);
      if (attached == 0 && ioctl(loop, LOOP_SET_STATUS64, &config.info) != 0) {
        int error = errno;
        ioctl(loop, LOOP_CLR_FD, 0);
        errno = error;
        attached = -1;
      }
    }
    if (attached == 0) {
      close(file);
      close(control);
      return loop;
    }
    int error = errno;
    close(loop);
    if (error != EBUSY) {
      errno = error;
      return -1;
    }
  }
  errno = EBUSY;
  return -1;
}

static int make_disk(char **args) {
  const char *template = args[1], *image = args[2], *point = args[3];
  char *end_uid, *end_gid;
  long uid = strtol(args[4], &end_uid, 10), gid = strtol(args[5], &end_gid, 10);
  if (*end_uid != '\0' || *end_gid != '\0' || uid < 0 || gid < 0) {
    dprintf(2, ":disk: bad uid or gid");
    return 2;
  }
  if (copy_sparse(template, image) != 0) return 1;
  char device[64];
  int loop = attach_loop(image, device, sizeof device);
  if (loop < 0) return failed("attaching a loop device to", image);
  if (mount(device, point, "ext4", MS_NOSUID | MS_NODEV | MS_NOATIME, NULL) != 0) {
    failed("mounting", point);
    close(loop);
    return 1;
  }
  close(loop);
  char lost[4096];
  snprintf(lost, sizeof lost, "%s/lost+found", point);
  if (rmdir(lost) != 0 && errno != ENOENT) return failed("removing", lost);
  if (chown(point, (uid_t)uid, (gid_t)gid) != 0) return failed("giving away", point);
  return 0;
}

static int unmount(char **args) {
  if (umount2(args[1], 0) == 0) return 0;
  // Something still holds it: it goes once the last user is gone.
  if (errno == EBUSY && umount2(args[1], MNT_DETACH) == 0) return 0;
  return failed("unmounting", args[1]);
}

int run_builtin(char **args) {
  int count = 0;
  while (args[count] != NULL) count++;
  if (strcmp(args[0], ":disk") == 0 && count == 6) return make_disk(args);
  if (strcmp(args[0], ":umount") == 0 && count == 2) return unmount(args);
  dprintf(2, "%s: no such built-in tool, or the wrong number of arguments", args[0]);
  return 2;
}
