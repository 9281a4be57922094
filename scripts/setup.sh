#!/usr/bin/env bash
# Idempotent set-up: Debian packages (when root), then a local virtual environment with Pitwall installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: what Qt needs to run (offscreen or on a screen), and the GStreamer RTSP server used as a
# real camera by the tests. Add to this list, never install ad hoc.
DEB_PACKAGES=(
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libx11-xcb1 fonts-dejavu-core
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-tools gir1.2-gstreamer-1.0
  gir1.2-gst-plugins-base-1.0
  postgresql  # the real PostgreSQL server the team archive tests start (tests/servers/postgres.py)
  binutils  # objdump: PyInstaller reads shared-library dependencies with it (./dev package)
)

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.pitwall-installed"
want="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/pitwall ]; then
  # Exact versions from requirements.lock (./dev lock regenerates it), installed with uv (several times faster
  # than pip); then Pitwall itself. A dependency added to pyproject.toml but not locked yet is still installed
  # (uv keeps the locked versions already there); tests/test_package_lock.py says the lock is out of date.
  UV_VERSION=0.13.9
  if [ ! -x .venv/bin/uv ] || [ "$(.venv/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
  fi
  .venv/bin/uv pip install -q --python .venv/bin/python -r requirements.lock
  .venv/bin/uv pip install -q --python .venv/bin/python -e '.[test,package]'
  echo "$want" > "$stamp"
fi
