"""Hostile input: every reader, the CSV formats, ``--as-of``, names given to ``screen`` and query
parameters, fed generated malformed input. Each input is answered with a clear error (an
``InputError`` naming the file) or a correct result (triples the store accepts); nothing crashes,
a failed import writes nothing, and a name or parameter is bound as a term, never read as SPARQL.

The readers get ``EXPORTGRAPH_FUZZ_EXAMPLES`` inputs each (default 10,000). Hypothesis draws a seed
per input and a seeded generator (``Junk``) builds the file: random bytes, a valid fixture with
bytes flipped, inserted, cut or doubled, or a file of the reader's own format with wrong types,
NaN, huge numbers, deep nesting, control characters, lone surrogates, bad dates and unknown
countries in its fields. Building a file in plain Python keeps ten thousand of them per reader
within the test run's time; hypothesis keeps the runs reproducible (derandomised) and reports the
seed and the file of a failure. Dates and names are drawn by hypothesis's own strategies.

The other sections are modules of their own, so that ``--dist loadfile`` spreads them over the
two workers: a malformed file imports nothing and bound parameters in ``test_fuzz_inputs.py``,
dates and names given to ``screen`` in ``test_fuzz_names.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from exportgraph import ExportGraph
from exportgraph.check import COLUMNS
from exportgraph.cli import main
from exportgraph.errors import AmbiguousError, InputError
from exportgraph.imports import READERS, Progress, Summary, store_terms

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = int(os.environ.get("EXPORTGRAPH_FUZZ_EXAMPLES", "10000"))


def fuzz(n: int = EXAMPLES):
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


# -- hostile values ---------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\r",
    "\ufeff",
    "\u202e",
    "\u0085",
    "\u2028",
    "\ud800",
    "x\udfffy",
    "\U0001f600",
    "NaN",
    "Infinity",
    "null",
    "true",
    "-1",
    "1e999",
    "0x10",
    "-0",
    "1e-400",
    "\u221e",
    "\u0663",
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2025-03-25T25:00:00",
    "20250325",
    "2025-W13-2",
    "Atlantis",
    "ZZ",
    "zz",
    "cn",
    "CN",
    "China",
    "Hong Kong",
    '"',
    "'",
    "\\",
    "\\u0000",
    "}",
    "{",
    "#",
    ";",
    ",",
    "@",
    "@@",
    "x@ZZ",
    "<http://evil>",
    '" } ; DROP ALL ; #',
    "150%",
    "%",
    "50",
    "1" * 400,
    "x" * 5000,
    "Inspur",
    "Sugon",
    "Inspur Taiwan",
    "Inspur Group Co., Ltd.",
    "entity-list",
    "Entity List (EL)",
    "84 FR 29373 (Smarch 40, 2019)",
    "84 FR 29373 (February 30, 2024)",
    "1 FR 1, 13/45/99",
    "99999999999999999999999 FR 1",
    "http://x y",
    "https://",
    "urn:",
    "company",
    "person",
    "PERSON",
    "x.csv",
]
# code points to draw text from: ASCII, C0 and C1 controls, Latin-1, CJK, lone surrogates, emoji, specials
ALPHABETS = [
    (0x20, 0x7E),
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0xA0, 0xFF),
    (0x4E00, 0x9FFF),
    (0xD800, 0xDFFF),
    (0x1F600, 0x1F64F),
    (0xFEFF, 0xFEFF),
    (0x202A, 0x202E),
    (0xFFFE, 0xFFFF),
]
CHUNKS = [
    b"\x00",
    b"\xef\xbb\xbf",
    b'"',
    b"\\",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\\ud800",
    b"[" * 64,
    b"{" * 64,
    b"NaN",
    b"-Infinity",
    b"1e999",
    b"1" * 5000,
    b",",
    b";",
    b"{",
    b"}",
    b"]",
    b":",
    b"null",
    b'"x":',
    b"\t",
    b'"' * 3,
    b"x" * 200_000,
]
JUNK_FILES = [
    b"",
    b"\xef\xbb\xbf",
    b"\n\n",
    b"\x00" * 10,
    b"\xff\xfe",
    b"{}",
    b"[]",
    b"null",
    b"0",
    b'""',
    b"{",
    b"[",
    b'{"results": null}',
    b'{"entities": {}}',
    b"\xef\xbb\xbf{}",
    b",,,\n,,,",
    b'"',
    b"a\x00b\n",
]
NAMES = ["Inspur Taiwan", "Example Trading (HK) Ltd", "Test Co", "\u6d6a\u6f6e\u96c6\u56e2", "Sugon", "A"]
# strings that would change a SPARQL query if it were formatted into one (names and parameters)
INJECTIONS = [
    'x" } ; DROP ALL ; #',
    '") } UNION { ?s ?p ?o } #',
    "<http://evil>",
    '\\" . ?s ?p ?o . FILTER("',
    "' OR 1=1 --",
    '"""',
    "\u0000",
    "\\",
    '"',
    "'",
    "}",
    "{",
    "#",
    "?s",
    "$p",
    "\\u0022",
    "%22",
    '" ; CLEAR DEFAULT ; "',
    "x' } DELETE WHERE { ?s ?p ?o } #",
    "]]>",
    "\n} INSERT DATA { <a> <b> <c> } #\n",
    ".*",
    "(?i).*",
    "https://w3id.org/exportgraph/id/party/inspur-taiwan> . ?s ?p ?o . <x",
    "http://evil> } ; DROP ALL ; #",
]


