"""The assignment planner: never a conflicted reviewer, balanced load, deterministic."""

import itertools
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from dankheo.review.assignment import plan
from dankheo.tree import related_by_line


@st.composite
def instances(draw, max_units=12, max_reviewers=6, max_nominations=14):
    """A random unit tree (paths), a committee at random units, nominations at random
    units, k, and a few declared conflicts; conflicts as the service computes them."""
    n_units = draw(st.integers(1, max_units))
    paths = ["/1/"]
    for i in range(2, n_units + 1):
        parent = draw(st.integers(0, len(paths) - 1))
        paths.append(f"{paths[parent]}{i}/")
    units = [SimpleNamespace(path=p) for p in paths]
    reviewer_units = draw(st.lists(st.sampled_from(units), min_size=1, max_size=max_reviewers))
    nomination_units = draw(st.lists(st.sampled_from(units), max_size=max_nominations))
    reviewers = list(range(100, 100 + len(reviewer_units)))
    nominations = list(range(1, 1 + len(nomination_units)))
    conflicts = {
        (n, r)
        for n, nu in zip(nominations, nomination_units, strict=True)
        for r, ru in zip(reviewers, reviewer_units, strict=True)
        if related_by_line(nu, ru)
    }
    if nominations:
        declared = draw(
            st.sets(st.tuples(st.sampled_from(nominations), st.sampled_from(reviewers)), max_size=4)
        )
        conflicts |= declared
    k = draw(st.integers(1, 4))
    return nominations, reviewers, conflicts, k


def _eligible(n, reviewers, conflicts):
    return [r for r in reviewers if (n, r) not in conflicts]


@settings(max_examples=150, deadline=None)
@given(instances())
def test_no_conflicted_reviewer_is_ever_assigned(instance):
    nominations, reviewers, conflicts, k = instance
    result = plan(nominations, reviewers, conflicts, k)
    assert not set(result.pairs) & conflicts
    for n in nominations:
        got = [r for m, r in result.pairs if m == n]
        assert len(got) == len(set(got)) == min(k, len(_eligible(n, reviewers, conflicts)))
        assert (n in result.shortfalls) == (len(got) < k)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_same_input_same_result(instance):
    nominations, reviewers, conflicts, k = instance
    first = plan(nominations, reviewers, conflicts, k)
    shuffled = plan(list(reversed(nominations)), list(reversed(reviewers)), set(conflicts), k)
    assert first.pairs == shuffled.pairs == plan(nominations, reviewers, conflicts, k).pairs


def _best_spread(nominations, reviewers, conflicts, k) -> int:
    """Brute force: the smallest max − min load any valid plan can reach."""
    options = [
        list(itertools.combinations(el, min(k, len(el))))
        for el in (_eligible(n, reviewers, conflicts) for n in nominations)
    ]
    best = None
    for choice in itertools.product(*options):
        load = dict.fromkeys(reviewers, 0)
        for group in choice:
            for r in group:
                load[r] += 1
        spread = max(load.values()) - min(load.values())
        best = spread if best is None else min(best, spread)
        if best == 0:
            break
    return best


@settings(max_examples=150, deadline=None)
@given(instances(max_units=6, max_reviewers=4, max_nominations=5))
def test_load_within_one_whenever_some_plan_achieves_it(instance):
    nominations, reviewers, conflicts, k = instance
    result = plan(nominations, reviewers, conflicts, k)
    spread = max(result.loads.values()) - min(result.loads.values())
    if _best_spread(nominations, reviewers, conflicts, k) <= 1:
        assert spread <= 1


def test_without_conflicts_load_is_balanced_at_scale():
    result = plan(list(range(1, 201)), list(range(1, 8)), set(), 3)
    loads = result.loads.values()
    assert len(result.pairs) == 600 and max(loads) - min(loads) <= 1


def test_existing_assignments_are_kept_and_counted():
    result = plan([1, 2], [10, 11, 12], set(), 2, existing={(1, 10), (1, 11)})
    assert result.pairs == [(2, 10), (2, 12)]
    assert result.loads == {10: 2, 11: 1, 12: 1}


def test_shortfall_is_reported():
    result = plan([1], [10, 11], {(1, 10)}, 3)
    assert result.pairs == [(1, 11)] and result.shortfalls == {1: 1}
