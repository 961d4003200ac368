"""The ``:86:`` "Mehrzweckfeld" of German MT940 files, and plain-text ``:86:`` of other banks.

German banks (DFÜ-Abkommen, Anlage 3) structure ``:86:`` as a three-digit business
transaction code (GVC) followed by subfields, each introduced by a separator (usually ``?``;
it is the character right after the GVC) and two digits::

    166?00GUTSCHRIFT?100399?20EREF+TFNR 0300300004?21SVWZ+Strukturier
    ter Verwend?22ungszweck 30030004 DE?30DRESDEFF508?31DE03508800500
    194791600?32Quentin Quast?34000

    ?00 posting text (Buchungstext)   ?10 prima nota          ?20-?29, ?60-?63 purpose
    ?30 BLZ/BIC of the counterparty    ?31 account or IBAN     ?32-?33 counterparty name
    ?34 text key extension (the SEPA return reason on returns) ?38 IBAN (some banks)

We parse this ourselves instead of using ``mt940.processors.transaction_details_post_processor``
because that processor (mt-940 5.1) only knows the ``?`` separator, prepends ``?31`` to the
counterparty name unless an option is set, ignores ``?38``, concatenates purpose subfields with
no regard to how they were wrapped (``FirmaMustermann``) and lets an identifier such as EREF
run on into the next free text, drops free text in front of the first SEPA keyword, and cuts
details after nine 65-character chunks unless an option is set. None of that may change the
money-relevant fields we load (end-to-end id, remittance text, counterparty).

Lines are joined before subfields are split, because banks wrap lines at 65 characters
anywhere, also inside a subfield marker (``?2`` / ``2MTLG``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import iso11649

#: Width of one ``?2x``/``?6x`` purpose subfield and one ``?32``/``?33`` name subfield.
SUBFIELD_WIDTH = 27
#: Width of one MT940 line; plain-text details are wrapped there.
LINE_WIDTH = 65

#: SEPA keywords inside the purpose (DK "SEPA-Verwendungszweck" structure: keyword + ``+``).
SEPA_KEYWORDS = (
    "EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC",
    "PURP", "MDAT", "SQTP", "ORCR", "ORMR", "DDAT", "COAM", "OAMT", "BREF", "RREF",
)  # fmt: skip
#: Keywords whose value is free text; all others are identifiers, which end where their
#: subfield ends (see :func:`split_keywords`).
TEXT_KEYWORDS = frozenset({"SVWZ", "ABWA", "ABWE"})
_KEYWORD_RE = re.compile(r"(" + "|".join(SEPA_KEYWORDS) + r")\+")
#: Marks where a SEPA purpose subfield ended before it was full: the end of an identifier's
#: value. Control characters never reach this module (they are removed on decoding).
_BOUNDARY = "\x1e"
_TOKEN_RE = re.compile(_BOUNDARY + "|" + _KEYWORD_RE.pattern)
#: What banks write into EREF when the payer gave no end-to-end id.
_NO_END_TO_END = frozenset({"", "NOTPROVIDED", "NONREF"})
#: A structured ``:86:``: GVC, a separator that is neither letter, digit nor space, two digits.
_STRUCTURED_RE = re.compile(r"^(\d{3})([^0-9A-Za-z\s])\d{2}")
#: Subfields of the DFÜ structure.
_KNOWN_SUBFIELDS = frozenset(
    {"00", "10", *(str(n) for n in range(20, 35)), "38", "60", "61", "62", "63"}
)
#: GVC 999 means "unstructured": the text after the code is free text.
_UNSTRUCTURED_GVC = "999"
_IBAN_SHAPE_RE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_RF_RE = re.compile(r"RF\d{2}(?: ?[0-9A-Z]){1,21}", re.IGNORECASE)


@dataclass
class Details:
    """What one ``:86:`` says, with the SEPA keywords already split out."""

    gvc: str | None = None
    posting_text: str | None = None  # ?00
    prima_nota: str | None = None  # ?10
    purpose: str = ""  # ?20-?29 and ?60-?63 joined as the bank wrapped them
    keywords: dict[str, str] = field(default_factory=dict)  # "EREF" -> value
    counterparty_bank: str | None = None  # ?30 (BLZ or BIC)
    counterparty_account: str | None = None  # ?31 (account number or IBAN)
    counterparty_name: str | None = None  # ?32 + ?33
    text_key_extension: str | None = None  # ?34
    counterparty_iban_field: str | None = None  # ?38
    structured: bool = False
    other_subfields: dict[str, str] = field(default_factory=dict)

    @property
    def end_to_end_id(self) -> str | None:
        """EREF, unless the payer provided none (``NOTPROVIDED``)."""
        value = collapse(self.keywords.get("EREF", ""))
        return None if value.upper().replace(" ", "") in _NO_END_TO_END else value

    @property
    def remittance_text(self) -> str | None:
        """The SVWZ text when there is one, else the whole purpose; whitespace collapsed."""
        text = collapse(self.keywords.get("SVWZ", "")) or collapse(self.purpose)
        return text or None

    @property
    def counterparty_iban(self) -> str | None:
        """?31 when it holds an IBAN, else ?38, else the IBAN+ keyword; kept as the bank gave it.

        Only the shape is checked, not the checksum: a typo at the payer's bank is no reason
        to lose the payer's account, and the camt parser keeps payer IBANs as given, too.
        """
        for candidate in (
            self.counterparty_account,
            self.counterparty_iban_field,
            self.keywords.get("IBAN"),
        ):
            iban = iban_or_none(candidate)
            if iban:
                return iban
        return None


def collapse(text: str | None) -> str:
    """Whitespace runs (line breaks, padding, tabs) collapsed to single spaces."""
    return " ".join((text or "").split())


def iban_or_none(text: str | None) -> str | None:
    """``text`` without spaces, upper-cased, if it has the shape of an IBAN; else None."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return compact if _IBAN_SHAPE_RE.match(compact) else None


