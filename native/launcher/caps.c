/*
 * Privileges of the container process: Docker's default capability set (bounding, permitted,
 * effective) or the one --cap-add/--cap-drop/--privileged make, the configured user and
 * groups, no ambient or inheritable capabilities, and no_new_privs when asked for
 * (--security-opt no-new-privileges). Plain syscalls, no libcap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"

static const int docker_default[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
	CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

static unsigned long long default_mask(void)
{
	unsigned long long m = 0;
	for (size_t i = 0; i < sizeof docker_default / sizeof *docker_default; i++)
		m |= 1ULL << docker_default[i];
	return m;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = 63;
	if (f) {
		if (fscanf(f, "%d", &n) != 1 || n < 0 || n > 63)
			n = 63;
		fclose(f);
	}
	return n;
}

/* What this process may hand on: a capability it lacks cannot be given (capset says EPERM). */
static unsigned long long own_permitted(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	if (syscall(SYS_capget, &hdr, data) != 0)
		return ~0ULL;
	return (unsigned long long)data[0].permitted | (unsigned long long)data[1].permitted << 32;
}

static int set_caps(unsigned long long mask)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	data[0].effective = data[0].permitted = (unsigned)(mask & 0xffffffffu);
	data[1].effective = data[1].permitted = (unsigned)(mask >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Must run while still root; the last capability check happens before the user switch. */
void drop_privileges(const struct proc_opts *p, uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
		     int errfd)
{
	int last = last_cap();
	unsigned long long valid = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	// --cap-add/--cap-drop/--privileged: the set netctl computed (ALL is every bit).
	// --privileged on a host that withholds some (say, a container runtime's own sandbox):
	// every capability this launcher has.
	unsigned long long keep = (p->have_caps ? p->caps : default_mask()) & valid & own_permitted();
	for (int cap = 0; cap <= last; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			child_fail(errfd, EXIT_SETUP, "cannot drop capability %d", cap);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		child_fail(errfd, EXIT_SETUP, "cannot clear ambient capabilities");
	if (setgroups(ngroups, groups) != 0)
		child_fail(errfd, EXIT_SETUP, "setgroups");
	if (setresgid(gid, gid, gid) != 0)
		child_fail(errfd, EXIT_SETUP, "setgid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) != 0)
		child_fail(errfd, EXIT_SETUP, "setuid %u", (unsigned)uid);
	// A non-root user loses permitted and effective capabilities in setresuid; root keeps
	// the default set. Inheritable ends up empty either way.
	if (set_caps(uid == 0 ? keep : 0) != 0)
		child_fail(errfd, EXIT_SETUP, "capset");
	// Off by default, as in Docker: setuid programs (su, ping) work unless asked otherwise.
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(errfd, EXIT_SETUP, "no_new_privs");
}
