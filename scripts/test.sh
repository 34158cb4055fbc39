#!/usr/bin/env bash
# Set up a fresh virtual environment with every optional backend and run the checks:
# ruff, mypy and the test suite. Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${XLNER_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
# PyTorch CPU build first (pinned: an unpinned torch would pull a multi-GB CUDA build).
"$PY" -m pip install -q "torch==2.13.0"
"$PY" -m pip install -q -e ".[test,neural,ray,hf,progress,plots,segment]"
"$VENV/bin/ruff" check xlner tests
"$VENV/bin/mypy"
"$PY" -m pytest -q "$@"