# --------------------------------------------------------------------------- joining


def continues_word(previous: str, following: str, width: int) -> bool:
    """Whether ``following`` continues the word ``previous`` was cut in.

    Only a full piece (``width`` characters) can have been cut inside a word, and only a cut
    between two letters that read as one word (``AUSLANDSEINSATZE|NTGELT``) is taken as one:
    not before a capital after a small letter (``Rechnung|Nr``), nor next to a digit or
    punctuation (``19.03.2010|Anzahl``), where a word boundary is the likelier reading.
    """
    if len(previous) < width or not previous or not following:
        return False
    last, first = previous[-1], following[0]
    if not (last.isalpha() and first.isalpha()):
        return False
    return not (last.islower() and first.isupper())


def join_wrapped(parts: list[str], width: int | list[int]) -> str:
    """Join the pieces of a free text that a bank cut into fields or lines of ``width``.

    ``width`` is one width for all pieces or one per piece (the first line of a tag is
    shorter by the tag itself). Pieces are joined with a space unless :func:`continues_word`.
    """
    widths = width if isinstance(width, list) else [width] * len(parts)
    out = ""
    for i, part in enumerate(parts):
        if i and not continues_word(parts[i - 1], part, widths[i - 1]):
            out += " "
        out += part
    return out


def _next_purpose_subfield(number: int) -> int:
    """The subfield that continues ``number``: ?20 ... ?29, then ?60 ... ?63."""
    return 60 if number == 29 else number + 1


def join_purpose(pieces: list[tuple[int, str]]) -> str:
    """The Verwendungszweck from its ``(subfield number, text)`` pieces.

    With SEPA keywords, the SEPA text was cut mechanically into pieces of up to 27
    characters, mid-word and even mid-keyword (``S?25VWZ+``): the pieces are concatenated
    without a separator. Where a piece ended before it was full, or the next piece is not the
    next subfield (``?20`` then ``?60``), ``_BOUNDARY`` is left in the result: banks start
    each keyword in a new subfield, so an identifier (EREF, MREF...) ends there, see
    :func:`split_keywords` and :func:`render_purpose`.

    Without keywords (pre-SEPA texts) a subfield is usually a line its writer ended: the
    pieces are joined as :func:`join_wrapped` says.
    """
    texts = [text for _, text in pieces]
    if _KEYWORD_RE.search("".join(texts)) is None:
        return join_wrapped(texts, SUBFIELD_WIDTH)
    out = ""
    for i, (number, text) in enumerate(pieces):
        if i:
            previous_number, previous = pieces[i - 1]
            consecutive = number == _next_purpose_subfield(previous_number)
            if not consecutive or len(previous) < SUBFIELD_WIDTH:
                out += _BOUNDARY
        out += text
    return out


def split_keywords(marked: str) -> dict[str, str]:
    """``EREF+a SVWZ+b`` -> {"EREF": "a ", "SVWZ": "b"}; text before the first keyword is
    kept under ``""``. A keyword given twice keeps its first value.

    ``marked`` is :func:`join_purpose`'s result. An identifier (EREF, MREF...) ends at the
    first boundary mark, so that free text a bank put after it in the next subfield
    (``MTLG:Grund nicht spezifiziert``) does not become part of the end-to-end id; text
    keywords (SVWZ, ABWA, ABWE) run on.
    """
    result: dict[str, str] = {}
    matches = list(_KEYWORD_RE.finditer(marked))
    if not matches:
        return result
    if matches[0].start() > 0:
        result[""] = marked[: matches[0].start()].replace(_BOUNDARY, "")
    for i, match in enumerate(matches):
        keyword = match.group(1)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(marked)
        value = marked[match.end() : end]
        if keyword not in TEXT_KEYWORDS:
            value = value.split(_BOUNDARY, 1)[0]
        result.setdefault(keyword, value.replace(_BOUNDARY, ""))
    return result


