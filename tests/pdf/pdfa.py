"""A PDF/A check of what can be verified without a full validator (veraPDF needs Java
and its own download): ``pdfa_problems(data)`` lists every problem found, so a test
asserts the list is empty and reads why when it is not.

Checked (ISO 19005-3, level B, the parts that decide whether an archive can rely on it):

- the file header and its binary comment (four bytes above 127);
- no encryption (no /Encrypt in any trailer), a document /ID;
- XMP metadata on the catalog, of type /Metadata /XML, parsed as RDF, identifying
  pdfaid:part and pdfaid:conformance (also after an incremental update: signing);
- the document information dictionary agreeing with the XMP (title, producer);
- an output intent /GTS_PDFA1 whose DestOutputProfile is an ICC profile (its "acsp"
  signature, /N matching the profile's colour space);
- every font embedded (FontFile, FontFile2 or FontFile3; Type 3 fonts are drawn in
  the file), on every page, in form XObjects and annotation appearances;
- no transparency: no soft mask, no transparency group, no alpha below 1, no blend
  mode other than Normal (the PDF/A-1 rule; the certificates promise it to TCVN archives);
- no JavaScript and no launch actions.
"""

import io
import re
import xml.etree.ElementTree as ET

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
_ICC_SPACES = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _xmp_values(xml: bytes) -> dict[str, str]:
    """pdfaid:part/conformance, dc:title, pdf:Producer from the XMP packet, whether
    written as attributes or as elements of rdf:Description."""
    root = ET.fromstring(xml.strip().rstrip(b"\x00"))  # noqa: S314 (our own test PDFs)
    found: dict[str, str] = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for prefix, name in (
            ("pdfaid", "part"),
            ("pdfaid", "conformance"),
            ("pdf", "Producer"),
        ):
            key = f"{prefix}:{name}"
            tag = f"{{{NS[prefix]}}}{name}"
            if tag in description.attrib:
                found[key] = description.attrib[tag]
            element = description.find(tag)
            if element is not None and element.text:
                found[key] = element.text.strip()
        title = description.find("dc:title/rdf:Alt/rdf:li", NS)
        if title is not None:
            found["dc:title"] = title.text or ""
    return found


