# Sourced by ./run-course and ./run-tests: makes .venv with ecskit and the extras asked for,
# and the system packages they need. Safe to run again: it redoes only what changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

say() { printf '\033[1m[ecskit]\033[0m %s\n' "$*"; }

# Install Debian packages when we can (root, or sudo without a password); else say the one line.
need_system() {
  local missing=() cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair##*:}"
    if [ "$cmd" = "venv" ]; then
      "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "missing system packages; run once:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: ${missing[*]} (install them with your package manager)"
    exit 1
  fi
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# make_venv EXTRAS: create/update .venv with ecskit[EXTRAS] (re-installed when pyproject changes).
make_venv() {
  local extras="$1"
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    say "ecskit needs Python 3.10 or newer; $PYTHON is $("$PYTHON" --version 2>&1)"; exit 1; }
  [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
  local stamp="$VENV/.ecskit-$extras" want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing ecskit[$extras] into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"
    echo "$want" > "$stamp"
  fi
}
