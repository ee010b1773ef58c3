#!/bin/sh
set -eu
mkdir -p data
curl -fsSL -o data/iris.csv https://example.org/datasets/iris.csv
sha256sum data/iris.csv
