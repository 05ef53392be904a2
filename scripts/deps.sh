#!/bin/sh
# deps.sh — install the Debian/Ubuntu packages of scripts/packages.txt that
# are missing (with sudo when not root).  Quiet when nothing is missing.
set -eu
list="$(dirname "$0")/packages.txt"
missing=""
for p in $(cat "$list"); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "sockscope: installing:$missing"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
