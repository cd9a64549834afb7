"""Long selects as search fields: a select that holds only the stored value(s) and the
matches of what the person typed, never the whole table (issue 14: a select capped at
2,000 initiatives erased links it did not list).

A feature registers a *source* (how to search its records in the signed-in user's scope,
and how to label given ids); a view calls ``prepare(field, source)`` after building its
form; ``render_field`` (templates/_macros/forms.html) then draws the select with a search
box and a "Tìm" button. Without JavaScript the button posts the form back and the page
comes again with the matches to choose from (nothing typed is lost, nothing is saved);
with JavaScript (static/js/app.js) the matches arrive from ``/lookup/<source>`` as the
person types. Validation accepts any id the source can label for that person, so a
stored value is always kept, however far down the table it lies."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import request
from wtforms.fields.choices import SelectChoice

# Matches shown at once: enough to pick from, few enough to read.
LIMIT = 50
LOOKUP_BUTTON = "lookup"


@dataclass(frozen=True)
class Source:
    """``search(user, query, limit)`` → [(value, label)] in the user's scope, best first;
    ``labels(user, values)`` → {value: label} of the values the user may choose. Values
    are the strings the form posts ("12", or "i:12" where a select mixes kinds)."""

    name: str
    search: Callable[..., list[tuple[int, str]]]
    labels: Callable[..., dict[int, str]]


_sources: dict[str, Source] = {}


def register(name: str, *, search: Callable, labels: Callable) -> Source:
    source = Source(name, search, labels)
    _sources[name] = source
    return source


def get(name: str) -> Source | None:
    return _sources.get(name)


@dataclass
class State:
    """What the template needs to draw a lookup field."""

    source: str
    query: str
    matches: int
    limit: int = LIMIT
    unknown: list[str] = field(default_factory=list)


def query_of(form_field) -> str:
    return (request.values.get(f"{form_field.name}-q") or "").strip()[:200]


def requested() -> bool:
    """The person pressed a "Tìm" button: show the matches, save nothing."""
    return request.method == "POST" and bool(request.form.get(LOOKUP_BUTTON))


def _current_values(data) -> list[str]:
    values = data if isinstance(data, list | tuple) else [data]
    out = []
    for value in values:
        text = "" if value is None else str(value)
        if text and text != "None" and len(text) <= 40 and text not in out:
            out.append(text)
    return out


def prepare(
    form_field,
    source_name: str,
    user,
    *,
    empty: tuple = (),
    exclude=(),
    stored=(),
    hidden_label: str = "",
) -> None:
    """Give ``form_field`` the choices of a lookup: ``empty`` ((value, label) pairs such
    as "— Không —"), the current value(s) with their labels, then the matches of the
    field's search text (or the first ones when nothing was typed).

    ``stored``: the record's saved value(s). One the person may not see is still offered
    (as ``hidden_label``) so that saving the form keeps it. A source with fewer than
    LIMIT records in the person's scope stays a plain select with all of them."""
    source = _sources[source_name]
    exclude = {str(v) for v in exclude}
    current = [v for v in _current_values(form_field.data) if v not in exclude]
    labels = source.labels(user, current) if current else {}
    kept = set(_current_values(list(stored) if isinstance(stored, list | tuple) else [stored]))
    for value in current:
        if value not in labels and value in kept:
            labels[value] = hidden_label or value
    query = query_of(form_field)
    matches = [m for m in source.search(user, query, LIMIT) if str(m[0]) not in exclude]
    seen = set(labels)
    choices = [SelectChoice(v, label) for v, label in empty]
    choices += [SelectChoice(i, labels[i]) for i in current if i in labels]
    choices += [SelectChoice(v, label) for v, label in matches if str(v) not in seen]
    form_field.choices = choices
    if query or len(matches) >= LIMIT:
        form_field.lookup = State(
            source=source_name,
            query=query,
            matches=len(matches),
            unknown=[i for i in current if i not in labels],
        )


def search(source_name: str, user, query: str) -> list[dict]:
    """Matches as the JSON the enhancement reads: [{"value", "label"}]."""
    source = _sources[source_name]
    return [
        {"value": str(v), "label": label}
        for v, label in source.search(user, (query or "").strip()[:200], LIMIT)
    ]