class Junk:
    """Hostile values and files from a seeded random source (hypothesis draws the seed)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def text(self) -> str:
        if self.chance(0.5):
            return self.pick(NASTY)
        lo, hi = self.pick(ALPHABETS)
        return "".join(chr(self.r.randint(lo, hi)) for _ in range(self.r.randint(0, 12)))

    def anything(self, depth: int = 0):
        """Any JSON value: null, booleans, numbers huge or NaN, text, lists and objects."""
        roll = self.r.randint(0, 9 if depth < 3 else 7)
        if roll == 0:
            return None
        if roll == 1:
            return self.chance(0.5)
        if roll == 2:
            return self.pick([0, -1, 2**63, 10 ** self.r.randint(20, 400), -(10**30)])
        if roll == 3:
            return self.pick([float("nan"), float("inf"), float("-inf"), 1e308, -0.0, self.r.random()])
        if roll <= 7:
            return self.text()
        if roll == 8:
            return [self.anything(depth + 1) for _ in range(self.r.randint(0, 3))]
        return {self.text(): self.anything(depth + 1) for _ in range(self.r.randint(0, 3))}

    def either(self, good):
        """Mostly a plausible value (so that the reader gets past its first check), else anything."""
        return (good() if callable(good) else good) if self.chance(0.75) else self.anything()

    def some(self, keys: dict) -> dict:
        """A record with some of the keys, each plausible or not."""
        return {k: self.either(v) for k, v in keys.items() if self.chance(0.8)}

    def encode(self, text: str) -> bytes:
        how = self.pick(("utf-8", "utf-8", "utf-8", "utf-8", "bom", "latin-1", "utf-16"))
        if how == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
        return text.encode(how, "surrogatepass" if how == "utf-8" else "replace")

    def json(self, value) -> bytes:
        return self.encode(json.dumps(value, ensure_ascii=self.chance(0.5)))

    def csv(self, header: list[str], cell, rows: int = 4) -> bytes:
        """A CSV: the header, and rows of about the header's width (one cell short or over)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=self.pick(("\r\n", "\n", "\r")))
        w.writerow(header)
        for _ in range(self.r.randint(0, rows)):
            w.writerow([self.either(cell) for _ in range(max(len(header) + self.r.randint(-1, 1), 0))])
        return self.encode(buf.getvalue())

    def columns(self, expected: list[str]) -> list[str]:
        roll = self.r.randint(0, 5)
        if roll <= 2:
            return list(expected)
        if roll == 3:
            return self.r.sample(expected, len(expected))
        return [self.pick(expected + NASTY[:12]) for _ in range(self.r.randint(0, len(expected) + 2))]

    def mutated(self, seed: bytes) -> bytes:
        """A valid file with a few bytes flipped, inserted, deleted, doubled, or cut off."""
        data = bytearray(seed)
        for _ in range(self.r.randint(1, 6)):
            op, at = self.pick(("flip", "insert", "delete", "truncate", "double")), self.r.randint(0, len(data))
            if op == "flip" and data:
                data[min(at, len(data) - 1)] = self.r.randint(0, 255)
            elif op == "insert":
                data[at:at] = self.pick(CHUNKS) if self.chance(0.6) else self.r.randbytes(self.r.randint(1, 8))
            elif op == "delete":
                del data[at : at + self.r.randint(1, 64)]
            elif op == "truncate":
                del data[at:]
            elif op == "double":
                data[at:at] = data[at : at + self.r.randint(1, 200)]
        return bytes(data)

    def deep(self, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
        """JSON nested deeper than any real file, where a record or a value should be."""
        n = self.pick((50, 1_000, 100_000))
        opening, closing = self.pick(((b"[", b"]"), (b'{"a":', b"}"), (b'[{"name":', b"}]")))
        return prefix + opening * n + (closing * n if self.chance(0.5) else b"") + suffix


# -- each reader's format, nearly --------------------------------------------------------------------

COUNTRIES = ["China", "CN", "Hong Kong", "Taiwan", "Russia", "Atlantis", "", "United States"]
CITATIONS = [
    "90 FR 14048, 3/28/25",
    "84 FR 29373 (June 24, 2019)",
    "90 FR 14048",
    "46 F.R. 46154",
    "",
    "84 FR 29373 (Smarch 40, 2019)",
    "1 FR 1, 13/45/99",
    "99999999999999999999999 FR 1, 2/30/24",
]
DATES = ["2025-03-25", "2025-02-30", "", "25-3-25", "2025-03-25T00:00:00Z", "1981-09-10", "2025", "2025-03"]


def entity_list_file(j: Junk) -> bytes:
    def entry():
        return j.some(
            {
                "name": lambda: j.pick(NAMES),
                "aliases": lambda: j.r.sample(NAMES, j.r.randint(0, 2)),
                "country": lambda: j.pick(COUNTRIES),
                "address": j.text,
                "notes": j.text,
                "federal_register": lambda: j.pick(CITATIONS),
                "effective_date": lambda: j.pick(DATES + [None]),
                "status": None,
            }
        )

    entries = [j.either(entry) for _ in range(j.r.randint(0, 4))]
    doc = j.some({"list_id": "bis-entity-list", "extracted": "2026-07-09", "entities": entries, "count": len(entries)})
    return j.json(doc if j.chance(0.9) else entries)


def csl_file(j: Junk) -> bytes:
    def address():
        return j.some(
            {
                "address": j.text,
                "city": j.text,
                "state": None,
                "postal_code": j.text,
                "country": lambda: j.pick(["TW", "DE", "ZZ", "", "x", "tw"]),
            }
        )

    def record():
        return j.some(
            {
                "_id": j.text,
                "entity_number": None,
                "type": lambda: j.pick(["Entity", "Individual", "Vessel", None]),
                "source": lambda: j.pick(
                    [
                        "Entity List (EL) - Bureau of Industry and Security",
                        "Denied Persons List (DPL) - BIS",
                        "(",
                        "Something",
                        "",
                    ]
                ),
                "name": lambda: j.pick(NAMES),
                "alt_names": lambda: j.r.sample(NAMES, j.r.randint(0, 2)),
                "addresses": lambda: [address() for _ in range(j.r.randint(0, 2))],
                "federal_register_notice": lambda: j.pick(CITATIONS),
                "start_date": lambda: j.pick(DATES),
                "end_date": lambda: j.pick(DATES + [None]),
                "license_requirement": j.text,
                "remarks": j.text,
                "source_list_url": j.text,
                "programs": lambda: [j.text()],
            }
        )

    if j.chance(0.5):
        records = [j.either(record) for _ in range(j.r.randint(0, 4))]
        return j.json({"results": records} if j.chance(0.7) else records)
    columns = [
        "_id",
        "source",
        "type",
        "name",
        "addresses",
        "federal_register_notice",
        "start_date",
        "end_date",
        "license_requirement",
        "alt_names",
    ]
    return j.csv(
        j.columns(columns),
        lambda: j.pick(
            [
                "Entity List (EL) - BIS",
                "Inspur Taiwan",
                "2025-03-25",
                "90 FR 14048",
                "a; b",
                "x, y, TW",
                "x, y, ZZ",
                "Vessel",
            ]
        ),
    )


FTM_SCHEMAS = [
    "Company",
    "Organization",
    "LegalEntity",
    "PublicBody",
    "Person",
    "Address",
    "Ownership",
    "Sanction",
    "Vessel",
    "",
]
FTM_PROPS = [
    "name",
    "alias",
    "country",
    "jurisdiction",
    "nationality",
    "leiCode",
    "incorporationDate",
    "addressEntity",
    "full",
    "owner",
    "asset",
    "percentage",
    "startDate",
    "endDate",
    "entity",
    "program",
    "authority",
]
FTM_VALUES = [
    "a",
    "b",
    "addr",
    "",
    "cn",
    "hk",
    "ZZ",
    "60",
    "150",
    "50%",
    "-1",
    "NaN",
    "Entity List",
    "sdn",
    *NAMES,
    *DATES,
]


def ftm_file(j: Junk) -> bytes:
    def entity():
        props = {
            j.pick(FTM_PROPS): j.either(
                lambda: [j.pick(FTM_VALUES) if j.chance(0.8) else j.text() for _ in range(j.r.randint(0, 2))]
            )
            for _ in range(j.r.randint(0, 5))
        }
        return j.some(
            {"id": lambda: j.pick(["a", "b", "addr", ""]), "schema": lambda: j.pick(FTM_SCHEMAS), "properties": props}
        )

    lines = [json.dumps(j.either(entity), ensure_ascii=j.chance(0.5)) for _ in range(j.r.randint(0, 5))]
    if j.chance(0.2):
        lines.insert(j.r.randint(0, len(lines)), j.text())
    return j.encode("\n".join(lines) + j.pick(["", "\n", "\r\n"]))


USER_HEADERS = {
    "parties": ["id", "name", "country", "aliases", "kind", "address", "founded"],
    "ownership": ["owner", "owned", "percent", "percent_min", "percent_max", "valid_from", "valid_to", "source"],
    "listings": ["party", "list", "date_added", "date_removed", "citation"],
    "supply": ["supplier", "customer", "item", "valid_from", "valid_to", "source"],
}
USER_VALUES = [
    "p1",
    "p2",
    "Inspur Taiwan",
    "Inspur Group Co., Ltd.",
    "NVIDIA",
    "Sugon",
    "No Such Co",
    "CN",
    "HK",
    "ZZ",
    "cn",
    "company",
    "person",
    "bank",
    "A;B",
    "30",
    "130",
    "-1",
    "40",
    "60",
    "1e2",
    "NaN",
    "12%",
    "entity-list",
    "not-a-list",
    "90 FR 1",
    "90 FR 99999999999999999999",
    "2024-01-01",
    "2023-01-01",
    "2024-02-30",
    "https://example.org",
    "",
]


def user_csv_file(j: Junk) -> bytes:
    kind = j.pick(sorted(USER_HEADERS))
    full = USER_HEADERS[kind]
    header = j.columns(full[:5] if kind == "parties" and j.chance(0.5) else full)
    return j.csv(header, lambda: j.pick(USER_VALUES) if j.chance(0.8) else j.text())


ORDER_COLUMNS = list(COLUMNS)  # the orders CSV's header, as check reads it
ORDER_VALUES = [
    "o1",
    "o1",
    "2025-06-01",
    "2025-13-45",
    "NVIDIA H100 SXM",
    "3A090.a",
    "H",
    "",
    "8",
    "-8",
    "\u0663",
    "x",
    "Inspur Taiwan",
    "Sugon",
    "clean",
    "x@HK",
    "@",
    "a@ZZ;SG",
    "CN",
    "ZZ",
    "military",
    "wmd",
    "?",
]


def orders_file(j: Junk) -> bytes:
    return j.csv(j.columns(ORDER_COLUMNS), lambda: j.pick(ORDER_VALUES) if j.chance(0.8) else j.text())


def names_file(j: Junk) -> bytes:
    return j.csv(j.columns(["name", "country", "id"]), lambda: j.pick(NAMES + ["CN", "ZZ", "", "cn", "1"]))


STRUCTURED = {  # the kinds whose format these tests know; a kind added later is fuzzed without one
    "entity-list": (entity_list_file, [b'{"count": 1, "entities": ', b'{"entities": [{"name": "A", "aliases": ']),
    "csl": (csl_file, [b'{"results": ', b"", b'{"results": [{"name": "A", "addresses": ']),
    "ftm": (ftm_file, [b"", b'{"id": "a", "schema": "Company", "properties": ']),
    "csv": (user_csv_file, []),
    "orders": (orders_file, []),
    "names": (names_file, []),
}


def hostile_file(kind: str, j: Junk, seeds: list[bytes]) -> bytes:
    """One input for a reader: noise, a damaged valid file, or its own format with bad fields."""
    make, prefixes = STRUCTURED.get(kind, (None, []))
    roll = j.r.random()
    if roll < 0.08:
        return j.r.randbytes(j.r.randint(0, 300))
    if roll < 0.12:
        return j.pick(JUNK_FILES)
    if roll < 0.17:  # JSON of any shape, or JSON lines
        value = j.anything()
        return j.json(value) if j.chance(0.5) else j.encode("\n".join(json.dumps(j.anything()) for _ in range(3)))
    if roll < 0.22:
        return j.deep(*(j.pick(prefixes), b"}" * j.r.randint(0, 2)) if prefixes else ())
    if make is None or (seeds and roll < 0.55):
        return j.mutated(j.pick(seeds)) if seeds else j.r.randbytes(j.r.randint(0, 300))
    return make(j)


def _small_entity_list() -> bytes:
    doc = json.loads((FIXTURES / "entity-list" / "after.json").read_text(encoding="utf-8"))
    doc["entities"], doc["count"] = doc["entities"][:3], 3
    return json.dumps(doc, indent=1).encode()


def seeds(kind: str) -> list[bytes]:
    """Valid files of a kind: small ones, since each of thousands of inputs is read whole."""
    known = {
        "entity-list": [_small_entity_list()],
        "csl": [(FIXTURES / "csl" / n).read_bytes() for n in ("consolidated.json", "consolidated.csv")],
        "ftm": [(FIXTURES / "ftm" / "ownership.ftm.json").read_bytes()],
        "csv": [(FIXTURES / n).read_bytes() for n in ("csv/parties.csv", "routes/parties.csv")]
        + [
            b"party,list,date_added,date_removed,citation\nInspur Taiwan,entity-list,2025-03-25,,90 FR 14048\n",
            b"owner,owned,percent,percent_min,percent_max,valid_from,valid_to,source\n"
            b'"Inspur Group Co., Ltd.",Inspur Taiwan,,40,60,2024-01-01,,https://example.org\n',
            b"supplier,customer,item,valid_from,valid_to,source\nNVIDIA,Inspur Taiwan,H100,2023-01-01,,x\n",
        ],
    }
    if kind in known:
        return known[kind]
    folder = FIXTURES / kind  # a reader added later brings its fixtures here
    return (
        [
            p.read_bytes()
            for p in sorted(folder.glob("*"))
            if p.is_file() and p.suffix not in (".md", ".txt") and p.stat().st_size < 20_000
        ]
        if folder.is_dir()
        else []
    )


FILE_NAMES = {"entity-list": "list.json", "ftm": "fuzz.ftm.json", "csv": "fuzz.csv"}


# -- the graph the readers consult ---------------------------------------------------------------------


class _RememberingStore:
    """The bundled store's answers to the readers' fixed questions (countries, lists), kept."""

    def __init__(self, store) -> None:
        self._store = store
        self._answers: dict[tuple[str, str], list] = {}

    def select(self, sparql: str, bindings=None) -> list:
        key = (sparql, repr(bindings))
        if key not in self._answers:
            self._answers[key] = self._store.select(sparql, bindings)
        return self._answers[key]


class QuickGraph:
    """What a reader asks the bundled graph (country codes, lists, an organisation by name),
    answered from memory: the answers ``bundled`` gives, fast enough for ten thousand inputs. The
    real graph is fuzzed too, with fewer inputs (``test_readers_on_the_real_graph``)."""

    def __init__(self, graph: ExportGraph) -> None:
        self.store = _RememberingStore(graph.store)
        self.codes = graph.parties.country_codes()
        self.lists = graph.parties.list_names()
        self.parties = self  # what the readers ask of the graph's parties, answered here
        self._names: dict[str, set[tuple[str, str]]] = {}
        for r in graph.store.select(
            "SELECT DISTINCT ?party ?name ?matched WHERE { ?party a/rdfs:subClassOf* "
            "eg:Party ; eg:name ?name . { ?party eg:name ?matched } UNION "
            "{ ?party eg:alias ?matched } }"
        ):
            self._names.setdefault(str(r["matched"]).lower(), set()).add((str(r["party"]), str(r["name"])))

    def country_codes(self) -> set[str]:
        return set(self.codes)

    def list_names(self) -> set[str]:
        return set(self.lists)

    def is_record(self, iri: str) -> bool:
        return any(iri == p for found in self._names.values() for p, _ in found)

    def resolve_name(self, name: str) -> str | None:
        found = self._names.get(name.lower(), set())
        if len({p for p, _ in found}) > 1:
            raise AmbiguousError(name, sorted(found))
        return next((p for p, _ in found), None)


@pytest.fixture(scope="module")
def quick(bundled) -> QuickGraph:
    return QuickGraph(bundled)


def put(path: Path, data: bytes) -> None:
    """Write the file anew: overwriting one in place makes ext4 flush it when closed (2 ms a time)."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)


def read_all(kind: str, path: Path, graph) -> set | InputError:
    """What the reader makes of the file: its triples as ``imports.run`` converts them for the
    store, or its InputError. Anything else is a bug, and so is an error that does not name the file."""
    try:
        return store_terms(READERS[kind](path, Summary(kind, str(path), ""), Progress(kind), graph), path)
    except InputError as exc:
        assert str(path) in str(exc), f"the error does not name the file: {exc}"
        return exc


def valid_seeds(kind: str, path: Path, graph) -> list[bytes]:
    """The seeds that read: all of them for the kinds this file knows; for a kind added later,
    the files of its fixture folder that are valid (some may be there to be rejected)."""
    out = []
    for seed in seeds(kind):
        put(path, seed)
        read = read_all(kind, path, graph)
        assert kind not in STRUCTURED or not isinstance(read, InputError), read
        if not isinstance(read, InputError):
            out.append(seed)
    return out


SEEDS = st.integers(min_value=0, max_value=2**64 - 1)
BATCH = 10  # files per hypothesis example: its own cost of an example (~0.3 ms) is paid once per ten files


def fuzz_files(kind: str, valid: list[bytes], handle, n: int = EXAMPLES) -> None:
    """``handle(data)`` for ``n`` generated files of a kind (``hostile_file``), ``BATCH`` files per
    hypothesis example, each made from its own seed; a failure shows the file."""

    @fuzz(max(n // BATCH, 1))
    @given(SEEDS)
    def check(seed: int) -> None:
        for i in range(BATCH):
            data = hostile_file(kind, Junk(seed * BATCH + i), valid)
            try:
                handle(data)
            except BaseException:
                note(f"file {i} of the seed: {data[:3000]!r}")
                raise

    check()


# -- 1. every reader, ten thousand malformed inputs each ---------------------------------------------


@pytest.mark.parametrize("kind", sorted(READERS))
def test_reader_answers_any_input_with_triples_or_a_clear_error(kind, quick, fuzz_dir, rule_pages_once, memory_cap):
    path = fuzz_dir / FILE_NAMES.get(kind, f"fuzz-{kind}.json")
    valid = valid_seeds(kind, path, quick)
    seen = {"triples": 0, "errors": 0}

    def handle(data: bytes) -> None:
        put(path, data)
        seen["errors" if isinstance(read_all(kind, path, quick), InputError) else "triples"] += 1

    fuzz_files(kind, valid, handle)
    # the inputs reach both outcomes: neither all turned away at the door nor all harmless
    if EXAMPLES >= 500 and (valid or kind in STRUCTURED):
        assert min(seen.values()) > EXAMPLES // 50, seen


@pytest.mark.parametrize("kind", sorted(READERS))
def test_readers_on_the_real_graph(kind, bundled, fuzz_dir, memory_cap):
    """Inputs of the same making against the real bundled graph (SPARQL look-ups, the rule pages
    read each time), which ``QuickGraph`` stands in for above."""
    path = fuzz_dir / ("real-" + FILE_NAMES.get(kind, f"fuzz-{kind}.json"))
    valid = valid_seeds(kind, path, bundled)

    def handle(data: bytes) -> None:
        put(path, data)
        read_all(kind, path, bundled)

    fuzz_files(kind, valid, handle, min(EXAMPLES, 50))


def quick_resolver(quick: QuickGraph):
    """``check.Resolver`` with its party look-ups answered by ``QuickGraph`` (no SPARQL per file)."""
    from exportgraph import check as ck

    class Resolver(ck.Resolver):
        def prepare_parties(self, refs) -> None:  # (each party is then asked of resolve_name)
            pass

    return Resolver(quick.store, quick.resolve_name)


@pytest.mark.parametrize("graph", ["quick", "bundled"])
def test_orders_csv_answers_any_input_with_orders_or_a_clear_error(graph, quick, bundled, fuzz_dir):
    """``check``'s orders CSV: orders whose N-Triples the store loads (what cannot be resolved is an
    ``eg:inputProblem`` of its order), or an InputError naming the file."""
    from exportgraph import check as ck
    from exportgraph.store.embedded import parse_rdf

    path = fuzz_dir / f"orders-{graph}.csv"
    valid = [(FIXTURES / n).read_bytes() for n in ("check/orders.csv", "routes/orders.csv")]

    def handle(data: bytes) -> None:
        put(path, data)
        try:
            rows = ck.read_csv(path)
        except InputError as exc:
            assert str(path) in str(exc), exc
            return
        resolver = (
            quick_resolver(quick) if graph == "quick" else ck.Resolver(bundled.store, bundled.parties.resolve_name)
        )
        nt, orders = ck.orders_to_ntriples(rows, resolver, dt.date(2025, 6, 1), str(path))
        assert len(orders) == len(rows) == len({o[1] for o in orders})
        assert len(parse_rdf(nt, "application/n-triples", "orders")) >= 4 * len(rows)

    fuzz_files("orders", valid, handle, EXAMPLES if graph == "quick" else min(EXAMPLES, 50))


def test_names_csv_answers_any_input_with_names_or_a_clear_error(quick, fuzz_dir):
    """``screen``'s names CSV: names to screen (none blank, countries known), or an InputError."""
    from exportgraph.screen import read_inputs

    path = fuzz_dir / "names.csv"
    valid = [b"name,country,id\nInspur Taiwan,TW,1\nSugon,,2\n"]

    def handle(data: bytes) -> None:
        put(path, data)
        try:
            found = read_inputs(path, quick.codes)
        except InputError as exc:
            assert str(path) in str(exc), exc
            return
        assert all(i.name and i.name == i.name.strip() and i.country in quick.codes | {None} for i in found)

    fuzz_files("names", valid, handle)


