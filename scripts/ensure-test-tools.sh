#!/bin/sh
# Installs from Debian's packages the system tools a task needs, when they are missing:
#   browser    Debian's Chromium (never a downloaded browser build) and a font, for the browser tests; and since
#              those tests run cells on real kernels (the editor's), everything of `kernels` and `libraries` too
#   nbconvert  jupyter-nbconvert and GNU time, the render benchmark's peer and its memory meter
#   kernels    bubblewrap (the kernel sandbox), Debian's Python kernel and jupyter_client (the kernel benchmark's peer)
#   libraries  the Python libraries the browser tests' notebooks use: matplotlib, pandas, tqdm
set -e
missing=""
need_kernels() {
  [ -x /usr/bin/bwrap ] || missing="$missing bubblewrap"
  /usr/bin/python3 -c "import ipykernel" >/dev/null 2>&1 || missing="$missing python3-ipykernel"
  /usr/bin/python3 -c "import jupyter_client" >/dev/null 2>&1 || missing="$missing python3-jupyter-client"
}
need_libraries() {
  /usr/bin/python3 -c "import matplotlib" >/dev/null 2>&1 || missing="$missing python3-matplotlib"
  /usr/bin/python3 -c "import pandas" >/dev/null 2>&1 || missing="$missing python3-pandas"
  /usr/bin/python3 -c "import tqdm" >/dev/null 2>&1 || missing="$missing python3-tqdm"
}
for tool in "$@"; do
  case "$tool" in
    browser)
      [ -x /usr/bin/chromium ] || missing="$missing chromium"
      [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
      need_kernels
      need_libraries
      ;;
    nbconvert)
      command -v jupyter-nbconvert >/dev/null 2>&1 || missing="$missing jupyter-nbconvert"
      [ -x /usr/bin/time ] || missing="$missing time"
      ;;
    kernels) need_kernels ;;
    libraries) need_libraries ;;
    *) echo "ensure-test-tools: unknown tool set '$tool'" >&2; exit 2 ;;
  esac
done
if [ -n "$missing" ]; then
  echo "installing from Debian:$missing" >&2
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
