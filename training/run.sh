#!/usr/bin/env bash
# Retrain everything the app ships, end to end: train -> evaluate -> export (public/models, docs/MODEL_CARD.md).
#   bash training/run.sh                          # on ../shared/data/xray
#   bash training/run.sh --data /path/MURA-v1.1   # on MURA's own layout
# Resumable: rerunning continues from training/runs/<run>/last.pt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${BONELENS_PYTHON:-/usr/bin/python3}
"$PY" training/train.py "$@" 2>&1 | tee -a training/train.out
run=main
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --run ] && j=$((i + 1)) && run=${!j}; done
"$PY" training/evaluate.py --run "$run"
"$PY" training/export.py --run "$run"
