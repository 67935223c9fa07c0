#!/usr/bin/env bash
# Installs the Debian packages a make target needs when their command is missing: a fresh machine has none of
# them. Usage: scripts/needs.sh COMMAND PACKAGE...  (e.g. scripts/needs.sh /usr/bin/chromium chromium)
set -euo pipefail
wanted=$1
shift
if [ -x "$wanted" ] || command -v "$wanted" >/dev/null 2>&1; then exit 0; fi
echo "Installing Debian's $* …"
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
