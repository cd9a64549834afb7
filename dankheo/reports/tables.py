"""The tables (and the chart of each) that the dashboard, the XLSX workbook and the PDF
report show, built from one :class:`~dankheo.reports.queries.Statistics`.

A cell may carry the registry-list filters that reproduce its number
(``registry.initiatives`` with ``year``, ``status``, ``field``, ``unit``): only where
that list counts exactly the same rows — a single year, rolled up by the structure of
the record's year, and a whole subtree."""

from dataclasses import dataclass, field

from dankheo.models.nominations import STATE_LABELS
from dankheo.models.registry import EXEMPLAR_KIND_LABELS, YEAR_FIGURES, YEAR_STATUS_LABELS
from dankheo.reports.queries import STATES, STATUSES, Statistics
from dankheo.reports.rollup import SPLIT_EXPLANATION, RollUp
from dankheo.vietnamese import in_sentence

# One colour per initiative status, used by every chart (and its legend).
STATUS_COLOURS = {
    "registered": "#6c757d",
    "recognised": "#1f6fb2",
    "outstanding": "#a50e22",
    "dropped": "#c9a227",
}
SINGLE_COLOUR = "#1f6fb2"


@dataclass
class Cell:
    value: int | str
    filters: dict | None = None  # registry.initiatives query parameters
    drill_unit: int | None = None  # dashboard of this unit

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int)


@dataclass
class Series:
    name: str
    colour: str
    values: list[int]


@dataclass
class Chart:
    id: str
    title: str
    categories: list[str]
    series: list[Series]

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    @property
    def description(self) -> str:
        """The numbers behind the chart, as a sentence (the chart's text alternative)."""
        if not self.categories:
            return f"{self.title}: chưa có số liệu."
        parts = []
        totals = self.totals() if self.stacked else []
        for i, category in enumerate(self.categories):
            if self.stacked:
                detail = ", ".join(f"{s.name} {s.values[i]}" for s in self.series)
                parts.append(f"{category}: {totals[i]} ({detail})")
            else:
                parts.append(f"{category}: {self.series[0].values[i]}")
        return f"{self.title}. " + "; ".join(parts) + "."


@dataclass
class Table:
    key: str  # also the XLSX sheet's name source and the HTML anchor
    title: str
    sheet: str  # XLSX sheet name (≤ 31 characters)
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    chart: Chart | None = None
    note: str = ""
    empty: bool = field(init=False, default=False)

    def __post_init__(self):
        self.empty = not any(c.is_number and c.value for row in self.rows for c in row)


def _filters(stats: Statistics, **extra) -> dict | None:
    """Registry filters for a figure, or None when the list could not show the same rows
    (today's structure; a whole phase; a figure of the chosen unit that also counts the
    records of its predecessors, which the list filtered by that unit does not show)."""
    if stats.rollup is not RollUp.RECORD_YEAR:
        return None
    if "unit" not in extra and not stats.exact_root:
        return None
    year = extra.pop("year", stats.period.year)
    if year is None:
        return None
    params = {"year": year, "unit": stats.root.id}
    params.update({k: v for k, v in extra.items() if v is not None})
    return params


def _status_cells(stats: Statistics, counts, **filters) -> list[Cell]:
    cells = [
        Cell(counts[s], _filters(stats, status=s.value, **filters) if filters is not None else None)
        for s in STATUSES
    ]
    total = sum(counts[s] for s in STATUSES)
    cells.append(Cell(total, _filters(stats, **filters) if filters is not None else None))
    return cells


STATUS_HEADERS = [YEAR_STATUS_LABELS[s] for s in STATUSES] + ["Tổng số"]


def _status_series(rows) -> list[Series]:
    return [
        Series(YEAR_STATUS_LABELS[s], STATUS_COLOURS[s.value], [r.counts[s] for r in rows])
        for s in STATUSES
    ]


