#!/bin/sh
# Installs the system tools the browser tests and the render benchmark need, from Debian's packages,
# when they are missing: Chromium (never a downloaded browser build) and nbconvert (the benchmark's peer).
set -e
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v jupyter-nbconvert >/dev/null 2>&1 || missing="$missing jupyter-nbconvert"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
if [ -n "$missing" ]; then
  echo "installing from Debian:$missing" >&2
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
