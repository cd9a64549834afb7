"""The dashboard's tables as HTML, written here rather than by a template macro: a
province's unit table has about a thousand cells, and a Jinja macro call per cell was
most of the cost of rendering a cold dashboard. The markup is what
``templates/reports/_cells.html`` wrote (the tests read its ``data-cell``,
``data-total`` and ``data-value`` attributes); every text is escaped. The words the
markup adds (a link's title, the empty table's line) come from the template (``texts``)."""

import re
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from dankheo.reports.tables import Cell, Table
from dankheo.vietnamese import format_number

_PLAIN = re.compile(r"[A-Za-z0-9_.\-]*\Z")


def _quoted(value) -> str:
    text = str(value)
    return text if _PLAIN.match(text) else quote_plus(text)


def urlencode(params: dict) -> str:
    """``urllib.parse.urlencode`` of a flat dict, the same text, without quoting what
    needs none (ids, years, statuses): a province's tables link ~800 cells, and the
    library's quoting was half of writing them."""
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in params.items())


def cell_value(cell: Cell, query: dict, links: dict, texts: dict) -> Markup:
    """A cell's content: a number linking to the registry list that counts the same
    rows, a row label linking to the dashboard of that unit, or plain text."""
    if cell.is_number:
        number = format_number(cell.value)  # digits and separators: nothing to escape
        if cell.filters and links.get("registry"):
            href = escape(f"{links['registry']}?{urlencode(cell.filters)}")
            return Markup(f'<a href="{href}">{number}</a>')  # noqa: S704 (escaped above)
        return Markup(number)  # noqa: S704 (a formatted int)
    if cell.drill_unit:
        href = escape(f"{links['dashboard']}?{urlencode(dict(query, unit=cell.drill_unit))}")
        title = escape(texts["drill"])
        return Markup(f'<a href="{href}" title="{title}">{escape(cell.value)}</a>')  # noqa: S704
    return escape(cell.value)


def report_table(table: Table, query: dict, links: dict, texts: dict) -> Markup:
    key = escape(table.key)
    title = escape(table.title)
    out = [
        '<div class="table-responsive">\n'
        '<table class="table table-sm table-bordered align-middle dk-report-table" '
        f'id="bang-{key}">\n<caption class="caption-top">{title}</caption>\n'
        '<thead class="table-light">\n<tr>'
    ]
    for i, header in enumerate(table.headers):
        align = "" if i == 0 else ' class="text-end"'
        out.append(f'<th scope="col"{align}>{escape(header)}</th>')
    out.append("</tr>\n</thead>\n<tbody>")
    for r, row in enumerate(table.rows):
        out.append("\n<tr>")
        for i, cell in enumerate(row):
            value = cell_value(cell, query, links, texts)
            if i == 0:
                out.append(f'<th scope="row" class="fw-normal">{value}</th>')
            else:
                out.append(
                    f'<td class="text-end" data-cell="{key}-{r}-{i}" '
                    f'data-value="{escape(cell.value)}">{value}</td>'
                )
        out.append("</tr>")
    if not table.rows:
        out.append(
            f'\n<tr><td colspan="{len(table.headers)}" class="text-center text-muted">'
            f"{escape(texts['empty'])}</td></tr>"
        )
    out.append("\n</tbody>")
    if table.total:
        out.append('\n<tfoot>\n<tr class="fw-bold">')
        for i, cell in enumerate(table.total):
            if i == 0:
                out.append(f'<th scope="row">{escape(cell.value)}</th>')
            else:
                value = cell_value(cell, query, links, texts)
                out.append(
                    f'<td class="text-end" data-total="{key}-{i}" '
                    f'data-value="{escape(cell.value)}">{value}</td>'
                )
        out.append("</tr>\n</tfoot>")
    out.append("\n</table>\n</div>")
    if table.note:
        out.append(f'\n<p class="small text-muted">{escape(table.note)}</p>')
    return Markup("".join(out))  # noqa: S704 (every text above is escaped)
