"""Reading a PDF's objects as bytes, for copying them into another PDF without parsing
them into Python objects (``pdf.merge.write_concatenated``: the batch print).

``RawPdf`` reads the cross-reference (tables and streams, following /Prev through
incremental updates such as a signature), the object streams, and gives each object's
bytes: its value, and for a stream the still-encoded data. ``references`` and
``renumber`` find and rewrite the "n g R" references of a value; literal and hex strings
are skipped, so a reference-like text inside a string stays text. Only what a copy
needs is parsed: dictionaries are split into top-level entries on demand (page
dictionaries, fonts), everything else is moved as it is.

``RawPdf`` raises ``BadPdf`` on anything it does not understand; the caller then copies
that file with pypdf."""

import re
import zlib

_REFERENCE = rb"(\d+)\s+(\d+)\s+R(?![A-Za-z])"
# A literal string (one level of nested parentheses), a hex string, a comment, or a
# reference: strings and comments are matched so that nothing inside them is taken for
# a reference.
_SCAN = re.compile(
    rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|<(?!<)[0-9A-Fa-f\s]*>|%[^\r\n]*|" + _REFERENCE,
    re.S,
)
_OBJ = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_STREAM = re.compile(rb"\s*stream(\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R(?![A-Za-z]))?")
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_DELIMITER = re.compile(rb"<<|>>|\[|\]|\(|<|/|%")


class BadPdf(ValueError):
    """The file is not a PDF this reader can copy."""


def references(value: bytes) -> list[int]:
    """Object numbers referenced in ``value`` (outside strings and comments)."""
    return [int(m.group(1)) for m in _SCAN.finditer(value) if m.group(1) is not None]


def renumber(value: bytes, mapping) -> bytes:
    """``value`` with each reference "n g R" replaced by "mapping(n) 0 R"."""

    def swap(match: re.Match) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        return b"%d 0 R" % mapping(int(match.group(1)))

    return _SCAN.sub(swap, value)


def _skip_string(data: bytes, at: int) -> int:
    """The index after the literal string starting at ``data[at] == '('``."""
    depth = 0
    while at < len(data):
        ch = data[at]
        if ch == 0x5C:  # backslash
            at += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    raise BadPdf("unterminated string")


def value_end(data: bytes, at: int) -> int:
    """The end of the dictionary or array starting at ``at`` (``<<`` or ``[``)."""
    depth = 0
    while True:
        match = _DELIMITER.search(data, at)
        if match is None:
            raise BadPdf("unterminated value")
        token = match.group(0)
        at = match.end()
        if token in (b"<<", b"["):
            depth += 1
        elif token in (b">>", b"]"):
            depth -= 1
            if depth == 0:
                return at
        elif token == b"(":
            at = _skip_string(data, match.start())
        elif token == b"<":
            close = data.find(b">", at)
            if close < 0:
                raise BadPdf("unterminated hex string")
            at = close + 1
        elif token == b"%":
            newline = re.compile(rb"[\r\n]").search(data, at)
            at = newline.end() if newline else len(data)
        elif token == b"/":
            at = _NAME.match(data, match.start()).end()


def entries(dictionary: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level (key, value) pairs of a dictionary's bytes ``<< … >>``."""
    out = []
    at = dictionary.index(b"<<") + 2
    end = dictionary.rindex(b">>")
    while True:
        key = _NAME.search(dictionary, at, end)
        if key is None:
            return out
        start = key.end()
        value_start = start
        while value_start < end and dictionary[value_start] in b" \t\r\n\x0c\x00":
            value_start += 1
        ch = dictionary[value_start : value_start + 2]
        if ch.startswith(b"<<") or ch.startswith(b"["):
            stop = value_end(dictionary, value_start)
        elif ch.startswith(b"("):
            stop = _skip_string(dictionary, value_start)
        elif ch.startswith(b"<"):
            stop = dictionary.index(b">", value_start) + 1
        elif ch.startswith(b"/"):
            stop = _NAME.match(dictionary, value_start).end()
        else:
            ref = re.compile(rb"\d+\s+\d+\s+R(?![A-Za-z])|[^\s/<>\[\]()%]+").match(
                dictionary, value_start, end
            )
            if ref is None:
                raise BadPdf("bad dictionary value")
            stop = ref.end()
        out.append((key.group(0), dictionary[value_start:stop]))
        at = stop


_SIMPLE = (
    rb"(?![^\s/<>\[\]()%{}])\s*"
    rb"(\d+\s+\d+\s+R(?![A-Za-z])|/[^\s/<>\[\]()%{}]*|[-+.\d]+|\[[^\[\]()<>]*\])"
)
_KEYS: dict[bytes, re.Pattern] = {}
_PLAIN_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.S)


