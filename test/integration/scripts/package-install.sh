#!/bin/sh
# Installs, uses, upgrades, removes and purges netctl's .deb as an administrator would, in a
# throwaway copy of a Debian userland (an overlay on the cached one, its changes on a tmpfs)
# entered with chroot, inside the test's sandbox (its own mount and network namespaces: the
# bridges and rules made here are the sandbox's). OLD is the previous release's package:
# installed first and used (a network, ufw's block, an image, a published container with an
# allow rule), then upgraded to DEB, which must keep all of it; OLD over DEB's state must then
# be refused. Prints one `STEP: ...` line per check, with what it saw, for the test to
# assert; stops at the first command that fails unexpectedly.
# Usage: package-install.sh USERLAND DEB OLD
set -eu
ul=$1 deb=$2 old=$3
w=/run/pkgtest
mkdir -p $w && mount -t tmpfs tmpfs $w && mkdir $w/upper $w/work $w/root
mount -t overlay overlay -o "lowerdir=$ul,upperdir=$w/upper,workdir=$w/work" $w/root
r=$w/root
mount -t proc proc $r/proc
mount --rbind /dev $r/dev
mount -t sysfs sysfs $r/sys
mount -t tmpfs tmpfs $r/run
mount -t tmpfs tmpfs $r/tmp
cp "$deb" "$old" $r/tmp/
# An image as an operator would import one: busybox (static, from the machine) with httpd.
mkdir -p $w/img/bin $w/img/etc $w/img/www && cp /bin/busybox $w/img/bin/
for a in sh httpd; do ln -s busybox $w/img/bin/$a; done
echo root:x:0:0:root:/:/bin/sh >$w/img/etc/passwd && echo hello >$w/img/www/index.html
tar -C $w/img -cf $r/tmp/busybox.tar .
ch() { chroot $r env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
ufw_sums() { ch sh -c 'cd /etc/ufw && sha256sum *.rules ufw.conf ../default/ufw' | sha256sum | cut -c1-16; }
# The same without user.rules/user6.rules: once `netctl allow` has written route rules there,
# they stay in ufw's own full format after the rules go (as after `ufw route allow` + `ufw
# delete`); that they hold no netctl rule is checked apart.
ufw_sums_but_user() { ch sh -c 'cd /etc/ufw && sha256sum before*.rules after*.rules ufw.conf ../default/ufw' | sha256sum | cut -c1-16; }
apt_install() { ch apt-get install -y --no-install-recommends "$@" >$w/apt.log 2>&1 || { cat $w/apt.log; exit 1; }; }
state() {
	nets=$(ch netctl network ls -q | sort | tr '\n' ' ')
	ctrs=$(ch netctl ps -a --format '{{.Names}} {{.State}}' | tr '\n' ' ')
	echo "$nets| $ctrs| $(ch netctl ufw list | grep -c web || true) allow| $(ch netctl image ls | grep -c busybox || true) image| $(ufw_sums)"
}

before=$(ufw_sums)
echo "UFW-BEFORE: $before"
echo "UFW-BEFORE-BUT-USER: $(ufw_sums_but_user)"
# The names in /etc/ufw: no file of netctl's (its install's backups) may outlive the uninstall.
ufw_names() { ch sh -c 'ls -A /etc/ufw | tr "\n" " "'; }
echo "UFW-NAMES-BEFORE: $(ufw_names)"
apt_install "/tmp/$(basename "$old")"
echo "OLD-INSTALLED: $(ch dpkg-query -W -f '${Status} ${Version}' netctl) $(ch netctl --version)"
echo "ENABLED: $(ch sh -c 'ls /etc/systemd/system/*.wants/ 2>/dev/null | grep -c netctl || true')"
echo "UFW-AFTER-INSTALL: $(ufw_sums)"

# The previous release in use.
ch netctl ufw install >/dev/null
echo "UFW-AFTER-NETCTL-INSTALL: $(ufw_sums)"
ch netctl network create front >/dev/null
ch netctl image import /tmp/busybox.tar busybox >/dev/null
ch netctl run -d --name web --network front -p 8080:80 --restart always busybox httpd -f -p 80 -h /www >/dev/null
ch netctl allow web 80 >/dev/null
echo "OLD-STATE: $(state)"

# The upgrade: everything kept, the container still serving.
apt_install "/tmp/$(basename "$deb")"
echo "INSTALLED: $(ch dpkg-query -W -f '${Status} ${Version}' netctl)"
echo "VERSION: $(ch netctl --version)"
echo "NEW-STATE: $(state)"
ip=$(ch netctl inspect -f '{{.NetworkSettings.Networks.front.IPAddress}}' web)
echo "SERVES: $(ch bash -c "exec 3<>/dev/tcp/$ip/80 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && tail -n 1 <&3" 2>&1)"

# The previous release again, over this one's state: refused in one line, nothing changed.
if ch apt-get install -y --allow-downgrades --no-install-recommends "/tmp/$(basename "$old")" >$w/down.log 2>&1; then
	echo "DOWNGRADE: accepted"
else echo "DOWNGRADE: refused: $(grep -c '^netctl:' $w/down.log) $(grep '^netctl:' $w/down.log | head -1)"; fi
echo "AFTER-DOWNGRADE: $(ch dpkg-query -W -f '${Version}' netctl) $(state)"

echo "NODE: $(ch node --version)"
echo "MAN: $(ch man -w netctl-run 2>&1)"
echo "COMPLETION: $(ch bash -c '. /usr/share/bash-completion/completions/netctl; COMP_WORDS=(netctl net); COMP_CWORD=1; _netctl; echo "${COMPREPLY[*]}"')"
echo "COMPLETION-OPT: $(ch bash -c '. /usr/share/bash-completion/completions/netctl; COMP_WORDS=(netctl network create x --sub); COMP_CWORD=4; _netctl; echo "${COMPREPLY[*]}"')"
for u in $(ch sh -c 'ls /usr/lib/systemd/system/ | grep netctl'); do
	echo "VERIFY $u: $(ch systemd-analyze verify --man=no "/usr/lib/systemd/system/$u" 2>&1 | grep -v -e 'Failed to connect' -e 'Running in chroot' | tr '\n' ' ')."
done
echo "CONF: $(ch sh -c 'grep -c "^#NETCTL_\|^#DOCKER_" /etc/netctl/netctl.conf')"
bad=$(ch netctl --log-level loud network ls 2>&1) && code=0 || code=$?
echo "LOG-LEVEL-BAD: $bad exit $code"
echo "STATE-MODE: $(ch stat -c %a /var/lib/netctl)"
ch netctl rm -f web >/dev/null

# Remove while ufw holds netctl's block: refused, naming the command.
if ch apt-get remove -y netctl >$w/remove.log 2>&1; then echo "REMOVE-HELD: accepted"; else echo "REMOVE-HELD: refused: $(grep 'netctl:' $w/remove.log | head -1)"; fi
echo "STILL: $(ch dpkg-query -W -f '${Status}' netctl)"
ch netctl ufw uninstall >/dev/null
echo "UFW-AFTER-UNINSTALL: $(ufw_sums_but_user)"
echo "UFW-NETCTL-LEFT: $(ch sh -c 'grep -l netctl /etc/ufw/*.rules 2>/dev/null | tr "\n" " "')"

# Purge: says what goes, removes the state, leaves ufw's files as they were.
ch apt-get purge -y netctl >$w/purge.log 2>&1 || { cat $w/purge.log; exit 1; }
echo "PURGE-SAID: $(grep 'purge removes' $w/purge.log | cut -d' ' -f1-4 | tr '\n' ' ')"
echo "STATE-LEFT: $(ch sh -c 'ls -d /var/lib/netctl /etc/netctl /usr/lib/netctl /usr/bin/netctl 2>/dev/null | tr "\n" " "')"
echo "UNITS-LEFT: $(ch sh -c 'ls /usr/lib/systemd/system /etc/systemd/system 2>/dev/null | grep -c netctl || true')"
echo "UFW-AFTER-PURGE: $(ufw_sums_but_user)"
# The remove took netctl down in the (sandbox's) kernel: no rule, bridge or veth left.
echo "TOOK-DOWN: $(grep -c '^netctl: stopped its containers, took its networks down' $w/purge.log)"
echo "KERNEL-LEFT: $({ iptables-save; ip6tables-save; } | grep -ci netctl) $(ip -o link show | grep -c -e ': nc-' -e ': vn' -e ': netctl')"
echo "UFW-NAMES-AFTER-PURGE: $(ufw_names)"
echo "DONE"
