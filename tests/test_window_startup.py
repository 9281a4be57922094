"""The window shows without loading OpenCV or FastF1: they load when a camera or an F1 session is used."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.views.app import build_window
window = build_window(sys.argv[1])
window.show()
app.processEvents()
print(json.dumps(sorted(m for m in ("cv2", "fastf1") if m in sys.modules)))
window.ctx.store.close()
"""


def test_window_shows_without_opencv_or_fastf1(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home")], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
