#!/bin/sh
# Installs, uses, removes and purges netctl's .deb as an administrator would, in a throwaway
# copy of a Debian userland (an overlay on the cached one, its changes on a tmpfs) entered
# with chroot, inside the test's sandbox (its own mount and network namespaces: the bridges
# and rules made here are the sandbox's). Prints one `STEP: ...` line per check, with what
# it saw, for the test to assert; stops at the first command that fails unexpectedly.
# Usage: package-install.sh USERLAND DEB
set -eu
ul=$1 deb=$2
w=/run/pkgtest
mkdir -p $w && mount -t tmpfs tmpfs $w && mkdir $w/upper $w/work $w/root
mount -t overlay overlay -o "lowerdir=$ul,upperdir=$w/upper,workdir=$w/work" $w/root
r=$w/root
mount -t proc proc $r/proc
mount --rbind /dev $r/dev
mount -t sysfs sysfs $r/sys
mount -t tmpfs tmpfs $r/run
mount -t tmpfs tmpfs $r/tmp
cp "$deb" $r/tmp/
ch() { chroot $r env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
ufw_sums() { ch sh -c 'cd /etc/ufw && sha256sum *.rules ufw.conf ../default/ufw' | sha256sum | cut -c1-16; }

before=$(ufw_sums)
echo "UFW-BEFORE: $before"
ch apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")" >$w/apt.log 2>&1 || { cat $w/apt.log; exit 1; }
echo "INSTALLED: $(ch dpkg-query -W -f '${Status} ${Version}' netctl)"
echo "VERSION: $(ch netctl --version)"
echo "NODE: $(ch node --version)"
echo "ENABLED: $(ch sh -c 'ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -c netctl || true')"
echo "UFW-AFTER-INSTALL: $(ufw_sums)"
echo "MAN: $(ch man -w netctl-run 2>&1)"
echo "COMPLETION: $(ch bash -c '. /usr/share/bash-completion/completions/netctl; COMP_WORDS=(netctl net); COMP_CWORD=1; _netctl; echo "${COMPREPLY[*]}"')"
echo "COMPLETION-OPT: $(ch bash -c '. /usr/share/bash-completion/completions/netctl; COMP_WORDS=(netctl network create x --sub); COMP_CWORD=4; _netctl; echo "${COMPREPLY[*]}"')"
for u in $(ch sh -c 'ls /usr/lib/systemd/system/ | grep netctl'); do
	echo "VERIFY $u: $(ch systemd-analyze verify --man=no "/usr/lib/systemd/system/$u" 2>&1 | grep -v -e 'Failed to connect' -e 'Running in chroot' | tr '\n' ' ')."
done
echo "CONF: $(ch sh -c 'grep -c "^#NETCTL_\|^#DOCKER_" /etc/netctl/netctl.conf')"

# Use it: a network, a bridge, ufw's block, an allow rule.
ch netctl network create pkgnet >/dev/null
echo "NETWORKS: $(ch netctl network ls -q | tr '\n' ' ')"
echo "STATE-MODE: $(ch stat -c %a /var/lib/netctl)"
ch netctl ufw install >/dev/null
echo "UFW-AFTER-NETCTL-INSTALL: $(ufw_sums)"

# Remove while ufw holds netctl's block: refused, naming the command.
if ch apt-get remove -y netctl >$w/remove.log 2>&1; then echo "REMOVE-HELD: accepted"; else echo "REMOVE-HELD: refused: $(grep 'netctl:' $w/remove.log | head -1)"; fi
echo "STILL: $(ch dpkg-query -W -f '${Status}' netctl)"
ch netctl ufw uninstall >/dev/null
echo "UFW-AFTER-UNINSTALL: $(ufw_sums)"

# Purge: says what goes, removes the state, leaves ufw's files as they were.
ch apt-get purge -y netctl >$w/purge.log 2>&1 || { cat $w/purge.log; exit 1; }
echo "PURGE-SAID: $(grep 'purge removes' $w/purge.log | cut -d' ' -f1-4 | tr '\n' ' ')"
echo "STATE-LEFT: $(ch sh -c 'ls -d /var/lib/netctl /etc/netctl /usr/lib/netctl /usr/bin/netctl 2>/dev/null | tr "\n" " "')"
echo "UNITS-LEFT: $(ch sh -c 'ls /usr/lib/systemd/system /etc/systemd/system 2>/dev/null | grep -c netctl || true')"
echo "UFW-AFTER-PURGE: $(ufw_sums)"
echo "DONE"
