#!/bin/sh
# deps.sh [LIST...] — install the Debian/Ubuntu packages named in the given
# lists (default: packages.txt, what building and running need) that are
# missing, with sudo when not root.  Quiet when nothing is missing.
set -eu
here=$(dirname "$0")
[ $# -gt 0 ] || set -- packages.txt
missing=""
for list in "$@"; do
	for p in $(cat "$here/$list"); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
done
[ -z "$missing" ] && exit 0
echo "sockscope: installing:$missing"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
