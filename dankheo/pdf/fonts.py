"""TrueType faces for text the PDF writer sets itself (``pdf.compose``): glyphs and
advances from the font's cmap and hmtx, pair kerning from its GPOS "kern" feature (what
Pango applies for WeasyPrint, so a line is as wide and sits where WeasyPrint put it),
and subsets of the font program for embedding.

A subset keeps the glyph ids of the full font (the PDF maps CIDs to glyphs one to one),
holds only the glyphs used and their components, and drops hinting (instructions,
fpgm, prep, cvt): PDF viewers render unhinted outlines at print resolution anyway, and
what is left is a few kilobytes a face. The tables are parsed once per process
(``face(path)``); a subset costs well under a millisecond."""

import functools
import itertools
import struct
from pathlib import Path

from fontTools.ttLib import TTFont

# Tables a subset carries (glyph outlines and the metrics PDF consumers read).
_KEPT = ("head", "hhea", "maxp", "OS/2", "hmtx", "loca", "glyf", "post")
# Composite glyph flags (OpenType "glyf").
_ARG_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO, _INSTRUCTIONS = (
    0x1,
    0x8,
    0x20,
    0x40,
    0x80,
    0x100,
)


class Face:
    """One font file: shaping data and the raw tables for subsets."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        data = Path(path).read_bytes()
        font = TTFont(self.path, lazy=True)
        self.units = font["head"].unitsPerEm
        self.cmap = {code: font.getGlyphID(name) for code, name in font.getBestCmap().items()}
        self.chars: dict[int, str] = {}
        for code in sorted(self.cmap, reverse=True):
            self.chars[self.cmap[code]] = chr(code)  # the lowest code point wins
        order = font.getGlyphOrder()
        self.advances = [font["hmtx"].metrics[name][0] for name in order]
        self.kerning = _pair_kerning(font)
        self.ascent = font["hhea"].ascent / self.units
        self.descent = -font["hhea"].descent / self.units
        head = font["head"]
        self.bbox = [
            round(v * 1000 / self.units) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
        ]
        self.italic_angle = float(font["post"].italicAngle)
        self.cap_height = round(getattr(font["OS/2"], "sCapHeight", 0) * 1000 / self.units)
        self.postscript_name = font["name"].getDebugName(6) or Path(path).stem
        self.italic = bool(head.macStyle & 2) or self.italic_angle != 0
        self.num_glyphs = len(order)
        self.number_of_hmetrics = font["hhea"].numberOfHMetrics
        font.close()
        self.tables = _tables(data)
        long_loca = struct.unpack(">h", self.tables["head"][50:52])[0] == 1
        loca = self.tables["loca"]
        if long_loca:
            self.loca = struct.unpack(f">{self.num_glyphs + 1}L", loca[: 4 * (self.num_glyphs + 1)])
        else:
            self.loca = [
                2 * v
                for v in struct.unpack(
                    f">{self.num_glyphs + 1}H", loca[: 2 * (self.num_glyphs + 1)]
                )
            ]
        self._glyphs: dict[int, tuple[bytes, tuple[int, ...]]] = {}

    # --- shaping ------------------------------------------------------------------------

    def glyphs(self, text: str) -> list[int] | None:
        """The glyph ids of ``text`` (NFC), or None when the font lacks a character."""
        cmap = self.cmap
        out = []
        for ch in text:
            gid = cmap.get(ord(ch))
            if gid is None:
                return None
            out.append(gid)
        return out

    def char(self, gid: int) -> str:
        """The character a glyph stands for (for a ToUnicode map); U+FFFD if none."""
        return self.chars.get(gid, "\ufffd")

    def kerns(self, gids: list[int]) -> list[int]:
        """The kerning (font units) after each glyph but the last."""
        kerning = self.kerning
        return [kerning.get((a, b), 0) for a, b in itertools.pairwise(gids)]

    def width(self, gids: list[int], kerns: list[int]) -> int:
        """Advance of a shaped run in font units."""
        advances = self.advances
        return sum(advances[g] for g in gids) + sum(kerns)

    # --- subsets ------------------------------------------------------------------------

    def _glyph(self, gid: int) -> tuple[bytes, tuple[int, ...]]:
        """Glyph ``gid`` without instructions, and the glyph ids of its components."""
        found = self._glyphs.get(gid)
        if found is None:
            found = self._glyphs[gid] = _strip(
                self.tables["glyf"][self.loca[gid] : self.loca[gid + 1]]
            )
        return found

    def closure(self, gids) -> list[int]:
        """``gids``, .notdef and every component they use, sorted."""
        seen = {0}
        todo = list(gids)
        while todo:
            gid = todo.pop()
            if gid in seen or gid >= self.num_glyphs:
                continue
            seen.add(gid)
            todo.extend(self._glyph(gid)[1])
        return sorted(seen)

    def subset(self, gids) -> bytes:
        """A TrueType program with the glyphs ``gids`` (and their components) at their
        own ids; every other glyph empty and of zero advance."""
        used = self.closure(gids)
        lengths = [0] * self.num_glyphs
        parts = []
        for gid in used:  # sorted: the glyphs follow each other in id order
            data = self._glyph(gid)[0]
            lengths[gid] = len(data)  # long loca: no alignment needed
            parts.append(data)
        glyf = b"".join(parts)
        offsets = [0, *itertools.accumulate(lengths)]
        metrics = bytearray(
            4 * self.number_of_hmetrics + 2 * (self.num_glyphs - self.number_of_hmetrics)
        )
        original = self.tables["hmtx"]
        for gid in used:
            at = (
                4 * gid
                if gid < self.number_of_hmetrics
                else 4 * self.number_of_hmetrics + 2 * (gid - self.number_of_hmetrics)
            )
            size = 4 if gid < self.number_of_hmetrics else 2
            metrics[at : at + size] = original[at : at + size]
        head = bytearray(self.tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment: not needed inside a PDF
        head[50:52] = struct.pack(">h", 1)  # long loca
        post = bytearray(self.tables["post"][:32])
        post[0:4] = struct.pack(">L", 0x00030000)  # no glyph names
        tables = {
            "head": bytes(head),
            "hhea": self.tables["hhea"],
            "maxp": self.tables["maxp"],
            "OS/2": self.tables["OS/2"],
            "hmtx": bytes(metrics),
            "loca": struct.pack(f">{len(offsets)}L", *offsets),
            "glyf": bytes(glyf),
            "post": bytes(post),
        }
        return _sfnt(tables)


@functools.lru_cache(maxsize=16)
def face(path: str) -> Face:
    """The face of a font file, parsed once per process."""
    return Face(path)


def _tables(data: bytes) -> dict[str, bytes]:
    count = struct.unpack(">H", data[4:6])[0]
    out = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sLLL", data[12 + 16 * i : 28 + 16 * i])
        name = tag.decode("latin-1")
        if name in _KEPT:
            out[name] = data[offset : offset + length]
    return out


def _strip(glyph: bytes) -> tuple[bytes, tuple[int, ...]]:
    """A glyph's outline without its hinting instructions, and its components."""
    if not glyph:
        return b"", ()
    contours = struct.unpack(">h", glyph[:2])[0]
    if contours >= 0:
        end = 10 + 2 * contours
        length = struct.unpack(">H", glyph[end : end + 2])[0]
        return glyph[:end] + b"\0\0" + glyph[end + 2 + length :], ()
    out = bytearray(glyph)
    at = 10
    components = []
    while True:
        flags, gid = struct.unpack(">HH", glyph[at : at + 4])
        components.append(gid)
        struct.pack_into(">H", out, at, flags & ~_INSTRUCTIONS)
        at += 4 + (4 if flags & _ARG_WORDS else 2)
        if flags & _SCALE:
            at += 2
        elif flags & _XY_SCALE:
            at += 4
        elif flags & _TWO_BY_TWO:
            at += 8
        if not flags & _MORE:
            break
    return bytes(out[:at]), tuple(components)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}L", padded)) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(
        ">LHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16
    )
    offset = 12 + 16 * count
    records = []
    body = bytearray()
    for tag in tags:
        data = tables[tag]
        records.append(
            struct.pack(
                ">4sLLL", tag.encode("latin-1"), _checksum(data), offset + len(body), len(data)
            )
        )
        body += data + b"\0" * (-len(data) % 4)
    return header + b"".join(records) + bytes(body)