def get(dictionary: bytes, key: bytes) -> bytes | None:
    """The value of ``key`` at the top level of ``dictionary``. A simple value (number,
    name, reference, flat array) is found by one search, with strings masked so their
    text counts for nothing; other values by ``entries``."""
    pattern = _KEYS.get(key)
    if pattern is None:
        pattern = _KEYS[key] = re.compile(re.escape(key) + _SIMPLE)
    masked, strings = dictionary, 0
    if b"(" in dictionary:
        masked, strings = _PLAIN_STRING.subn(
            lambda m: b"(" + b"_" * (len(m.group(0)) - 2) + b")", dictionary
        )
    if masked.count(b"(") == strings:  # every string masked (none nested)
        for match in pattern.finditer(masked):
            before = masked[: match.start()]
            depth = before.count(b"<<") - before.count(b">>")
            if depth == 1 and before.count(b"[") == before.count(b"]"):
                return dictionary[match.start(1) : match.end(1)]
    for name, value in entries(dictionary):
        if name == key:
            return value
    return None


def reference(value: bytes | None) -> int | None:
    match = re.fullmatch(_REFERENCE, value.strip()) if value else None
    return int(match.group(1)) if match else None


class RawPdf:
    """The objects of one PDF file, read lazily from its bytes."""

    def __init__(self, data: bytes):
        if not data.startswith(b"%PDF-"):
            raise BadPdf("no PDF header")
        self.data = data
        self.where: dict[int, tuple] = {}  # number -> ("at", offset) | ("in", stream, index)
        self.trailer = b""
        self._streams: dict[int, list[bytes]] = {}
        found = list(_STARTXREF.finditer(data, max(0, len(data) - 1024)))
        if not found:
            raise BadPdf("no startxref")
        at = int(found[-1].group(1))
        seen = set()
        while at is not None and at not in seen:
            seen.add(at)
            at = self._section(at)

    # --- cross-reference ---------------------------------------------------------------

    def _section(self, at: int) -> int | None:
        data = self.data
        if data.startswith(b"xref", at):
            match = re.compile(rb"xref\s*").match(data, at)
            at = match.end()
            header = re.compile(rb"(\d+)\s+(\d+)\s*")
            while True:
                sub = header.match(data, at)
                if sub is None:
                    break
                first, count = int(sub.group(1)), int(sub.group(2))
                at = sub.end()
                for i in range(count):
                    row = data[at : at + 20]
                    at += 20
                    if row[17:18] == b"n":
                        self.where.setdefault(first + i, ("at", int(row[:10])))
                    else:
                        self.where.setdefault(first + i, ("free",))
            start = data.index(b"trailer", at)
            dictionary = data[data.index(b"<<", start) : value_end(data, data.index(b"<<", start))]
        else:
            match = _OBJ.match(data, at)
            if match is None:
                raise BadPdf("no cross-reference at startxref")
            dictionary, stream = self._read_at(match.start())
            if get(dictionary, b"/Type") != b"/XRef":
                raise BadPdf("not a cross-reference stream")
            self._xref_stream(dictionary, decode(dictionary, stream))
        if not self.trailer:
            self.trailer = dictionary
        if get(dictionary, b"/XRefStm") is not None or get(dictionary, b"/Encrypt") is not None:
            raise BadPdf("hybrid or encrypted file")
        prev = get(dictionary, b"/Prev")
        return int(prev) if prev else None

    def _xref_stream(self, dictionary: bytes, rows: bytes) -> None:
        widths = [int(v) for v in get(dictionary, b"/W").strip(b"[] \n").split()]
        size = int(get(dictionary, b"/Size"))
        index = get(dictionary, b"/Index")
        ranges = [int(v) for v in index.strip(b"[] \n").split()] if index else [0, size]
        step = sum(widths)
        at = 0
        for first, count in zip(ranges[::2], ranges[1::2], strict=True):
            for number in range(first, first + count):
                fields = []
                offset = at
                for width in widths:
                    fields.append(int.from_bytes(rows[offset : offset + width], "big"))
                    offset += width
                at += step
                kind = fields[0] if widths[0] else 1
                if kind == 1:
                    self.where.setdefault(number, ("at", fields[1]))
                elif kind == 2:
                    self.where.setdefault(number, ("in", fields[1], fields[2]))
                else:
                    self.where.setdefault(number, ("free",))

    # --- objects ----------------------------------------------------------------------

    def _read_at(self, at: int) -> tuple[bytes, bytes | None]:
        """The value of the object at offset ``at`` and its stream data (encoded)."""
        data = self.data
        match = _OBJ.match(data, at)
        if match is None:
            raise BadPdf(f"no object at {at}")
        start = match.end()
        while data[start] in b" \t\r\n\x0c\x00":
            start += 1
        if data.startswith(b"<<", start):
            # The keyword "stream" comes before the data and after the dictionary; a
            # dictionary holding a string (which could spell it) is read token by token.
            keyword = data.find(b"stream", start)
            closing = data.find(b"endobj", start)
            if 0 <= keyword < closing and b"(" not in data[start:keyword]:
                end = data.rindex(b">>", start, keyword) + 2
            else:
                end = value_end(data, start)
            value = data[start:end]
            stream = _STREAM.match(data, end)
            if stream is not None:
                length = _LENGTH.search(value)
                if length is None:
                    raise BadPdf("stream without /Length")
                if length.group(2) is not None:
                    size = int(self.value(int(length.group(1))).strip())
                else:
                    size = int(length.group(1))
                begin = stream.end()
                return value, data[begin : begin + size]
            return value, None
        end = data.index(b"endobj", start)
        return data[start:end].rstrip(), None

    def _object_stream(self, number: int) -> list[bytes]:
        found = self._streams.get(number)
        if found is None:
            dictionary, stream = self.get(number)
            data = decode(dictionary, stream)
            count = int(get(dictionary, b"/N"))
            first = int(get(dictionary, b"/First"))
            numbers = [int(v) for v in data[:first].split()]
            offsets = [first + numbers[2 * i + 1] for i in range(count)] + [len(data)]
            found = [data[offsets[i] : offsets[i + 1]].strip() for i in range(count)]
            self._streams[number] = found
        return found

    def get(self, number: int) -> tuple[bytes, bytes | None]:
        """Object ``number``: its value and, for a stream, the encoded data."""
        where = self.where.get(number)
        if where is None or where[0] == "free":
            return b"null", None
        if where[0] == "at":
            return self._read_at(where[1])
        return self._object_stream(where[1])[where[2]], None

    def value(self, number: int) -> bytes:
        return self.get(number)[0]

    def pages(self) -> list[tuple[int, dict[bytes, bytes]]]:
        """The page objects in order, each with the attributes it inherits."""
        root = reference(get(self.trailer, b"/Root"))
        if root is None:
            raise BadPdf("no /Root")
        top = reference(get(self.value(root), b"/Pages"))
        out: list[tuple[int, dict[bytes, bytes]]] = []
        self._walk(top, {}, out, set())
        return out

    def _walk(self, number, inherited: dict, out: list, seen: set) -> None:
        if number is None or number in seen:
            raise BadPdf("bad page tree")
        seen.add(number)
        node = self.value(number)
        items = dict(entries(node))
        if items.get(b"/Type") == b"/Page" or b"/Kids" not in items:
            out.append((number, inherited))
            return
        passed = dict(inherited)
        for key in (b"/Resources", b"/MediaBox", b"/CropBox", b"/Rotate"):
            if key in items:
                passed[key] = items[key]
        for kid in references(items[b"/Kids"]):
            self._walk(kid, passed, out, seen)


