#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the e2e tests, Debian's PyTorch for the training tests;
# with --bench also dcmtk and libgdcm-tools, which make the benchmark's DICOM inputs (npm run bench).
# Installs whatever is missing when run as root; otherwise says what to install.
set -euo pipefail
packages=(chromium python3-torch python3-torchvision python3-numpy python3-pil python3-matplotlib)
[ "${1:-}" = --bench ] && packages+=(dcmtk libgdcm-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
