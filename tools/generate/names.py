"""Vocabularies for plausible names and addresses per country.

Every string here is representable in Windows-1252, because the German customer extract is
written in that encoding (umlauts and French accents are, Polish or Czech letters are not).
"""

from __future__ import annotations

# fmt: off
#: (postal code, city) pairs; the street list is shared per language.
CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "DE": (
        ("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("50667", "Köln"),
        ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("40213", "Düsseldorf"),
        ("04109", "Leipzig"), ("01067", "Dresden"), ("30159", "Hannover"),
        ("90402", "Nürnberg"), ("28195", "Bremen"), ("44135", "Dortmund"), ("45127", "Essen"),
        ("68159", "Mannheim"), ("76133", "Karlsruhe"), ("48143", "Münster"), ("53111", "Bonn"),
        ("33602", "Bielefeld"), ("86150", "Augsburg"), ("65183", "Wiesbaden"),
        ("24103", "Kiel"), ("18055", "Rostock"), ("99084", "Erfurt"), ("93047", "Regensburg"),
        ("97070", "Würzburg"), ("89073", "Ulm"), ("37073", "Göttingen"),
        ("66111", "Saarbrücken"), ("79098", "Freiburg im Breisgau"),
    ),
    "AT": (
        ("1010", "Wien"), ("8010", "Graz"), ("4020", "Linz"), ("5020", "Salzburg"),
        ("6020", "Innsbruck"), ("9020", "Klagenfurt"), ("3100", "St. Pölten"),
        ("6900", "Bregenz"), ("4600", "Wels"), ("2700", "Wiener Neustadt"),
    ),
    "CH": (
        ("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("6003", "Luzern"),
        ("9000", "St. Gallen"), ("8400", "Winterthur"), ("5000", "Aarau"), ("7000", "Chur"),
    ),
    "CH-fr": (
        ("1204", "Genève"), ("1003", "Lausanne"), ("2000", "Neuchâtel"), ("1700", "Fribourg"),
    ),
    "FR": (
        ("75002", "Paris"), ("69002", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"),
        ("67000", "Strasbourg"), ("33000", "Bordeaux"), ("59000", "Lille"),
        ("44000", "Nantes"), ("68100", "Mulhouse"), ("57000", "Metz"),
    ),
    "NL": (
        ("1012 AB", "Amsterdam"), ("3011 AD", "Rotterdam"), ("2511 CV", "Den Haag"),
        ("3511 LX", "Utrecht"), ("5611 AZ", "Eindhoven"), ("9711 LM", "Groningen"),
        ("6811 AA", "Arnhem"), ("7511 JE", "Enschede"),
    ),
    "GB": (
        ("EC2V 7HH", "London"), ("M1 1AE", "Manchester"), ("B1 1BB", "Birmingham"),
        ("LS1 4AP", "Leeds"), ("BS1 4DJ", "Bristol"), ("G1 1XQ", "Glasgow"),
        ("NE1 7RU", "Newcastle upon Tyne"), ("L1 8JQ", "Liverpool"),
    ),
}

STREETS: dict[str, tuple[str, ...]] = {
    "de": (
        "Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gewerbepark", "Lindenallee",
        "Schillerstraße", "Goethestraße", "Am Großmarkt", "Mühlenweg", "Königsallee",
        "Hafenstraße", "Kirchgasse", "Gartenstraße", "Ringstraße", "Siemensstraße",
        "Daimlerstraße", "Fabrikstraße", "Schloßplatz", "Rosenweg", "Marktplatz",
    ),
    "fr": (
        "Rue de la République", "Avenue Jean Jaurès", "Rue Victor Hugo", "Boulevard Pasteur",
        "Rue du Commerce", "Place de la Gare", "Rue des Écoles", "Quai de la Marne",
    ),
    "nl": (
        "Kerkstraat", "Stationsweg", "Industrieweg", "Dorpsstraat", "Havenstraat", "Molenweg",
        "Nieuwstraat", "Marktplein",
    ),
    "en": (
        "High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane",
        "King Street", "Park Road", "Market Square",
    ),
}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "de": (
        "Thomas", "Andreas", "Stefan", "Michael", "Jürgen", "Jörg", "Sabine", "Petra",
        "Monika", "Ursula", "Claudia", "Katrin", "Lukas", "Jonas", "Leonie", "Sophie", "Björn",
        "Günter", "Hannelore", "Bärbel", "Max", "Emma", "Felix", "Anja", "Tobias", "Sören",
        "Jana",
    ),
    "fr": (
        "Jean", "Marie", "Pierre", "Sophie", "Luc", "Hélène", "François", "Chloé", "Émile",
    ),
    "nl": (
        "Jan", "Pieter", "Sanne", "Daan", "Femke", "Joost", "Anouk", "Bram", "Lotte",
    ),
    "en": (
        "James", "Oliver", "Emily", "Charlotte", "George", "Amelia", "Harry", "Sophie",
    ),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
        "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Köhler",
        "Maier", "Huber", "Gruber", "Weiß", "Jäger", "Vogel", "Günther", "Böhm", "Möller",
        "Brückner", "Kühn", "Groß", "Fuß", "Strauß", "Schüler", "Wörner", "Oßwald",
    ),
    "fr": (
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Lefèvre", "Girard", "Bonnet", "Dupont", "Lambert", "Rousseau",
        "Fontaine", "Chevalier", "Mercier", "Gauthier", "Bérard", "Lemaître",
    ),
    "nl": (
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
        "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
        "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    ),
    "en": (
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke",
    ),
}

#: Trade words combined with a surname or a place into a business name.
TRADES: dict[str, tuple[str, ...]] = {
    "de": (
        "Großhandel", "Baustoffe", "Elektrotechnik", "Haustechnik", "Metallbau", "Bürobedarf",
        "Gastronomiebedarf", "Werkzeuge", "Sanitär", "Holzhandel", "Landtechnik", "Feinkost",
        "Getränke", "Maschinenbau", "Logistik", "Druckerei", "Bäckereibedarf",
        "Möbelwerkstätten", "Kältetechnik", "Autoteile", "Fahrzeugbau", "Präzisionsteile",
        "Gebäudeservice",
    ),
    "fr": (
        "Distribution", "Matériaux", "Équipements", "Négoce", "Industrie", "Fournitures",
        "Électricité", "Bâtiment",
    ),
    "nl": (
        "Groothandel", "Techniek", "Bouwmaterialen", "Installaties", "Handel", "Logistiek",
    ),
    "en": (
        "Supplies", "Engineering", "Trading", "Wholesale", "Components", "Distribution",
    ),
}

LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "DE": (
        "GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "KG", "AG", "e.K.", "OHG",
        "UG (haftungsbeschränkt)",
    ),
    "AT": (
        "GmbH", "GmbH", "KG", "GesmbH", "AG", "OG",
    ),
    "CH": (
        "AG", "AG", "GmbH",
    ),
    "CH-fr": (
        "SA", "Sàrl",
    ),
    "FR": (
        "SARL", "SAS", "SA", "EURL",
    ),
    "NL": (
        "B.V.", "B.V.", "N.V.", "V.O.F.",
    ),
    "GB": (
        "Ltd", "Ltd", "Limited", "PLC", "LLP",
    ),
}

