"""Running the `wellbeing` command as an operator does, on an instance folder of its own.

The environment is cleared of every WELLBEING_ setting but the instance path, so the command
reads only what the instance holds (as on a fresh server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WELLBEING = Path(sys.executable).with_name("wellbeing")


def run_in_instance(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`wellbeing ARGS` on the instance, its output captured (never raises on failure)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env["WELLBEING_INSTANCE_PATH"] = str(instance)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
