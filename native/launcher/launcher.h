/*
 * netctl-launcher: starts one container and stays as its monitor (like conmon), or runs a
 * command inside a running container (exec mode). See launcher.c for the interface.
 */
#ifndef NETCTL_LAUNCHER_H
#define NETCTL_LAUNCHER_H

#include <stddef.h>
#include <sys/types.h>

/* Exit codes of the launcher itself (the container's own codes pass through). */
#define EXIT_SETUP 125   /* bad config, or the container could not be set up */
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

enum restart_policy { RESTART_NO = 0, RESTART_ON_FAILURE = 1, RESTART_ALWAYS = 2 };

/* Process options and resource limits (process.c, user.c, init.c). */
struct limit {
	int resource;  /* RLIMIT_* */
	unsigned long long soft, hard;
};

struct proc_opts {
	const char **cgroups;   /* cgroup.procs files the container joins before anything else */
	size_t ncgroups;
	const char *oom_file;   /* memory.oom_control (v1) or memory.events (v2): its oom_kill count */
	struct limit *limits;
	size_t nlimits;
	const char **sysctls;   /* "name=value", namespaced ones only (checked by netctl) */
	size_t nsysctls;
	const char **group_add; /* names or numbers, resolved in the container's /etc/group */
	size_t ngroup_add;
	const char *user;       /* NAME|UID[:GROUP|GID], resolved in the container's /etc/passwd */
	int have_caps;          /* 0: Docker's default set */
	unsigned long long caps;
	int no_new_privs;
	int init;               /* a tiny init as pid 1 that reaps zombies */
	int read_only;
	unsigned long long shm_size;  /* bytes; 0: the default */
	int stop_signal;        /* what a stop sends the container; 0: SIGTERM */
};

struct bind {
	const char *src;
	const char *dst;
	int ro;
	const char *tmpfs;  /* a tmpfs with these options ("noexec,size=64m") instead of a bind; else NULL */
};

struct config {
	const char *netns;     /* path of a netns to join, or NULL for "host" */
	const char *rootfs;
	const char *hostname;
	const char *cwd;
	const char *log_path;
	const char *state_path;
	const char **env;      /* NULL-terminated */
	const char **argv;     /* NULL-terminated, at least one */
	const char **cleanup;  /* NULL-terminated; empty: no cleanup command */
	struct bind *binds;
	size_t nbinds;
	uid_t uid;
	gid_t gid;
	int restart;
	unsigned restart_max;  /* 0: unlimited */
	int tty;
	int interactive;
	int attach;            /* also copy output to our stdout/stderr, and stdin to a pty */
	const char *attach_socket;  /* detached: where `netctl attach` connects (attach.c); NULL: none */
	int attach_wait;       /* wait (10 s at most) for the first client before starting (start -a) */
	struct proc_opts proc;
};

/* How a container child tells its parent why it could not exec (sent over a CLOEXEC pipe). */
struct child_error {
	int code;  /* exit code: EXIT_SETUP, EXIT_CANNOT_EXEC or EXIT_NOT_FOUND */
	int err;   /* errno */
	char msg[240];
};

/* util.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void child_fail(int errfd, int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
int read_child_error(int fd, struct child_error *out);
void iso_now(char out[32]);
size_t json_escape(char *out, size_t cap, const char *in, size_t n);
int write_file_atomic(const char *path, const char *data, size_t n);
int write_all(int fd, const void *buf, size_t n);
void *xcalloc(size_t n, size_t size);
long long now_ms(void);

/* config.c */
void config_load(const char *path, struct config *cfg);

/* mounts.c */
int open_in_root(int rootfd, const char *path, int kind, int create);
#define KIND_DIR 0
#define KIND_FILE 1
void setup_rootfs(const struct config *cfg, int errfd);

/* caps.c */
void drop_privileges(const struct proc_opts *p, uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
		     int errfd);

/* process.c */
void proc_opts_init(struct proc_opts *p, size_t nfields);
int proc_opt(struct proc_opts *p, const char *key, const char *v);
void join_cgroups(const struct proc_opts *p, int errfd);
void apply_sysctls(const struct proc_opts *p, int errfd);
void finish_rootfs(const struct proc_opts *p, int errfd);
void apply_limits(const struct proc_opts *p, int errfd);
long long oom_kills(const struct proc_opts *p);
void proc_of_pid(pid_t pid, struct proc_opts *p);

/* user.c */
#define MAX_GROUPS 64
struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];  /* the primary group first */
	size_t ngroups;
};
void resolve_user(const struct config *cfg, struct user_ids *out, int errfd);

/* init.c */
void run_init(const struct config *cfg, int errfd) __attribute__((noreturn));

/* child.c */
void exec_command(const char **argv, const char **env, int errfd) __attribute__((noreturn));
void reset_signals(void);
pid_t start_container(const struct config *cfg, int netns_fd, int out[2], int *pty_master,
		      struct child_error *err);

/* monitor.c */
int run_monitor(const struct config *cfg);

/* log.c */
struct log_stream {
	const char *name;  /* "stdout" or "stderr" */
	int copy_fd;       /* also copy raw output here (attached mode), or -1 */
	size_t len;
	char buf[16384];
};
void log_feed(struct log_stream *s, int log_fd, const char *data, size_t n);
void log_flush(struct log_stream *s, int log_fd);

/* relay.c */
struct io {
	int fds[3];  /* stdout pipe (or pty master), stderr pipe, stdin to copy into the pty */
	struct log_stream *streams[2];
	int log_fd;
	int pty;
};
extern int stop_requested;  /* set by SIGTERM or SIGINT */
extern int stop_signal;     /* sent to the container for SIGTERM (0: SIGTERM itself) */
int setup_signals(void);
void on_signal(int sfd, pid_t pid, int pty);
int relay(struct io *io, int sfd, pid_t pid);

/* attach.c */
#define ATTACH_CLIENTS 8
struct pollfd;
void attach_listen(const char *path);
int attach_stdin_pipe(void);
int attach_wait_client(int ms);
int attach_fds(struct pollfd *p);
void attach_events(const struct pollfd *p, int n, int pty);
void attach_output(int stream, const char *buf, size_t n);
void attach_end(void);

/* pty.c */
int pty_open(int *slave);
int send_fd(int sock, int fd);
int recv_fd(int sock);
void pty_copy_winsize(int from, int to);
int tty_raw(int fd);
void tty_restore(void);

/* exec.c */
int exec_main(int argc, char **argv);

/* state.c */
struct state {
	const char *status;   /* starting, running, restarting, exited */
	pid_t monitor_pid;
	pid_t pid;
	unsigned restart_count;
	char started_at[32];
	char finished_at[32];
	int exit_code;        /* -1 while unknown */
	int signal;           /* 0 unless killed by a signal */
	int oom_killed;       /* the kernel's OOM killer ended it (its cgroup's oom_kill count rose) */
	char error[256];
};
void state_write(const char *path, const struct state *st);

#endif
