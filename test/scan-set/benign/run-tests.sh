#!/bin/bash
# runs the unit tests
python -m pytest -q tests/
if [ $? -ne 0 ]; then echo "tests failed"; exit 1; fi
