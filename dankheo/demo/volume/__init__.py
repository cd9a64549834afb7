"""Volume data for benchmarks: a large, realistic province loaded with bulk inserts.

``flask --app dankheo seed-volume`` builds, by default: 5,000 units in a 2025-style tree
(nine former districts with their communes, villages and mass organisations, closed on
30/6/2025, and the merged communes of 1/7/2025 linked to them by dated successions),
100,000 initiatives over 2021–2025 with their year rows, 20,000 exemplars, a 2025
campaign with 2,000 nominations in review, 30 reviewers and every scorecard submitted
(3 per nomination), and 5,000 issued certificate records from the 2021–2024 campaigns
(status valid, a fake SHA-256, no files).

The province ("Tỉnh Bình An", code ``VOL``) and every place name are invented from
common Vietnamese name syllables; it sits beside the demo province without touching it.
Rows are inserted with ``session.execute(insert(Model), rows)`` and ids, materialised
paths, folded search text and sort keys computed in Python (search text and sort keys
by the services' own functions), so the whole load takes seconds, not the hours the ORM
unit of work would. Output is deterministic for a seed.
Accounts (password ``dankheo-demo``): ``vol.admin``, ``vol.thuky`` (secretary),
``vol.lanhdao`` (leader), ``vol.canbo1``… (district officers), ``vol.hoidong01``…

One module per stage (units, accounts, registry, campaigns, certificates), sharing one
``Volume`` (state.py); this module runs them in order.
"""

import time
from collections.abc import Iterator

import sqlalchemy as sa

from dankheo.demo.volume import accounts, campaigns, certificates, registry, units
from dankheo.demo.volume import national as national_units
from dankheo.demo.volume.core import PROVINCE_CODE, VolumeCounts, fix_sequences
from dankheo.demo.volume.state import Volume
from dankheo.extensions import db
from dankheo.models import Unit, User
from dankheo.models.versions import DATASETS, touch
from dankheo.reports import summary as report_counts

__all__ = ["PROVINCE_CODE", "VolumeCounts", "is_loaded", "seed_volume"]


def is_loaded() -> bool:
    """Volume data of either kind: the province ``VOL`` or the volume accounts."""
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == PROVINCE_CODE)) is not None:
        return True
    return db.session.scalar(sa.select(User.id).where(User.username == "vol.admin")) is not None


# ``--national``: the country's units and ten times the provincial registry.
NATIONAL_COUNTS = VolumeCounts(
    units=0,
    initiatives=1_000_000,
    exemplars=200_000,
    nominations=2_000,
    reviewers=30,
    certificates=5_000,
)


def seed_volume(
    counts: VolumeCounts | None = None,
    seed: int = 2025,
    *,
    national: bool = False,
    provinces: tuple[str, ...] | None = None,
) -> Iterator[str]:
    """Load the volume data (the caller commits); yield one timed line per stage.
    Does nothing when volume data are already there. ``national``: every official unit
    of the country (dankheo.units) instead of the invented province (``provinces``: only
    these provinces of today, by code — for tests)."""
    if is_loaded():
        yield "volume: already loaded"
        return
    vol = Volume(counts or (NATIONAL_COUNTS if national else VolumeCounts()), seed)
    started = time.perf_counter()
    if national:
        build_units = lambda: national_units.build_units(vol, provinces)  # noqa: E731
    else:
        build_units = lambda: units.build_units(vol)  # noqa: E731
    stages = (
        ("units", build_units),
        ("accounts", lambda: accounts.build_accounts(vol)),
        ("fields", lambda: registry.build_fields(vol)),
        ("initiatives", lambda: registry.build_initiatives(vol)),
        ("exemplars", lambda: registry.build_exemplars(vol)),
        ("phase", lambda: setattr(vol, "phase", campaigns.phase_id(vol))),
        ("campaign", lambda: campaigns.build_current_campaign(vol)),
        ("certificates", lambda: certificates.build_certificates(vol)),
        ("sequences", lambda: fix_sequences(vol.ids)),
        # Bulk inserts skip the hooks: every dataset changed (their versions move on at
        # the commit), and the dashboard's kept counts are counted once.
        ("data versions", lambda: touch(db.session, DATASETS)),
        ("report counts", lambda: f"{report_counts.rebuild()} rows"),
    )
    for name, stage in stages:
        t0 = time.perf_counter()
        summary = stage()
        if summary:
            yield f"{name}: {summary} ({time.perf_counter() - t0:.1f} s)"
    db.session.flush()
    yield f"volume: loaded in {time.perf_counter() - started:.1f} s"
