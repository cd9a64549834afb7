"""The assignment planner: k conflict-free reviewers per nomination, balanced load.

Pure and deterministic: it sees ids only, sorts them, and uses no randomness, so the
same input always gives the same plan. The service (review/services.py) reads the data,
calls ``plan`` and writes the result.

How it works:

1. Greedy: nominations with the fewest eligible reviewers go first; each takes the
   least-loaded eligible reviewers (ties by id) until it has k.
2. Repair: while some reviewer carries at least two more than another reachable one,
   shift one assignment along an alternating path (a → n1 → r1 → n2 → … → b: n1 moves
   from a to r1, n2 from r1 to …). Intermediate loads do not change; the sum of squared
   loads falls, so this ends. When a plan with max − min ≤ 1 exists, such a path exists
   whenever the current plan is worse (flow decomposition), so the result is within 1.

Existing assignments are fixed: they count in the load but are never moved.
"""

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Plan:
    # New (nomination_id, reviewer_id) pairs to create, sorted.
    pairs: list[tuple[int, int]]
    # nomination_id → how many conflict-free reviewers it has in total (when < k).
    shortfalls: dict[int, int] = field(default_factory=dict)
    # reviewer_id → load after the plan (fixed + new).
    loads: dict[int, int] = field(default_factory=dict)


def plan(
    nominations: list[int],
    reviewers: list[int],
    conflicts: set[tuple[int, int]],
    k: int,
    existing: set[tuple[int, int]] | None = None,
) -> Plan:
    """Plan assignments. ``conflicts`` and ``existing`` hold (nomination_id, reviewer_id)."""
    existing = set(existing or ())
    nominations = sorted(set(nominations))
    reviewers = sorted(set(reviewers))
    reviewer_set = set(reviewers)
    load = dict.fromkeys(reviewers, 0)
    fixed: dict[int, set[int]] = {n: set() for n in nominations}
    for n, r in existing:
        if r in reviewer_set:
            load[r] += 1
        if n in fixed:
            fixed[n].add(r)

    eligible = {
        n: [r for r in reviewers if (n, r) not in conflicts and r not in fixed[n]]
        for n in nominations
    }
    chosen: dict[int, set[int]] = {n: set() for n in nominations}
    shortfalls: dict[int, int] = {}
    for n in sorted(nominations, key=lambda n: (len(eligible[n]), n)):
        need = k - len(fixed[n])
        if need <= 0:
            continue
        candidates = sorted(eligible[n], key=lambda r: (load[r], r))
        picked = candidates[:need]
        for r in picked:
            chosen[n].add(r)
            load[r] += 1
        if len(picked) < need:
            shortfalls[n] = len(fixed[n]) + len(picked)

    _rebalance(nominations, reviewers, chosen, fixed, conflicts, load)
    pairs = sorted((n, r) for n in nominations for r in chosen[n])
    return Plan(pairs=pairs, shortfalls=shortfalls, loads=load)


def _rebalance(nominations, reviewers, chosen, fixed, conflicts, load) -> None:
    while True:
        path = _find_path(nominations, reviewers, chosen, fixed, conflicts, load)
        if path is None:
            return
        # path: [(from_reviewer, nomination, to_reviewer), ...]
        for a, n, b in path:
            chosen[n].discard(a)
            chosen[n].add(b)
        load[path[0][0]] -= 1
        load[path[-1][2]] += 1


def _find_path(nominations, reviewers, chosen, fixed, conflicts, load):
    """An alternating path from a most-loaded reviewer to one carrying at least two
    less, or None. Breadth-first over reviewers in id order: deterministic."""
    movable: dict[int, list[int]] = {r: [] for r in reviewers}
    for n in nominations:
        for r in chosen[n]:
            movable[r].append(n)
    for r in reviewers:
        movable[r].sort()
    for start in sorted(reviewers, key=lambda r: (-load[r], r)):
        target_max = load[start] - 2
        if target_max < min(load.values(), default=0):
            return None  # no reviewer is light enough for this or any lighter start
        previous: dict[int, tuple[int, int] | None] = {start: None}
        queue = deque([start])
        while queue:
            a = queue.popleft()
            for n in movable[a]:
                for b in reviewers:
                    if b in previous or (n, b) in conflicts or b in chosen[n] or b in fixed[n]:
                        continue
                    previous[b] = (a, n)
                    if load[b] <= target_max:
                        return _unwind(previous, b)
                    queue.append(b)
    return None


def _unwind(previous, end):
    steps = []
    b = end
    while previous[b] is not None:
        a, n = previous[b]
        steps.append((a, n, b))
        b = a
    return list(reversed(steps))