def render_purpose(marked: str) -> str:
    """The purpose as text: a space where an identifier ended (at its boundary mark) and in
    front of a keyword glued to the text before it (``PAYPALMREF+``); other marks vanish."""
    out = ""
    in_identifier = False
    position = 0
    for token in _TOKEN_RE.finditer(marked):
        out += marked[position : token.start()]
        position = token.end()
        if token.group(0) == _BOUNDARY:
            if in_identifier:
                out += " "
            in_identifier = False
            continue
        if out and not out[-1].isspace():
            out += " "
        out += token.group(0)
        in_identifier = token.group(1) not in TEXT_KEYWORDS
    return out + marked[position:]


# --------------------------------------------------------------------------- parsing


def parse_details(lines: list[str], first_line_width: int = LINE_WIDTH - len(":86:")) -> Details:
    """Parse the raw lines of one ``:86:`` (line breaks are not content, wrapping is arbitrary).

    ``lines`` are the tag's lines as in the file, without the tag itself on the first one,
    trailing spaces kept (they may be content that happened to fall at the end of a line).
    """
    joined = "".join(lines).strip()
    match = _STRUCTURED_RE.match(joined)
    if match is None or not _is_structured(joined, match.group(2)):
        return _plain_details(lines, first_line_width)
    return _structured_details(joined, gvc=match.group(1), separator=match.group(2))


def _is_structured(joined: str, separator: str) -> bool:
    """``?`` after the GVC is the German structure. Another separator (Triodos writes ``>``)
    must introduce at least two known subfields, so that free text such as ``100,00 EUR
    Miete`` is not taken apart at ``,00``."""
    if separator == "?":
        return True
    keys = re.findall(re.escape(separator) + r"(\d{2})", joined)
    return sum(1 for key in keys if key in _KNOWN_SUBFIELDS) >= 2


def _plain_details(lines: list[str], first_line_width: int) -> Details:
    """Free-text ``:86:`` (Dutch, Polish, Swiss banks...): the text is the remittance."""
    widths = [first_line_width] + [LINE_WIDTH] * (len(lines) - 1)
    kept = [(line, width) for line, width in zip(lines, widths, strict=True) if line.strip()]
    text = join_wrapped([line for line, _ in kept], [width for _, width in kept]).strip()
    gvc = None
    head = re.match(r"^(\d{3})(?=[A-Za-z])", text)
    if head and head.group(1) == _UNSTRUCTURED_GVC:
        gvc, text = head.group(1), text[3:]
    return Details(gvc=gvc, purpose=text)


def split_subfields(body: str, separator: str) -> list[tuple[str, str]]:
    """``?00abc?10def`` -> [("00", "abc"), ("10", "def")].

    A separator not followed by two digits is text (``Sentinel?``).
    """
    pieces = re.split(re.escape(separator) + r"(\d{2})", body)
    # pieces: [text before the first marker, key, value, key, value, ...]
    return list(zip(pieces[1::2], pieces[2::2], strict=True))


def _structured_details(joined: str, *, gvc: str, separator: str) -> Details:
    details = Details(gvc=gvc, structured=True)
    purpose: list[tuple[int, str]] = []
    names: list[str] = []
    single = {
        "00": "posting_text",
        "10": "prima_nota",
        "30": "counterparty_bank",
        "31": "counterparty_account",
        "34": "text_key_extension",
        "38": "counterparty_iban_field",
    }
    for key, value in split_subfields(joined[len(gvc) :], separator):
        number = int(key)
        if 20 <= number <= 29 or 60 <= number <= 63:
            purpose.append((number, value))
        elif key in ("32", "33"):
            names.append(value)
        elif key in single:
            setattr(details, single[key], collapse(value) or None)
        else:
            details.other_subfields[key] = value
    # ?60-?63 continue ?29 wherever they stand in the field.
    purpose.sort(key=lambda piece: piece[0] >= 60)
    marked = join_purpose(purpose)
    details.purpose = render_purpose(marked)
    details.keywords = split_keywords(marked)
    details.counterparty_name = collapse(join_wrapped(names, SUBFIELD_WIDTH)) or None
    return details


def find_creditor_reference(text: str | None) -> str | None:
    """The first valid ISO 11649 creditor reference (``RF18 5390 0754 7034``) in ``text``.

    Candidates may be printed in groups; the longest prefix that passes the check digits and
    ends at a group or word boundary wins, so a following word is not swallowed.
    """
    if not text:
        return None
    for match in _RF_RE.finditer(text):
        if match.start() > 0 and text[match.start() - 1].isalnum():
            continue
        candidate = match.group(0)
        at_word_end = match.end() == len(text) or not text[match.end()].isalnum()
        for end in range(len(candidate), 4, -1):
            boundary = candidate[end] == " " if end < len(candidate) else at_word_end
            compact = candidate[:end].replace(" ", "").upper()
            if boundary and iso11649.is_valid(compact):
                return compact
    return None
