#!/usr/bin/env bash
# What a new pip user does, checked (issue 14): in a clean venv outside the repo,
#   1. pip install torch==2.13.0, then pip install <this repo> WITHOUT requirements/constraints.txt:
#      must resolve at once (pip printing "looking at multiple versions" = backtracking = failure);
#   2. attack-recipe doctor must report the offline resources missing (exit 1);
#   3. examples/downstream, a separate project depending on attack-recipe, installs with plain pip and
#      its tests (a robustness gate with DeepWordBug, no resources needed) pass;
#   4. the [resources,test] extras install without backtracking too, `attack-recipe doctor --install`
#      adds the two --no-deps packages (WordNet comes from this machine: setup_env.sh put it there),
#      and attack-recipe doctor then finds every required resource (exit 0).
# Each pip step's time is printed. pip's cache is reused (a warm run takes a few minutes).
# TORCH_INDEX_URL: where the CPU torch wheel comes from (default: pip's configuration, like
# scripts/setup_env.sh; https://download.pytorch.org/whl/cpu on a plain machine). KEEP=1 keeps the venv.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/attack-recipe-pip-check.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV="$WORK/venv"
PIP="$VENV/bin/pip"

fail() { echo "check_pip_install: FAILED: $*" >&2; exit 1; }

# pip_step NAME ARGS...: run `pip install ARGS` (not quiet: pip reports backtracking at INFO level),
# log it, and fail on an error or on backtracking. pip is stopped as soon as it starts backtracking:
# left alone it can go on for half an hour (issue 14).
pip_step() {
  local name=$1; shift
  local log="$WORK/$name.log" start=$SECONDS rc=0
  "$PIP" install "$@" >"$log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if grep -q 'looking at multiple versions' "$log"; then
      kill "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  wait "$pid" || rc=$?
  local took=$((SECONDS - start))
  local collected backtracked
  collected=$(grep -c '^Collecting' "$log" || true)
  backtracked=$(grep -c 'looking at multiple versions' "$log" || true)
  echo "    $name: ${took}s, $collected packages collected, $backtracked backtracking messages, exit $rc"
  if [ "$rc" != 0 ] || [ "$backtracked" != 0 ]; then
    tail -n 30 "$log" >&2
    [ "$backtracked" != 0 ] && fail "pip backtracked installing $* (see the 'looking at multiple versions' lines above; stopped); tighten the ranges in setup.cfg"
    fail "pip install $* exited $rc"
  fi
}

echo "==> copying the source (tracked and unignored files) to $WORK/src"
mkdir -p "$WORK/src"
git -C "$REPO" ls-files -z --cached --others --exclude-standard \
  | (cd "$REPO" && tar --null --ignore-failed-read -T - -cf -) | tar -C "$WORK/src" -xf -

echo "==> clean venv with $("$PYTHON" --version)"
"$PYTHON" -m venv "$VENV"
pip_step torch torch==2.13.0 ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}

echo "==> pip install attack-recipe (no constraints file)"
pip_step attack-recipe "$WORK/src"
"$VENV/bin/attack-recipe" --version

echo "==> attack-recipe doctor without the resources: must say what is missing (exit 1)"
rc=0; "$VENV/bin/attack-recipe" doctor >"$WORK/doctor-before.txt" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$WORK/doctor-before.txt" >&2; fail "doctor exited $rc without the resources installed (expected 1)"; }
grep -q "attack-recipe doctor --install" "$WORK/doctor-before.txt" || fail "doctor did not suggest --install"

echo "==> examples/downstream: its own project, installed with plain pip, its tests run from its folder"
cp -r "$WORK/src/examples/downstream" "$WORK/downstream"
pip_step downstream -e "$WORK/downstream[test]"
(cd "$WORK/downstream" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider) || fail "examples/downstream tests failed"

echo "==> pip install attack-recipe[resources,test], then attack-recipe doctor --install (the README's steps)"
pip_step resources "$WORK/src[resources,test]"
start=$SECONDS
"$VENV/bin/attack-recipe" doctor --install >"$WORK/doctor-install.txt" 2>&1 \
  || { cat "$WORK/doctor-install.txt" >&2; fail "doctor --install left a required resource missing"; }
echo "    doctor --install: $((SECONDS - start))s; it ran:"
grep '^\$ ' "$WORK/doctor-install.txt" | sed 's/^/      /' || true
"$VENV/bin/attack-recipe" doctor --json >"$WORK/doctor-after.json" || fail "doctor exits 1 after --install"
echo "==> pip install check passed"
