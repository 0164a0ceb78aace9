// The command runner's built-in tools (init-disk-tools.c): args[0] names one (":disk", ":umount");
// returns the exit status, having written what failed to stderr.
int run_builtin(char **args);
