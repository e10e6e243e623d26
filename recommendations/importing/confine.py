"""Reading a document (a PDF's pages, a text's parse) in a child process under CPU, memory and wall-time limits.

A hostile PDF can ask for far more than its size suggests: a 1.5 MB Flate stream that
inflates to 1.5 GB, thousands of text runs drawn over each other. Read in the request's (or
the command's) own process, it would hold a server worker and its memory. So the reading
runs in a child forked from a `forkserver` (a small process started once, that has imported
the readers and nothing of the request), which sets its own limits before it reads:

- RLIMIT_AS: the memory the reading may take beyond what the child had at its start
  (IMPORT_READ_MEMORY_MB);
- RLIMIT_CPU: processor time (IMPORT_READ_CPU_SECONDS); the kernel stops the child past it;
- the bytes pdfminer's Flate decoder may inflate in the whole document
  (IMPORT_MAX_INFLATED_BYTES), so a bomb stops at the limit, not at the memory's end;

and the parent waits at most IMPORT_READ_SECONDS (wall clock) before it kills the child. Any
of these becomes a DocumentRejected naming the limit, as for any unreadable document.
"""

import multiprocessing
import resource
import signal
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .parsers.base import DocumentRejected, ProgressCallback

MB = 1024 * 1024
# What the child imports once, in the forkserver, so each reading starts at once.
PRELOAD = ["recommendations.importing.extract", "recommendations.importing.formats"]


@dataclass(frozen=True)
class Limits:
    seconds: float
    cpu_seconds: int
    memory_mb: int
    inflated_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            seconds=settings.IMPORT_READ_SECONDS,
            cpu_seconds=settings.IMPORT_READ_CPU_SECONDS,
            memory_mb=settings.IMPORT_READ_MEMORY_MB,
            inflated_bytes=settings.IMPORT_MAX_INFLATED_BYTES,
        )


class InflatedTooMuch(Exception):
    """Not a zlib.error: pdfminer would otherwise retry the stream byte by byte."""


class _CappedZlib:
    """pdfminer's `zlib`, in the child only: `decompress` stops once the document's streams
    together inflate past the limit, before the bytes are held."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.remaining = limit

    def decompress(self, data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, self.remaining + 1)
        if len(out) > self.remaining:
            raise InflatedTooMuch
        if not inflater.eof:
            # A stream cut short: as zlib.decompress, so pdfminer's own fallback reads it.
            raise zlib.error("incomplete or truncated stream")
        self.remaining -= len(out)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(send, limits: Limits, function: Callable, args: tuple, kwargs: dict, reports_progress: bool) -> None:
    import pdfminer.pdftypes

    memory = _address_space() + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    pdfminer.pdftypes.zlib = _CappedZlib(limits.inflated_bytes)  # type: ignore[assignment]
    if reports_progress:
        kwargs["progress"] = lambda done, total: send.send(("progress", (done, total)))
    try:
        outcome: tuple[str, Any] = ("ok", function(*args, **kwargs))
    except DocumentRejected as exc:
        outcome = ("rejected", exc.messages)
    except MemoryError:
        outcome = ("memory", None)
    except InflatedTooMuch:
        outcome = ("inflated", None)
    send.send(outcome)
    send.close()


def read_confined(function: Callable, /, *args: Any, progress: ProgressCallback | None = None, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)` run in a child under the limits; its result, or
    DocumentRejected naming the limit it went past. `function` must be importable by name and
    its arguments and result picklable. With `progress`, the function is given a callback
    whose calls reach `progress` here."""
    limits = Limits.from_settings()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(send, limits, function, args, kwargs, progress is not None), daemon=True
    )
    process.start()
    send.close()
    deadline = time.monotonic() + limits.seconds
    try:
        while True:
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                raise DocumentRejected(
                    f"The document could not be read: reading it took longer than {limits.seconds:g} s, "
                    "the limit (IMPORT_READ_SECONDS)."
                )
            try:
                outcome, value = receive.recv()
            except EOFError:  # the child ended without an answer: the kernel stopped it
                outcome, value = "ended", None
            if outcome != "progress":
                break
            if progress is not None:
                progress(*value)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if outcome == "ok":
        return value
    if outcome == "rejected":
        raise DocumentRejected(value)
    raise DocumentRejected(_refusal(outcome, process.exitcode, limits))


def _refusal(outcome: str, exitcode: int | None, limits: Limits) -> str:
    if outcome == "memory":
        return (
            f"The document could not be read: reading it needed more than {limits.memory_mb:,} MB, "
            "the limit (IMPORT_READ_MEMORY_MB)."
        )
    if outcome == "inflated":
        return (
            f"The PDF could not be read: its compressed streams inflate to more than "
            f"{limits.inflated_bytes // MB:,} MB, the limit (IMPORT_MAX_INFLATED_BYTES)."
        )
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):  # past the soft CPU limit, past the hard one
        return (
            f"The document could not be read: reading it took more than {limits.cpu_seconds:,} s of "
            "processor time, the limit (IMPORT_READ_CPU_SECONDS)."
        )
    return f"The document could not be read: the reader stopped (exit status {exitcode})."
