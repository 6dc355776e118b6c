"""Target mixes: `{value: share}` (shares of the whole corpus, summing to at most 1) or
`{value: rows}` (counts), and the row counts that reach them by adding rows (backfill) or by
keeping / repeating rows (rebalance). Pure arithmetic, shared by both operators."""

from __future__ import annotations

import math

# Shares sum to at most 1; a table summing to more is a table of row counts (as the report
# reads it).
SHARE_TOTAL = 1.0 + 1e-9


def are_shares(targets: dict[str, float]) -> bool:
    """Whether the targets are shares of the corpus (else row counts)."""
    return sum(targets.values()) <= SHARE_TOTAL


def check_targets(targets: dict[str, float]) -> str | None:
    """A problem with a target table, or None."""
    if not targets:
        return "needs at least one value"
    for value, target in targets.items():
        if target < 0:
            return f"{value}: must be >= 0, got {target}"
    if not are_shares(targets):
        for value, target in targets.items():
            if target != int(target):
                return (f"{value}: row counts must be whole numbers, got {target} (shares "
                        "must sum to at most 1)")
    return None


def _capped(x: float, share: float, current: int, available: int) -> float:
    return min(float(available), max(0.0, share * x - current))


def final_total(counts: dict[str | None, int], shares: dict[str, float],
                available: dict[str, int]) -> float:
    """The corpus size once every value under its share got what it needs (up to
    `available`): the fixed point of N = N0 + sum(min(available, share * N - count)). Values
    already over their share keep their rows (adding rows cannot lower them)."""
    start = sum(counts.values())
    x = float(start)
    for _ in range(100_000):
        nxt = start + sum(_capped(x, shares[v], counts.get(v, 0), available.get(v, 0))
                          for v in shares)
        if abs(nxt - x) < 1e-9:
            break
        x = nxt
    return x


def rows_to_add(counts: dict[str | None, int], targets: dict[str, float],
                available: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """(rows to add, rows wanted) per targeted value, given the rows of every value (targeted
    or not). Wanted is what the target needs with an unlimited pool; added is capped by
    `available`. With shares, the total they are shares of counts the added rows, so every
    value that gets what it wants lands on its share."""
    if not are_shares(targets):
        wanted = {v: max(0, int(t) - counts.get(v, 0)) for v, t in targets.items()}
    else:
        total = final_total(counts, targets, available)
        wanted = {v: max(0, round(s * total - counts.get(v, 0))) for v, s in targets.items()}
    return {v: min(w, available.get(v, 0)) for v, w in wanted.items()}, wanted


def quotas(counts: dict[str | None, int], targets: dict[str, float], repeats: int = 1,
           total: int | None = None) -> dict[str | None, int]:
    """Rows to keep per value (more than it has: repeats) to reach the target mix.

    Shares: values without a target share what the targets leave (1 - sum) as one group;
    the corpus size is the largest (at most `total`, else the current size) that no group
    needs more than `repeats` copies of its rows for. Counts: each targeted value is cut or
    repeated to its count (at most `repeats` x its rows); other values are kept as they are.
    """
    if not are_shares(targets):
        return {v: (min(int(targets[v]), repeats * c) if v in targets else c)
                for v, c in counts.items()}
    rest = max(0.0, 1.0 - sum(targets.values()))
    others = sum(c for v, c in counts.items() if v not in targets)
    groups = [(targets[v], counts.get(v, 0)) for v in targets] + [(rest, others)]
    size = float(total if total is not None else sum(counts.values()))
    for share, count in groups:
        if share > 0:
            size = min(size, repeats * count / share)
    keep: dict[str | None, int] = {}
    for value, count in counts.items():
        if value in targets:
            keep[value] = min(repeats * count, round(targets[value] * size))
    if others:
        # The untargeted group is cut as a whole, largest value first, so its mix is kept.
        budget = min(repeats * others, round(rest * size))
        untargeted = sorted((v for v in counts if v not in targets), key=lambda v: str(v))
        for value in untargeted:
            keep[value] = math.floor(budget * counts[value] / others)
        leftover = budget - sum(keep[v] for v in untargeted)
        for value in sorted(untargeted, key=lambda v: (-counts[v], str(v)))[:leftover]:
            keep[value] += 1
    return keep
