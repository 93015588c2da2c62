#!/bin/sh
# A .deb of this machine's installed nodejs, as dpkg-repack makes one: the files dpkg lists
# for it and its control fields and maintainer scripts. On Debian 12 (whose archive has only
# Node 18) that is NodeSource's Node 20, the one a Debian 12 user installs before netctl: the
# Debian 12 boot test installs both with apt, so dependencies resolve as the user's would.
# Reads the machine's files only; the .deb is kept in OUTDIR (a cache: made again only for
# another version). Usage: repack-nodejs.sh OUTDIR (prints the .deb's path).
set -eu
out=$1
mkdir -p "$out"
q() { dpkg-query -W -f "$1" nodejs; }
deb=$out/nodejs_$(q '${Version}' | tr : %)_$(q '${Architecture}').deb
[ -s "$deb" ] && echo "$deb" && exit 0
st=$(mktemp -d "$out/nodejs-XXXXXX")
chmod 755 "$st"
# One tar for its 5000 files (a loop of cp takes minutes on a loaded machine); directories
# without their contents (--no-recursion), as dpkg lists each path itself.
dpkg-query -L nodejs | grep -v '^/\.$' >"$st.list"
tar -C / --no-recursion --ignore-failed-read -cf - -T "$st.list" 2>/dev/null | tar -C "$st" -xf -
rm -f "$st.list"
mkdir "$st/DEBIAN"
q 'Package: ${Package}\nVersion: ${Version}\nArchitecture: ${Architecture}\nMaintainer: ${Maintainer}\nInstalled-Size: ${Installed-Size}\nDepends: ${Depends}\nPre-Depends: ${Pre-Depends}\nRecommends: ${Recommends}\nProvides: ${Provides}\nConflicts: ${Conflicts}\nReplaces: ${Replaces}\nBreaks: ${Breaks}\nSection: ${Section}\nPriority: ${Priority}\nHomepage: ${Homepage}\nDescription: ${Description}\n' |
	grep -v '^[A-Za-z-]*: *$' >"$st/DEBIAN/control"
for s in preinst postinst prerm postrm conffiles; do
	if [ -f "/var/lib/dpkg/info/nodejs.$s" ]; then cp "/var/lib/dpkg/info/nodejs.$s" "$st/DEBIAN/$s"; fi
done
dpkg-deb --root-owner-group -Zgzip -z1 --build "$st" "$deb.tmp" >/dev/null
rm -rf "$st" && mv "$deb.tmp" "$deb"
echo "$deb"