def build_tables(stats: Statistics) -> list[Table]:
    tables = []
    period = stats.period.label

    status_rows = [
        [Cell(YEAR_STATUS_LABELS[s]), Cell(stats.statuses[s], _filters(stats, status=s.value))]
        for s in STATUSES
    ]
    tables.append(
        Table(
            key="tinh-trang",
            title=f"Mô hình theo kết quả đánh giá, {period}",
            sheet="Mô hình theo tình trạng",
            headers=["Kết quả đánh giá", "Số lượt mô hình"],
            rows=status_rows,
            total=[Cell("Tổng số"), Cell(stats.total, _filters(stats))],
            chart=Chart(
                "bieu-do-tinh-trang",
                f"Mô hình theo kết quả đánh giá, {period}",
                [YEAR_STATUS_LABELS[s] for s in STATUSES],
                [Series("Số lượt mô hình", SINGLE_COLOUR, [stats.statuses[s] for s in STATUSES])],
            ),
            note=(
                "Mỗi mô hình được tính một lượt cho mỗi năm có kết quả đánh giá."
                if stats.period.year is None
                else ""
            ),
        )
    )

    if stats.period.year is None:
        tables.append(
            Table(
                key="theo-nam",
                title="Mô hình theo năm và kết quả đánh giá",
                sheet="Mô hình theo năm",
                headers=["Năm", *STATUS_HEADERS],
                rows=[
                    [Cell(str(b.key)), *_status_cells(stats, b.counts, year=b.key)]
                    for b in stats.by_year
                ],
                total=[Cell("Tổng số"), *_status_cells(stats, stats.statuses, year=None)],
                chart=Chart(
                    "bieu-do-theo-nam",
                    "Mô hình theo năm và kết quả đánh giá",
                    [str(b.key) for b in stats.by_year],
                    _status_series(stats.by_year),
                ),
            )
        )

    tables.append(
        Table(
            key="linh-vuc",
            title=f"Mô hình theo lĩnh vực, {period}",
            sheet="Mô hình theo lĩnh vực",
            headers=["Lĩnh vực", *STATUS_HEADERS],
            rows=[
                [Cell(b.label), *_status_cells(stats, b.counts, field=b.key)]
                for b in stats.by_field
            ],
            total=[Cell("Tổng số"), *_status_cells(stats, stats.statuses)],
            chart=Chart(
                "bieu-do-linh-vuc",
                f"Mô hình theo lĩnh vực, {period}",
                [b.label for b in stats.by_field],
                _status_series(stats.by_field),
            ),
        )
    )

    unit_rows = []
    for b in stats.by_unit:
        figures = stats.unit_figures.get(b.key)
        if b.unit_id is not None:
            label = Cell(b.label, drill_unit=b.unit_id if b.drillable else None)
            counts = _status_cells(stats, b.counts, unit=b.unit_id)
        else:
            label = Cell(b.label)
            counts = [Cell(b.counts[s]) for s in STATUSES] + [Cell(b.total)]
        unit_rows.append(
            [
                label,
                *counts,
                Cell(sum(figures.exemplars.values()) if figures else 0),
                Cell(figures.nominations if figures else 0),
                Cell(figures.awards if figures else 0),
                Cell(figures.replicated if figures else 0),
            ]
        )
    tables.append(
        Table(
            key="don-vi",
            title=f"Kết quả theo đơn vị trực thuộc {in_sentence(stats.root.name)}, {period}",
            sheet="Theo đơn vị",
            headers=[
                "Đơn vị",
                *STATUS_HEADERS[:-1],
                "Tổng số mô hình",
                "Điển hình",
                "Hồ sơ đề nghị",
                "Khen thưởng",
                "Mô hình nhân rộng",
            ],
            rows=unit_rows,
            total=[
                Cell("Tổng số"),
                *_status_cells(stats, stats.statuses),
                Cell(stats.exemplars_total),
                Cell(stats.nominations_total),
                Cell(stats.awards_total),
                Cell(stats.replicated),
            ],
            chart=Chart(
                "bieu-do-don-vi",
                f"Mô hình theo đơn vị trực thuộc, {period}",
                [b.label for b in stats.by_unit],
                _status_series(stats.by_unit),
            ),
            note=split_note(stats),
        )
    )

    tables.append(
        Table(
            key="dien-hinh",
            title=f"Điển hình theo loại, {period}",
            sheet="Điển hình",
            headers=["Loại điển hình", "Số lượng"],
            rows=[
                [Cell(EXEMPLAR_KIND_LABELS[k]), Cell(n)] for k, n in stats.exemplars_by_kind.items()
            ],
            total=[Cell("Tổng số"), Cell(stats.exemplars_total)],
            chart=Chart(
                "bieu-do-dien-hinh",
                f"Điển hình theo loại, {period}",
                [EXEMPLAR_KIND_LABELS[k] for k in stats.exemplars_by_kind],
                [Series("Số điển hình", SINGLE_COLOUR, list(stats.exemplars_by_kind.values()))],
            ),
        )
    )

    tables.append(
        Table(
            key="ho-so",
            title=f"Hồ sơ đề nghị khen thưởng theo trạng thái, {period}",
            sheet="Hồ sơ đề nghị",
            headers=["Trạng thái hồ sơ", "Số hồ sơ"],
            rows=[[Cell(STATE_LABELS[s]), Cell(stats.nominations_by_state[s])] for s in STATES],
            total=[Cell("Tổng số"), Cell(stats.nominations_total)],
            chart=Chart(
                "bieu-do-ho-so",
                f"Hồ sơ đề nghị khen thưởng theo trạng thái, {period}",
                [STATE_LABELS[s] for s in STATES],
                [
                    Series(
                        "Số hồ sơ", SINGLE_COLOUR, [stats.nominations_by_state[s] for s in STATES]
                    )
                ],
            ),
        )
    )

    tables.append(
        Table(
            key="khen-thuong",
            title=f"Khen thưởng (bằng khen, giấy khen còn hiệu lực), {period}",
            sheet="Khen thưởng",
            headers=["Hình thức khen thưởng", "Số bằng khen, giấy khen"],
            rows=[[Cell(label), Cell(n)] for label, n in stats.awards_by_type],
            total=[Cell("Tổng số"), Cell(stats.awards_total)],
            chart=Chart(
                "bieu-do-khen-thuong",
                f"Khen thưởng theo hình thức, {period}",
                [label for label, _ in stats.awards_by_type],
                [Series("Số khen thưởng", SINGLE_COLOUR, [n for _, n in stats.awards_by_type])],
            ),
        )
    )

    tables.append(
        Table(
            key="nhan-rong",
            title=f"Nhân rộng mô hình, {period}",
            sheet="Nhân rộng",
            headers=["Chỉ tiêu", "Số lượng"],
            rows=[
                [Cell("Mô hình đăng ký mới nhân rộng từ mô hình khác"), Cell(stats.replicated)],
                [Cell("Mô hình gốc được nhân rộng"), Cell(stats.replicated_sources)],
            ],
        )
    )
    return tables + _yearly_tables(stats, period)


