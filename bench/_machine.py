"""The machine a benchmark ran on, printed beside its figures."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())
    except (OSError, AttributeError):
        return "load average n/a"


def describe(*extra: str) -> str:
    """Platform, CPU, cores (usable), RAM, Python, load, and whatever versions the bench adds:
    other work on the machine moves the figures, so the load is part of the record."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    ram = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        ram = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    parts = [f"{platform.platform()}, {cpu_model()}, {os.cpu_count()} cpu(s) ({usable} usable){ram}",
             f"python {platform.python_version()}", *extra, load_average()]
    return "; ".join(parts)
