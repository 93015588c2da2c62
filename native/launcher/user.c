/*
 * The container's user and groups by name (-u NAME[:GROUP], --group-add), resolved after
 * pivot_root in the container's own /etc/passwd and /etc/group, as runc does. Parsed by
 * hand: the host's NSS must not answer for the image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * Finds the line of FILE whose field KEY_FIELD (0: name, 2: id) is KEY; splits it into F
 * (up to 7 fields, in LINE). Returns 1 when found.
 */
static int find_entry(const char *file, const char *key, int key_field, char *line, size_t cap, char *f[7])
{
	FILE *fp = fopen(file, "re");
	int found = 0;
	if (!fp)
		return 0;
	while (!found && fgets(line, (int)cap, fp)) {
		char *s = line, *sep;
		int n = 0;
		line[strcspn(line, "\n")] = 0;
		for (int i = 0; i < 7; i++)
			f[i] = (char *)"";
		while (n < 7) {
			f[n++] = s;
			if (!(sep = strchr(s, ':')))
				break;
			*sep = 0;
			s = sep + 1;
		}
		found = n > key_field && strcmp(f[key_field], key) == 0;
	}
	fclose(fp);
	return found;
}

static void add_group(struct user_ids *u, gid_t g)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g)
			return;
	if (u->ngroups < MAX_GROUPS)
		u->groups[u->ngroups++] = g;
}

static gid_t group_id(const char *name, int errfd)
{
	char line[4096], *f[7];
	if (all_digits(name))
		return (gid_t)strtoul(name, NULL, 10);
	if (!find_entry("/etc/group", name, 0, line, sizeof line, f) || !all_digits(f[2])) {
		errno = 0;
		child_fail(errfd, EXIT_SETUP, "unable to find group %s: no matching entries in group file", name);
	}
	return (gid_t)strtoul(f[2], NULL, 10);
}

/* Every group of /etc/group that lists USER as a member. */
static void member_groups(struct user_ids *u, const char *user)
{
	char line[4096];
	FILE *fp = fopen("/etc/group", "re");
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		char *name = strtok(line, ":\n"), *gid, *members, *m;
		if (!name || !strtok(NULL, ":\n") || !(gid = strtok(NULL, ":\n")) || !(members = strtok(NULL, ":\n")))
			continue;
		for (m = strtok(members, ","); m; m = strtok(NULL, ","))
			if (strcmp(m, user) == 0 && all_digits(gid))
				add_group(u, (gid_t)strtoul(gid, NULL, 10));
	}
	fclose(fp);
}

static void resolve_spec(const char *spec, struct user_ids *out, char *name, size_t cap, int errfd)
{
	char user[256], line[4096], *f[7];
	const char *colon = strchr(spec, ':');
	snprintf(user, sizeof user, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	if (find_entry("/etc/passwd", user, all_digits(user) ? 2 : 0, line, sizeof line, f) && all_digits(f[2]) &&
	    all_digits(f[3])) {
		out->uid = (uid_t)strtoul(f[2], NULL, 10);
		out->gid = (gid_t)strtoul(f[3], NULL, 10);
		snprintf(name, cap, "%s", f[0]);
	} else if (all_digits(user)) {
		out->uid = (uid_t)strtoul(user, NULL, 10);
	} else {
		errno = 0;
		child_fail(errfd, EXIT_SETUP, "unable to find user %s: no matching entries in passwd file", user);
	}
	if (colon)
		out->gid = group_id(colon + 1, errfd);
}

void resolve_user(const struct config *cfg, struct user_ids *out, int errfd)
{
	char name[256] = "";
	out->uid = cfg->uid;
	out->gid = cfg->gid;
	out->ngroups = 0;
	if (cfg->proc.user)
		resolve_spec(cfg->proc.user, out, name, sizeof name, errfd);
	add_group(out, out->gid);
	if (name[0])
		member_groups(out, name);
	for (size_t i = 0; i < cfg->proc.ngroup_add; i++)
		add_group(out, group_id(cfg->proc.group_add[i], errfd));
}