def split_note(stats: Statistics) -> str:
    """What the page states about divided units: counted once, under the default."""
    if not stats.splits:
        return ""
    examples = "; ".join(
        f"{s.label} → {s.default.name}"
        + (f" (không tính cho {', '.join(o.name for o in s.others)})" if s.others else "")
        for s in stats.splits[:3]
    )
    more = f" và {len(stats.splits) - 3} đơn vị khác" if len(stats.splits) > 3 else ""
    return f"{SPLIT_EXPLANATION} Có {len(stats.splits)} đơn vị như vậy: {examples}{more}."


def _number(value: float) -> int | str:
    """Whole numbers stay numbers (cells, charts); others are written the Vietnamese way."""
    if float(value).is_integer():
        return int(value)
    return f"{value:,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _yearly_tables(stats: Statistics, period: str) -> list[Table]:
    """The officers' year reports (standard figures by year, the campaigns' own
    indicators) and the initiatives by priority area."""
    years = stats.period.years
    tables = []
    rows = [
        [Cell("Báo cáo năm của đơn vị (lượt)")]
        + [Cell(stats.reports_by_year.get(y, 0)) for y in years]
        + [Cell(sum(stats.reports_by_year.values()))]
    ]
    for column, label, unit in YEAR_FIGURES:
        by_year = stats.figures.get(column, {})
        rows.append(
            [Cell(f"{label} ({unit})")]
            + [Cell(_number(by_year.get(y, 0))) for y in years]
            + [Cell(_number(sum(by_year.values())))]
        )
    tables.append(
        Table(
            key="ket-qua-nam",
            title=f"Kết quả đo đếm được theo báo cáo năm của đơn vị, {period}",
            sheet="Kết quả theo năm",
            headers=["Chỉ tiêu", *(f"Năm {y}" for y in years), "Cộng"],
            rows=rows,
            note=(
                "Tổng hợp từ báo cáo kết quả từng năm của mô hình do đơn vị gửi; chỉ tiêu "
                "không áp dụng để trống không được tính."
            ),
        )
    )
    if stats.indicator_totals:
        labels = sorted({label for label, _y, _v in stats.indicator_totals})
        values = {(label, y): v for label, y, v in stats.indicator_totals}
        tables.append(
            Table(
                key="chi-tieu-rieng",
                title=f"Chỉ tiêu riêng của các đợt thi đua, {period}",
                sheet="Chỉ tiêu riêng",
                headers=["Chỉ tiêu", *(f"Năm {y}" for y in years), "Cộng"],
                rows=[
                    [Cell(label)]
                    + [Cell(_number(values.get((label, y), 0))) for y in years]
                    + [Cell(_number(sum(values.get((label, y), 0) for y in years)))]
                    for label in labels
                ],
            )
        )
    areas = stats.by_priority_area
    tables.append(
        Table(
            key="trong-tam",
            title=f"Mô hình theo lĩnh vực trọng tâm của Chỉ thị, {period}",
            sheet="Lĩnh vực trọng tâm",
            headers=["Lĩnh vực trọng tâm", *STATUS_HEADERS],
            rows=[
                [Cell(b.label), *(Cell(b.counts[s]) for s in STATUSES), Cell(b.total)]
                for b in areas
            ],
            chart=Chart(
                "bieu-do-trong-tam",
                f"Mô hình theo lĩnh vực trọng tâm, {period}",
                [b.label for b in areas],
                _status_series(areas),
            ),
            note=(
                "Một mô hình có thể thuộc nhiều lĩnh vực trọng tâm: cột “Tổng số” không cộng "
                "dồn thành tổng số mô hình."
            ),
        )
    )
    return tables
