"""Running the `wellbeing` command as an operator does, on an instance folder of its own.

The environment is cleared of every WELLBEING_ setting but the instance path, so the command
reads only what the instance holds (as on a fresh server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WELLBEING = Path(sys.executable).with_name("wellbeing")


def instance_env(instance: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any WELLBEING_ setting, then the instance path and
    `settings` (e.g. WELLBEING_PROXY_COUNT="1"): what a fresh server's command sees."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env["WELLBEING_INSTANCE_PATH"] = str(instance)
    env.update(settings)
    return env


def run_in_instance(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`wellbeing ARGS` on the instance, its output captured (never raises on failure)."""
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), *args],
        env=instance_env(instance),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
