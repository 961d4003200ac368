"""Parse untrusted XML (bank files from landing/) without letting the document act on us.

Bank files arrive from outside; an XML document may declare a DTD with entities that expand
exponentially ("billion laughs") or point at local files and URLs (XXE). No bank format we
accept needs a DTD, so a document that declares one is refused outright instead of being
parsed "carefully": the refusal is easy to explain to the user and leaves nothing to tune.
"""

from __future__ import annotations

from lxml import etree

from orchestration.ingest.errors import IngestError, fail

#: Declarations no camt / pain file needs, in every encoding a file may plausibly use.
_MARKERS = ("<!DOCTYPE", "<!ENTITY")
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_FORBIDDEN = tuple(marker.encode(enc) for marker in _MARKERS for enc in _ENCODINGS)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, reads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_pis=True,
    )


def _dtd_refusal(file_name: str) -> IngestError:
    return fail(
        file_name,
        "",
        "",
        "declares a DOCTYPE / entities; bank files never need one and it can be used for "
        "entity-expansion or external-entity (XXE) attacks, so the file is refused",
    )


def parse_untrusted_xml(data: bytes, file_name: str) -> etree._Element:
    """Return the root element of ``data``, or raise :class:`IngestError` with the reason.

    The raw bytes are checked for DTD / entity declarations before lxml sees them, and the
    parsed tree once more (document type, unresolved entity references), so neither a
    declaration hidden by an unusual encoding nor one lxml tolerates slips through.
    """
    if any(marker in data for marker in _FORBIDDEN):
        raise _dtd_refusal(file_name)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        location = f"line {exc.lineno}" if exc.lineno else ""
        raise fail(file_name, location, "", f"is not well-formed XML: {exc.msg}") from None
    except ValueError as exc:  # e.g. lxml refusing a unicode string with an encoding
        raise fail(file_name, "", "", f"cannot be read as XML: {exc}") from None
    if root is None:
        raise fail(file_name, "", "", "is empty, not an XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd_refusal(file_name)
    if any(True for _ in root.iter(etree.Entity)):
        raise _dtd_refusal(file_name)
    return root
