"""Running one measurement inside Django in a process of its own, and reading back its result and peak memory.

`python -m benchmarks.jobs <name> [args…]` sets Django up on the benchmark database (the parent passes the
environment), runs the named function and prints its result as JSON on the last line of stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from .server import ROOT


def run(env: dict[str, str], name: str, *args: str) -> tuple[dict[str, Any], float]:
    """The job's result and the peak resident memory of its process in MB (from the kernel's rusage)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.jobs", name, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"benchmark job {name} failed")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def _jobs() -> dict[str, Callable[..., dict[str, Any]]]:
    from . import aggregates, imports

    return {
        "aggregates": aggregates.build_and_floor,
        "import-prepare": imports.prepare,
        "import-copy": imports.copy_floor,
        "import-run": imports.run_import,
    }


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    django.setup()
    name, *args = sys.argv[1:]
    result = _jobs()[name](*args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
