"""Streamed exports (CSV, XLSX): seconds to the first and the last byte, and how much the
server's memory grows. Rows are counted as CSV lines; for XLSX the count is meaningless (a zip).

Used by run.py against the running tracker; also runnable alone:
    bench/.venv/bin/python bench/export.py URL SERVER_PID
Memory is the summed resident size of the server process and its workers, sampled every 20 ms.
"""

import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(child) for child in text)
    return children


def resident_bytes(master_pid: int) -> int:
    total = 0
    for pid in [master_pid, *_children(master_pid)]:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except FileNotFoundError:
            continue
    return total


def measure_export(url: str, master_pid: int, timeout: float = 120) -> str:
    baseline = resident_bytes(master_pid)
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.02):
            peak = max(peak, resident_bytes(master_pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    first_byte = None
    size = lines = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            while chunk := response.read1(64 * 1024):  # as it arrives: the first byte is timed
                first_byte = first_byte or time.monotonic() - started
                size += len(chunk)
                lines += chunk.count(b"\n")
    except urllib.error.HTTPError as error:
        done.set()
        status = "unavailable" if error.code == 404 else "failed"
        return f"EXPORT status={status} http={error.code} url={url}"
    finally:
        done.set()
        sampler.join()
    seconds = time.monotonic() - started
    return (
        f"EXPORT rows={max(lines - 1, 0)} bytes={size} seconds={seconds:.2f} first_byte_s={first_byte or 0:.3f} "
        f"memory_growth_mb={(peak - baseline) / 2**20:.1f}"
    )


if __name__ == "__main__":
    print(measure_export(sys.argv[1], int(sys.argv[2])))
