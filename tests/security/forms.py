"""Reading a form as a browser would: the fields of a page's POST form and their current
values (selected options, checked boxes, text areas), so a test can submit it back with
one field replaced by something hostile."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action"), "fields": {}, "multi": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["multi"].setdefault(name, []).append(a.get("value", "y"))
                elif kind == "radio" and name not in self._form["multi"]:
                    self._form["multi"][name] = [a.get("value", "")]
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            if "multiple" in a:
                self._form["multi"].setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                self._choose(value)
            elif self._select_first is None and value not in ("", "0"):
                self._select_first = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._form.setdefault("buttons", {}).setdefault(name, a.get("value", ""))

    def _choose(self, value):
        multi = self._form["multi"]
        if self._select in multi:
            multi[self._select].append(value)
        else:
            self._form["fields"][self._select] = value
        self._select_chosen = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if self._form is not None and self._select not in self._form["multi"]:
                # A browser user picks a real option where the form offers "— Chọn —".
                chosen = self._form["fields"].get(self._select, "") if self._select_chosen else ""
                if chosen in ("", "0"):
                    self._form["fields"][self._select] = self._select_first or chosen
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form["fields"][self._textarea] = "".join(self._text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def post_forms(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_data(html: str, must_have: str) -> dict:
    """The values of the first POST form holding a field named ``must_have``, as a
    dict for the test client (lists for multi-valued fields)."""
    for form in post_forms(html):
        names = set(form["fields"]) | set(form["multi"])
        if must_have in names:
            data: dict = dict(form["fields"])
            data.update({k: v for k, v in form["multi"].items() if v})
            return data
    raise AssertionError(f"no POST form with a field {must_have!r} on the page")