def _walk_resources(resources, seen: set, fonts: list, problems: list, where: str):
    """Fonts, extended graphics states and XObjects of a resource dictionary, through
    nested form XObjects."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject):
        return
    for font in (_resolve(resources.get("/Font")) or {}).values():
        fonts.append((where, _resolve(font)))
    for name, gs in (_resolve(resources.get("/ExtGState")) or {}).items():
        gs = _resolve(gs)
        smask = gs.get("/SMask")
        if smask is not None and _resolve(smask) != NameObject("/None"):
            problems.append(f"{where}: graphics state {name} has a soft mask (transparency)")
        for key in ("/CA", "/ca"):
            if key in gs and float(gs[key]) < 1:
                problems.append(f"{where}: graphics state {name} has {key} {gs[key]} < 1")
        blend = gs.get("/BM")
        if blend is not None and str(_resolve(blend)) not in ("/Normal", "/Compatible"):
            problems.append(f"{where}: graphics state {name} blends with {blend}")
    for name, xobject in (_resolve(resources.get("/XObject")) or {}).items():
        ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        if ref in seen:
            continue
        seen.add(ref)
        xobject = _resolve(xobject)
        if "/SMask" in xobject or xobject.get("/SMaskInData"):
            problems.append(f"{where}: image {name} has a soft mask (transparency)")
        if xobject.get("/Subtype") == "/Form":
            _check_group(xobject, problems, f"{where} form {name}")
            _walk_resources(xobject.get("/Resources"), seen, fonts, problems, f"{where}/{name}")


def _check_group(obj, problems, where):
    group = _resolve(obj.get("/Group"))
    if isinstance(group, DictionaryObject) and group.get("/S") == "/Transparency":
        problems.append(f"{where}: transparency group")


def _font_embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # its glyphs are content streams of the file
    if "/DescendantFonts" in font:
        font = _resolve(_resolve(font["/DescendantFonts"])[0])
    descriptor = _resolve(font.get("/FontDescriptor"))
    return isinstance(descriptor, DictionaryObject) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def pdfa_problems(data: bytes, *, part: str = "3", conformance: str = "B") -> list[str]:
    """Everything wrong with ``data`` as PDF/A-``part````conformance``; [] when none."""
    problems: list[str] = []
    if not re.match(rb"%PDF-\d\.\d\r?\n%[\x80-\xff]{4}", data):
        problems.append("header: no %PDF-n.m line followed by a binary comment of 4 bytes > 127")
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        problems.append("trailer: the file is encrypted")
    if "/ID" not in reader.trailer:
        problems.append("trailer: no document /ID")
    catalog = reader.trailer["/Root"]

    metadata = _resolve(catalog.get("/Metadata"))
    xmp: dict[str, str] = {}
    if metadata is None:
        problems.append("catalog: no XMP metadata")
    else:
        if metadata.get("/Type") != "/Metadata" or metadata.get("/Subtype") != "/XML":
            problems.append("metadata: not a /Metadata /XML stream")
        try:
            xmp = _xmp_values(metadata.get_data())
        except ET.ParseError as err:
            problems.append(f"metadata: the XMP packet is not XML ({err})")
        if xmp.get("pdfaid:part") != part:
            problems.append(f"metadata: pdfaid:part is {xmp.get('pdfaid:part')!r}, not {part!r}")
        if xmp.get("pdfaid:conformance") != conformance:
            problems.append(
                f"metadata: pdfaid:conformance is {xmp.get('pdfaid:conformance')!r}, "
                f"not {conformance!r}"
            )
    info = _resolve(reader.trailer.get("/Info")) or {}
    for key, xmp_key in (("/Title", "dc:title"), ("/Producer", "pdf:Producer")):
        if key in info and str(info[key]) != xmp.get(xmp_key):
            problems.append(f"info: {key} {info[key]!r} differs from XMP {xmp.get(xmp_key)!r}")

    intents = [_resolve(i) for i in _resolve(catalog.get("/OutputIntents")) or ArrayObject()]
    pdfa_intents = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa_intents:
        problems.append("catalog: no /GTS_PDFA1 output intent")
    for intent in pdfa_intents:
        profile = _resolve(intent.get("/DestOutputProfile"))
        if profile is None:
            problems.append("output intent: no DestOutputProfile")
            continue
        icc = profile.get_data()
        if icc[36:40] != b"acsp":
            problems.append("output intent: DestOutputProfile is not an ICC profile")
        elif _ICC_SPACES.get(icc[16:20]) != int(profile.get("/N", 0)):
            problems.append(f"output intent: /N {profile.get('/N')} for a {icc[16:20]!r} profile")

    names = _resolve(catalog.get("/Names")) or {}
    action = _resolve(catalog.get("/OpenAction"))
    if (
        "/JavaScript" in names
        or "/AA" in catalog
        or (isinstance(action, DictionaryObject) and action.get("/S") in ("/JavaScript", "/Launch"))
    ):
        problems.append("actions: JavaScript or launch actions")

    fonts: list = []
    seen: set = set()
    for number, page in enumerate(reader.pages, start=1):
        where = f"page {number}"
        _check_group(page, problems, where)
        _walk_resources(page.get("/Resources"), seen, fonts, problems, where)
        for annotation in _resolve(page.get("/Annots")) or []:
            appearance = _resolve(_resolve(annotation).get("/AP")) or {}
            normal = _resolve(appearance.get("/N"))
            if normal is not None and hasattr(normal, "get"):
                _walk_resources(normal.get("/Resources"), seen, fonts, problems, where)
    if not fonts:
        problems.append("fonts: no font at all (text drawn as paths cannot be searched)")
    for where, font in fonts:
        if not _font_embedded(font):
            problems.append(f"{where}: font {font.get('/BaseFont')} is not embedded")
    return problems