def decode(dictionary: bytes, stream: bytes | None) -> bytes:
    """A stream's data with its FlateDecode filter undone (PNG predictors included)."""
    if stream is None:
        raise BadPdf("not a stream")
    filters = get(dictionary, b"/Filter")
    if filters is None:
        return stream
    if filters.strip(b"[] \n") != b"/FlateDecode":
        raise BadPdf(f"filter {filters!r}")
    data = zlib.decompress(stream)
    parms = get(dictionary, b"/DecodeParms")
    if parms is None or b"/Predictor" not in parms:
        return data
    predictor = int(get(parms, b"/Predictor"))
    if predictor < 10:
        return data
    columns = int(get(parms, b"/Columns") or 1)
    return _unpredict(data, columns)


def _unpredict(data: bytes, columns: int) -> bytes:
    """PNG "up"/"sub"/"none" predictors of a cross-reference stream."""
    out = bytearray()
    previous = bytearray(columns)
    for at in range(0, len(data), columns + 1):
        kind = data[at]
        row = bytearray(data[at + 1 : at + 1 + columns])
        if kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=False))
        elif kind == 1:
            for i in range(1, len(row)):
                row[i] = (row[i] + row[i - 1]) & 0xFF
        elif kind != 0:
            raise BadPdf(f"PNG predictor {kind}")
        out += row
        previous = row
    return bytes(out)