def _pair_kerning(font: TTFont) -> dict[tuple[int, int], int]:
    """Horizontal pair adjustments (font units) of the GPOS "kern" feature, format 1 and
    2 pair positioning, first subtable that covers a pair winning (as in OpenType)."""
    pairs: dict[tuple[int, int], int] = {}
    if "GPOS" not in font:
        return pairs
    table = font["GPOS"].table
    ids = font.getReverseGlyphMap()
    lookups = sorted(
        {
            index
            for record in table.FeatureList.FeatureRecord
            if record.FeatureTag == "kern"
            for index in record.Feature.LookupListIndex
        }
    )
    for index in lookups:
        lookup = table.LookupList.Lookup[index]
        subtables = lookup.SubTable
        if lookup.LookupType == 9:
            subtables = [s.ExtSubTable for s in subtables]
        for sub in subtables:
            if getattr(sub, "LookupType", 2) != 2 and lookup.LookupType != 2:
                continue
            first_glyphs = sub.Coverage.glyphs
            if sub.Format == 1:
                for name, pair_set in zip(first_glyphs, sub.PairSet, strict=True):
                    a = ids[name]
                    for record in pair_set.PairValueRecord:
                        value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        pairs.setdefault((a, ids[record.SecondGlyph]), value)
            elif sub.Format == 2:
                class1 = sub.ClassDef1.classDefs if sub.ClassDef1 else {}
                class2 = sub.ClassDef2.classDefs if sub.ClassDef2 else {}
                seconds: dict[int, list[int]] = {}
                for name, cls in class2.items():
                    seconds.setdefault(cls, []).append(ids[name])
                for name in first_glyphs:
                    row = sub.Class1Record[class1.get(name, 0)]
                    a = ids[name]
                    for cls, record in enumerate(row.Class2Record):
                        value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        if value and cls in seconds:
                            for b in seconds[cls]:
                                pairs.setdefault((a, b), value)
    return {k: v for k, v in pairs.items() if v}
