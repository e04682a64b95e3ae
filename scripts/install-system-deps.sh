#!/bin/sh
# Debian packages the tests use: chromium (browser tests of the HTML maps and map pictures),
# fonts-dejavu-core (the font of the maps' place labels, so pictures and label placement
# are the same on every machine) and gdal-bin (independent checks: ogrinfo for exported
# files, gdal_viewshed for radar coverage).
# Installs only what is missing, and only when running as root; otherwise says what to do.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v gdal_viewshed >/dev/null 2>&1 || missing="$missing gdal-bin"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "install-system-deps: missing Debian packages:$missing (run as root, or: sudo apt-get install$missing); the tests that need them are skipped" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get; install$missing by hand; the tests that need them are skipped" >&2
  exit 0
fi
echo "install-system-deps: installing$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