MAIL_DOMAINS_B2C: dict[str, tuple[str, ...]] = {
    "DE": (
        "web.de", "gmx.de", "t-online.de", "gmail.com",
    ),
    "AT": (
        "gmx.at", "aon.at", "gmail.com",
    ),
    "CH": (
        "bluewin.ch", "gmx.ch", "gmail.com",
    ),
    "FR": (
        "orange.fr", "free.fr", "gmail.com",
    ),
    "NL": (
        "ziggo.nl", "kpnmail.nl", "gmail.com",
    ),
    "GB": (
        "btinternet.com", "outlook.com", "gmail.com",
    ),
}

TOP_LEVEL_DOMAIN = {"DE": "de", "AT": "at", "CH": "ch", "FR": "fr", "NL": "nl", "GB": "co.uk"}

ACCOUNTS_MAILBOX: dict[str, tuple[str, ...]] = {
    "de": (
        "buchhaltung", "rechnungswesen", "kreditoren", "info",
    ),
    "fr": (
        "comptabilite", "factures", "contact",
    ),
    "nl": (
        "administratie", "facturen", "info",
    ),
    "en": (
        "accounts", "accounts.payable", "finance",
    ),
}

PHONE_PREFIX: dict[str, tuple[str, ...]] = {
    "DE": (
        "+49 30", "+49 40", "+49 89", "+49 221", "+49 69", "+49 711", "+49 341",
    ),
    "AT": (
        "+43 1", "+43 316", "+43 732", "+43 662",
    ),
    "CH": (
        "+41 44", "+41 31", "+41 61", "+41 22", "+41 21",
    ),
    "FR": (
        "+33 1", "+33 4", "+33 3", "+33 5",
    ),
    "NL": (
        "+31 20", "+31 10", "+31 70", "+31 30",
    ),
    "GB": (
        "+44 20", "+44 161", "+44 121", "+44 113",
    ),
}
# fmt: on

#: Transliteration used where a channel only carries the SWIFT character set (MT940).
_ASCII = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "ê": "e",
        "ë": "e",
        "É": "E",
        "È": "E",
        "à": "a",
        "â": "a",
        "ç": "c",
        "ô": "o",
        "î": "i",
        "ï": "i",
        "û": "u",
        "ù": "u",
        "&": "+",
        "@": "(at)",
        "_": "-",
        ";": ",",
        "!": ".",
        "*": ".",
        "#": " ",
        '"': "'",
    }
)

_SWIFT_ALLOWED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ "
)


def swift_text(text: str) -> str:
    """``text`` reduced to the SWIFT x character set (umlauts spelt out), without '?'."""
    converted = text.translate(_ASCII)
    return "".join(ch if ch in _SWIFT_ALLOWED and ch != "?" else " " for ch in converted)


def ascii_slug(text: str) -> str:
    """A lower-case mail/domain-friendly form of a name ("Müller & Söhne" -> "mueller-soehne")."""
    converted = text.translate(_ASCII).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in converted).split()
    return "-".join(words)
