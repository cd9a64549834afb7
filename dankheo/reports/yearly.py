"""The officers' year reports in a dashboard's scope — sums of the standard figures by
year, the campaigns' own indicators by year, the year rows by priority area × status —
counted from the records (three GROUP BYs over the year rows) or read from the kept
tallies (reports.tallies). Both give the same :class:`YearFigures`."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import CampaignIndicator, IndicatorValue, InitiativeYear, Unit, YearStatus
from dankheo.models.registry import YEAR_FIGURES, initiative_priority_areas
from dankheo.reports import tallies


@dataclass
class YearFigures:
    # column of YEAR_FIGURES → year → sum (a year appears when the scope has rows in it)
    figures: dict[str, dict[int, float]] = field(
        default_factory=lambda: {c: {} for c, _l, _u in YEAR_FIGURES}
    )
    reports_by_year: dict[int, int] = field(default_factory=dict)
    # (label, year, sum), by label then year
    indicator_totals: list[tuple[str, int, float]] = field(default_factory=list)
    # (priority area, status) → year rows
    areas: dict[tuple[int, YearStatus], int] = field(default_factory=lambda: defaultdict(int))


def _number(total) -> float:
    return round(float(total or 0), 6)


def _indicators(totals: Iterable[tuple[str, str, int, float]]) -> list[tuple[str, int, float]]:
    merged: dict[tuple[str, str, int], float] = defaultdict(float)
    for name, unit_label, year, total in totals:
        merged[(name, unit_label, year)] += float(total or 0)
    return [
        (f"{name} ({unit_label})" if unit_label else name, year, round(total, 6))
        for (name, unit_label, year), total in sorted(merged.items())
    ]


def counted(between: Callable, in_scope) -> YearFigures:
    """From the year rows in scope; ``between(column)`` is the period's condition."""
    out = YearFigures()
    columns = [getattr(InitiativeYear, c) for c, _l, _u in YEAR_FIGURES]
    for row in db.session.execute(
        sa.select(
            InitiativeYear.year,
            sa.func.count(InitiativeYear.reported_at),
            *(sa.func.sum(c) for c in columns),
        )
        .join(Unit, Unit.id == InitiativeYear.unit_id)
        .where(between(InitiativeYear.year), in_scope)
        .group_by(InitiativeYear.year)
    ):
        year, count, *sums = row
        out.reports_by_year[year] = count
        for (column, _l, _u), total in zip(YEAR_FIGURES, sums, strict=True):
            out.figures[column][year] = _number(total)
    out.indicator_totals = _indicators(
        db.session.execute(
            sa.select(
                CampaignIndicator.name,
                CampaignIndicator.unit_label,
                InitiativeYear.year,
                sa.func.sum(IndicatorValue.value),
            )
            .select_from(IndicatorValue)
            .join(CampaignIndicator, CampaignIndicator.id == IndicatorValue.indicator_id)
            .join(InitiativeYear, InitiativeYear.id == IndicatorValue.initiative_year_id)
            .join(Unit, Unit.id == InitiativeYear.unit_id)
            .where(between(InitiativeYear.year), in_scope)
            .group_by(CampaignIndicator.name, CampaignIndicator.unit_label, InitiativeYear.year)
        )
    )
    link = initiative_priority_areas.c
    for area_id, status, n in db.session.execute(
        sa.select(link.priority_area_id, InitiativeYear.status, sa.func.count())
        .select_from(InitiativeYear)
        .join(initiative_priority_areas, link.initiative_id == InitiativeYear.initiative_id)
        .join(Unit, Unit.id == InitiativeYear.unit_id)
        .where(between(InitiativeYear.year), in_scope)
        .group_by(link.priority_area_id, InitiativeYear.status)
    ):
        out.areas[(area_id, YearStatus(status))] += n
    return out


def kept(rows) -> YearFigures:
    """From a root's tallies (the rows of ``tallies.read`` with mode ``tallies.ALL``),
    plus one query for the indicators' names when there are any."""
    out = YearFigures()
    sums: dict[tuple[str, int], float] = defaultdict(float)
    indicators: dict[tuple[int, int], float] = defaultdict(float)
    for _mode, _bucket, year, measure, key, n, total in rows:
        if measure == tallies.YEARS:
            if n:
                out.reports_by_year.setdefault(year, 0)
                for column, _l, _u in YEAR_FIGURES:
                    out.figures[column].setdefault(year, 0.0)
        elif measure == tallies.REPORTS:
            out.reports_by_year[year] = out.reports_by_year.get(year, 0) + n
        elif measure.startswith("fig:"):
            sums[(measure[4:], year)] += float(total or 0)
        elif measure == tallies.AREA and n:
            area_id, status = key.split(":", 1)
            out.areas[(int(area_id), YearStatus(status))] += n
        elif measure == tallies.INDICATOR and n:
            indicators[(int(key), year)] += float(total or 0)
    for (column, year), total in sums.items():
        if year in out.figures[column]:
            out.figures[column][year] = _number(total)
    out.reports_by_year = dict(sorted(out.reports_by_year.items()))
    out.figures = {c: dict(sorted(by_year.items())) for c, by_year in out.figures.items()}
    if indicators:
        names = {
            i.id: (i.name, i.unit_label)
            for i in db.session.execute(
                sa.select(
                    CampaignIndicator.id, CampaignIndicator.name, CampaignIndicator.unit_label
                ).where(CampaignIndicator.id.in_({i for i, _y in indicators}))
            )
        }
        out.indicator_totals = _indicators(
            (*names[i], year, total) for (i, year), total in indicators.items() if i in names
        )
    return out