# -- what the fuzzing found: each input once crashed a reader (or wanted a machine's memory) ------------


def _entity_list_with(**fields) -> bytes:
    entry = {
        "name": "Regression Co",
        "aliases": [],
        "country": "China",
        "address": "1 Road, Beijing",
        "federal_register": "90 FR 14048, 3/28/25",
        "notes": "For all items subject to the EAR.",
    } | fields
    return json.dumps({"entities": [entry], "count": 1}).encode()


CRASHED = [  # (kind, file, what the error says; None: it reads)
    ("csl", b"\x80", "not UTF-8"),  # UnicodeDecodeError
    ("csv", b"id,name,country,aliases,kind\n\x80\n", "fuzz.csv:2: not UTF-8"),  # UnicodeDecodeError
    ("entity-list", b'{"entities": ' + b"[" * 5000, "not an nsfreg list file"),  # RecursionError
    ("ftm", b"[" * 5000 + b"\n", "not a JSON object"),  # RecursionError
    ("csl", b'{"results": ' + b"[" * 100_000, "nested over 32 deep"),  # ~25 GB in ijson's prefixes
    ("bods", b"[" * 100_000, "nested over 32 deep"),  # the same, in the BODS reader
    ("entity-list", b'{"entities": [null], "count": 1}', "not an nsfreg entry"),  # AttributeError
    ("entity-list", _entity_list_with(federal_register="84 FR 29373 (Smarch 4, 2019)"), None),  # ValueError
    # (an alias of two parties that are judged different organisations; "Sugon" was one until the
    # Entity List's and the 1260H list's records of it were merged)
    (
        "csv",
        b"party,list,date_added,date_removed,citation\nStratos,entity-list,2025-01-01,,90 FR 1\n",
        "matches 2 parties",
    ),  # AmbiguousError, which named no file
    (
        "ftm",
        b'{"id": "a", "schema": "Company", "properties": {"name": ["\\ud800"]}}\n',
        "lone UTF-16 surrogate",
    ),  # ValueError from the store's literal
    (
        "csl",
        b'{"results": [{"name": "A", "source": "Entity List (EL)", "alt_names": 5}]}',
        "'alt_names' is not a list of text",
    ),  # TypeError
    (
        "csl",
        b'source,name,start_date\nEntity List (EL),"' + b"x" * 200_000 + b'",2025-01-01\n',
        "not valid CSV",
    ),  # csv.Error: field larger than field limit
]


