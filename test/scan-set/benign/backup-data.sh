#!/bin/bash
# copies today's results into the archive folder
set -euo pipefail
day=$(date +%F)
mkdir -p archive/$day
cp results/*.csv archive/$day/
gzip -9 archive/$day/*.csv
