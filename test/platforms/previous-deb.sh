#!/bin/sh
# Builds (once per machine) the package of an older commit of this repository, the boot test's
# previous release: the commit checked out as a detached git worktree (its pkg/build-deb.mjs
# reads the commit's date from git) and removed after the build, this tree's node_modules
# hard-linked in (the commit's package-lock.json must equal this tree's: checked), the commit's
# own TypeScript build, bundle, native parts and pkg/build-deb.mjs, under VERSION. Kept in
# /var/cache/netctl/previous (NETCTL_PREVIOUS: another directory) with the commit it was built
# from; a lock makes two asking at once build it once. Prints the .deb's path; the build's
# output goes to stderr.
# Usage: previous-deb.sh COMMIT VERSION
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${NETCTL_PREVIOUS:-/var/cache/netctl/previous}
commit=$(git -C "$root" rev-parse --verify "$1^{commit}")
version=$2
deb=$CACHE/netctl_${version}_$(dpkg --print-architecture).deb
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || { echo "previous-deb.sh: another build holds $CACHE/.lock" >&2 && exit 1; }
if [ -s "$deb" ] && [ "$(cat "$deb.commit" 2>/dev/null)" = "$commit" ]; then
	echo "$deb"
	exit 0
fi
start=$(date +%s)
echo "previous-deb.sh: building netctl $version from commit $commit" >&2
src=$CACHE/src.build
git -C "$root" worktree remove --force "$src" 2>/dev/null || true
rm -rf "$src"
git -C "$root" worktree add --detach "$src" "$commit" >&2
# The npm packages of this tree serve the old one only if its lock names the same ones.
git -C "$root" show "$commit:package-lock.json" | cmp -s - "$root/package-lock.json" || {
	echo "previous-deb.sh: $commit's package-lock.json differs from this tree's: its node_modules cannot be reused" >&2
	exit 1
}
cp -al "$root/node_modules" "$src/node_modules"
(
	cd "$src"
	node_modules/.bin/tsc -p src
	node native/bundle.mjs
	node native/build.mjs
	node pkg/build-deb.mjs --out "$CACHE/out.build" --version "$version"
) >&2
mv "$CACHE/out.build/netctl_${version}_"*.deb "$deb"
echo "$commit" >"$deb.commit"
git -C "$root" worktree remove --force "$src"
rm -rf "$CACHE/out.build"
echo "previous-deb.sh: built in $(($(date +%s) - start)) s" >&2
echo "$deb"
