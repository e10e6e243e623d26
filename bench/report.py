"""The bench's report: a table, one BENCH line per server and shape, and the issue's target
ratios for this run, each met or not."""

from load import Result
from shapes import LIST_SHAPES
from stale import StaleCheck


def number(value, digits=1) -> str:
    return "NA" if value is None else f"{value:.{digits}f}"


def table(results: list[Result]) -> str:
    by_key = {(result.server, result.shape): result for result in results}

    def ratio(result: Result, peer: str) -> float | None:
        base = by_key.get((peer, result.shape))
        return round(result.rps / base.rps, 2) if result.rps and base and base.rps else None

    header = (
        f"{'server':<16} {'shape':<15} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'db ms':>6} "
        f"{'x floor':>7} {'x pgrst':>7} {'x dsette':>8}  note"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        lines.append(
            f"{result.server:<16} {result.shape:<15} {number(result.rps, 0):>7} {number(result.p50_ms, 2):>7} "
            f"{number(result.p99_ms, 2):>7} {number(result.cpu_ms, 2):>7} {number(result.db_cpu_ms, 2):>6} "
            f"{number(ratio(result, 'floor'), 2):>7} {number(ratio(result, 'postgrest'), 2):>7} "
            f"{number(ratio(result, 'datasette'), 2):>8}  {result.problem}"
        )
    lines.append("")
    for result in results:
        line = (
            f"BENCH server={result.server} shape={result.shape} rps={number(result.rps, 0)} "
            f"p50_ms={number(result.p50_ms, 2)} p99_ms={number(result.p99_ms, 2)} "
            f"cpu_ms_per_request={number(result.cpu_ms, 2)} db_cpu_ms_per_request={number(result.db_cpu_ms, 2)} "
            f"requests={result.requests} distinct_urls={result.distinct_urls} "
            f"ratio_to_floor={number(ratio(result, 'floor'), 2)}"
        )
        if result.problem:
            line += f" status={result.problem.split(' ')[0]}"
        lines.append(line)
    return "\n".join(lines)


def targets(results: list[Result], stale: StaleCheck | None) -> list[str]:
    """The issue's targets (#23, "Performance, round 3"), each as TARGET … met / NOT met, or
    NA when this run lacks a side of the ratio."""
    by_key = {(result.server, result.shape): result for result in results if result.rps and not result.problem}
    problems = {(result.server, result.shape): result.problem or "no answer" for result in results}
    lines = []

    def unclean(*keys: tuple[str, str]) -> str:
        """Why a target has no verdict: a side not measured, or measured with failures or repeats."""
        reasons = [f"{server} {shape}: {problems.get((server, shape), 'not run')}" for server, shape in keys]
        return "NA (" + "; ".join(reason for key, reason in zip(keys, reasons, strict=True) if key not in by_key) + ")"

    def ratio_check(name: str, shape: str, peer: str, peer_shape: str, least: float) -> None:
        tracker, other = by_key.get(("tracker", shape)), by_key.get((peer, peer_shape))
        if tracker is None or other is None:
            lines.append(
                f"TARGET {name}: tracker >= {least}x {peer} {peer_shape} req/s: "
                + unclean(("tracker", shape), (peer, peer_shape))
            )
            return
        ratio = tracker.rps / other.rps
        verdict = "met" if ratio >= least else "NOT met"
        lines.append(
            f"TARGET {name}: tracker >= {least}x {peer} {peer_shape} req/s: {verdict} "
            f"({ratio:.2f}x: {tracker.rps:.0f} vs {other.rps:.0f})"
        )

    for shape in LIST_SHAPES:
        ratio_check(f"{shape}_cold", f"{shape}_cold", "postgrest", f"{shape}_cold", 1.0)
        tracker, postgrest = by_key.get(("tracker", f"{shape}_cold")), by_key.get(("postgrest", f"{shape}_cold"))
        if tracker and postgrest:
            ratio = tracker.p99_ms / postgrest.p99_ms
            verdict = "met" if ratio <= 1.5 else "NOT met"
            lines.append(
                f"TARGET {shape}_cold: tracker p99 <= 1.5x PostgREST's: {verdict} "
                f"({ratio:.2f}x: {tracker.p99_ms:.1f} vs {postgrest.p99_ms:.1f} ms)"
            )
        else:
            lines.append(
                f"TARGET {shape}_cold: tracker p99 <= 1.5x PostgREST's: "
                + unclean(("tracker", f"{shape}_cold"), ("postgrest", f"{shape}_cold"))
            )
    ratio_check("search_cold", "search_cold", "datasette", "search_cold", 1.5)
    ratio_check("stats", "stats", "floor", "stats", 0.8)
    ratio_check("stats_as_of", "stats_as_of", "tracker", "stats", 0.5)
    for shape in LIST_SHAPES:
        ratio_check(f"{shape}_warm", f"{shape}_warm", "postgrest", f"{shape}_warm", 3.0)
    if stale is None:
        lines.append("TARGET warm list shapes: zero stale answers: NA (no stale-answer check in this run)")
    else:
        verdict = "met" if stale.stale == 0 and stale.answers_after_a_write > 0 else "NOT met"
        # Zero stale answers count only if some answers could have been stale (read a row after its write).
        lines.append(
            f"TARGET warm list shapes: zero stale answers: {verdict} ({stale.stale} of {stale.answers}, "
            f"{stale.answers_after_a_write} read after a write)"
        )
    return lines
