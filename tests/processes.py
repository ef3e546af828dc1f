"""This machine's processes, read from /proc: Chromium left behind, memory of a process tree.

Read straight from /proc so that tests and benchmarks need no extra package.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CHROMIUM_NAMES = ("chrome", "chromium", "headless_shell")


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    rss: int

    @property
    def command(self) -> tuple[str, ...]:
        """Read on demand: a memory sample every 100 ms should cost little."""
        try:
            return tuple(part.decode(errors="replace") for part in _proc(self.pid, "cmdline").split(b"\0") if part)
        except OSError:  # it exited meanwhile
            return ()

    @property
    def is_chromium(self) -> bool:
        command = self.command
        return bool(command) and any(name in Path(command[0]).name for name in CHROMIUM_NAMES)


def _proc(pid: int, name: str) -> bytes:
    return Path(f"/proc/{pid}/{name}").read_bytes()


def _read(pid: int) -> Process | None:
    try:
        stat = _proc(pid, "stat").decode(errors="replace")
    except OSError:  # it exited while we looked
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie holds nothing but its exit status
        return None
    return Process(
        pid=pid,
        parent=int(fields[1]),
        rss=int(fields[21]) * PAGE_SIZE,
    )


def processes() -> list[Process]:
    found = (_read(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [process for process in found if process is not None]


def _environment(pid: int) -> list[bytes]:
    try:
        return _proc(pid, "environ").split(b"\0")
    except OSError:
        return []


def chromium_marked(variable: str, value: str) -> list[Process]:
    """Chromium processes (browser, renderers, helpers) whose environment has ``variable=value``.

    A crawl passes its environment on to Playwright and Chromium; a marker set by one test
    finds its own browsers and not those of anything else running on the machine.
    """
    marker = f"{variable}={value}".encode()
    return [p for p in processes() if p.is_chromium and marker in _environment(p.pid)]


def proportional_set_size(pid: int) -> int:
    """PSS in bytes: pages shared by N processes count 1/N in each, so a tree's PSS adds up."""
    try:
        rollup = _proc(pid, "smaps_rollup").decode(errors="replace")
    except OSError:  # it exited meanwhile, or the kernel has no smaps_rollup
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def descendants(root: int) -> list[Process]:
    """Every process below ``root`` (not ``root`` itself), however deep."""
    table = processes()
    children: dict[int, list[Process]] = {}
    for process in table:
        children.setdefault(process.parent, []).append(process)
    found, frontier = [], [root]
    while frontier:
        below = children.get(frontier.pop(), [])
        found += below
        frontier += [process.pid for process in below]
    return found


@contextmanager
def sampled(measure: Callable[[], object], interval: float = 0.1) -> Iterator[list]:
    """``measure()`` every ``interval`` seconds in a thread while the block runs; the results."""
    samples: list = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            samples.append(measure())
            stop.wait(interval)

    thread = threading.Thread(target=run, name="sampler", daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()