@pytest.mark.parametrize(("kind", "data", "says"), CRASHED)
def test_inputs_that_once_crashed_a_reader(kind, data, says, quick, fuzz_dir, rule_pages_once, memory_cap):
    path = fuzz_dir / ("regression-" + FILE_NAMES.get(kind, f"fuzz-{kind}.json"))
    put(path, data)
    read = read_all(kind, path, quick)
    if says is None:
        assert not isinstance(read, InputError), read
    else:
        assert isinstance(read, InputError) and says in str(read), read


def test_names_and_orders_that_once_crashed(bundled, quick, fuzz_dir):
    """An orders CSV quantity of "\u00b2" or of 5,000 digits (int() refused it) is a problem of its
    order; a name ending in .csv with a NUL byte (open() refused it) an InputError."""
    from exportgraph import check as ck

    path = fuzz_dir / "regression-orders.csv"
    put(
        path,
        (
            "order_id,date,item,quantity,seller,buyer,consignee,end_user,intermediaries,destination,end_use\n"
            f"a,2025-06-01,EAR99,\u00b2,,,x,,,DE,\nb,2025-06-01,EAR99,{'1' * 5000},,,x,,,DE,\n"
        ).encode(),
    )
    nt, _ = ck.orders_to_ntriples(ck.read_csv(path), quick_resolver(quick), dt.date(2025, 6, 1), str(path))
    assert nt.decode().count("is not a whole number") == 2
    with pytest.raises(InputError, match="cannot read"):
        bundled.screen("x\x00.csv")


def test_an_invalid_iri_parameter_exits_2_not_with_a_traceback(capsys, cli_bundled):
    assert main(["query", "party-facts", "--param", "party=http://evil> } ; DROP ALL ; #"]) == 2
    assert "is not a valid IRI" in capsys.readouterr().err
