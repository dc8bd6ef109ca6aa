"""The web app (`exportgraph serve`, `/`), driven in headless Chromium over loopback (tests/browser.py)
the way an analyst uses it: screen a name and see its listing, upload an orders CSV and open a
reason, open an entity page and its picture, see what changed, run a query. Each page's screenshot
is kept in tests/artifacts/ (and, with EXPORTGRAPH_SCREENSHOTS=DIR, in DIR: the README's images)
and checked for its size and what it shows.

Expected facts, from the regulations' text: Inspur Taiwan was added to the Entity List by 90 FR
14048, effective 2025-03-25 (a licence for all items subject to the EAR, 15 CFR 744.11); an order
shipped to it after that day needs a licence under the entity-list rule."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest
from conftest import serving

from exportgraph.server import make_app

ARTIFACTS = Path(__file__).parent / "artifacts"
ORDERS = Path(__file__).parents[1] / "examples" / "orders.csv"
TAIWAN = "https://w3id.org/exportgraph/id/party/inspur-taiwan"
FR_14048 = "https://www.federalregister.gov/citation/90-FR-14048"
TOP_BAR = (0x12, 0x32, 0x4F)  # the app's header colour (app.css)
# each party's name in the picture, its lines joined
LABELS = (
    "[...document.querySelectorAll('g.node text.label')].map(t => [...t.children].map(s => s.textContent).join(' '))"
)
FIRST_COLUMN = "[...document.querySelectorAll('#query-table tbody tr')].map(tr => tr.cells[0].textContent)"


@pytest.fixture(scope="module")
def app_url(bundled):
    with serving(make_app(graph=bundled, workers=1, timeout=5.0)) as url:
        yield url + "/"


def wait(browser, expression: str, timeout: float = 30.0):
    """The value of ``expression`` once it is truthy, polled; fails with the page's status line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.eval(expression)
        if value:
            return value
        time.sleep(0.05)
    status = browser.eval("document.getElementById('status').textContent")
    raise AssertionError(f"timed out waiting for {expression!r}; status: {status!r}")


def cells(browser, table: str) -> list[list[str]]:
    """The text of every cell of a table's body, row by row."""
    return browser.eval(
        f"[...document.querySelectorAll({json.dumps(table + ' tbody tr')})]"
        ".map(tr => [...tr.cells].map(td => td.textContent))"
    )


def click(browser, selector: str) -> None:
    """A real mouse click in the middle of the element (scrolled into view first)."""
    x, y = browser.eval(
        f"""(e => {{ e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2]; }})(document.querySelector({json.dumps(selector)}))"""
    )
    browser.click(x, y)


def fill(browser, element_id: str, value: str) -> None:
    browser.eval(
        f"""(e => {{ e.value = {json.dumps(value)};
        e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}}));
        }})(document.getElementById({json.dumps(element_id)}))"""
    )


def open_page(browser, url: str) -> float:
    """Opens the app at ``url`` afresh (a new document, not a move within the last one) and returns
    the milliseconds until its script had run (ready)."""
    base, _, fragment = url.partition("#")
    browser.open(f"{base}?visit={time.monotonic_ns()}#{fragment}")
    wait(browser, "document.body.dataset.ready === '1'")
    assert browser.errors() == []
    return browser.eval("performance.now()")


def pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB(A) rows of an 8-bit PNG (filters undone; PNG specification, 9)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert head is not None
    width, height, depth, colour = head[:4]
    assert depth == 8 and colour in (2, 6), head
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def shot(browser, name: str, at: str | None = None) -> Path:
    """The viewport's screenshot, kept and checked: 1280 px wide, the app's header drawn across the
    top, and a page of many colours (text, tables, badges), not a blank or an error page."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser.eval("window.scrollTo(0, 0)")
    if at:  # the part the page is about, below the header (which stays at the top)
        browser.eval(f"window.scrollTo(0, document.querySelector({json.dumps(at)}).getBoundingClientRect().top - 60)")
    path = browser.screenshot(ARTIFACTS / f"app-{name}.png")
    width, height, rows = pixels(path)
    assert width == 1280 and height >= 700, (width, height)
    bpp = len(rows[0]) // width
    top = rows[10]
    header = sum(1 for x in range(width) if tuple(top[x * bpp : x * bpp + 3]) == TOP_BAR)
    assert header > width // 2, f"{name}: the header bar is not drawn ({header} px)"
    colours = {row[i : i + 3] for row in rows[::4] for i in range(0, len(row), bpp * 4)}
    assert len(colours) > 60, f"{name}: {len(colours)} colours: a blank page?"
    assert path.stat().st_size > 20_000
    if os.environ.get("EXPORTGRAPH_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["EXPORTGRAPH_SCREENSHOTS"]) / path.name)
    return path


def capture_downloads(browser) -> None:
    browser.eval(
        "window.__blobs = []; const made = URL.createObjectURL;"
        "URL.createObjectURL = b => (window.__blobs.push(b), made(b));"
    )


def test_screen_a_name_see_its_listing_and_keep_a_record(browser, app_url):
    ready = open_page(browser, app_url + "#/screen")
    assert ready < 1000, f"the screening page took {ready:.0f} ms to be ready"
    fill(browser, "screen-names", "Inspur Taiwan | TW\nSome Bakery Nobody Lists")
    fill(browser, "screen-asof", "2025-10-01")
    click(browser, "#screen-form button[type=submit]")
    wait(browser, "!document.getElementById('screen-results').hidden")
    rows = cells(browser, "#screen-table")
    first = rows[0]
    assert first[0].startswith("Inspur Taiwan") and first[1].startswith("Inspur Taiwan"), first
    assert "entity-list since 2025-03-25" in first[4] and "90 FR 14048" in first[4], first
    assert first[5].startswith("listed"), first
    assert rows[-1][0] == "Some Bakery Nobody Lists" and rows[-1][1] == "no match", rows[-1]
    links = browser.eval("[...document.querySelectorAll('#screen-table a')].map(a => a.href)")
    assert FR_14048 in links and any(TAIWAN.replace(":", "%3A").replace("/", "%2F") in x for x in links), links
    # the filter keeps only the matches on one list
    fill(browser, "screen-filter", "entity-list")
    kept = browser.eval("document.querySelectorAll('#screen-table tbody tr').length")
    assert 1 <= kept < len(rows)
    shot(browser, "screen")

    # the screening record: date and time, the data version, the inputs, every result; and its JSON twin
    version = json.loads(urllib.request.urlopen(app_url + "version", timeout=30).read())
    click(browser, "#screen-record")
    wait(browser, "document.body.dataset.page === 'record' && !!document.getElementById('record-results')")
    text = browser.eval("document.getElementById('record').textContent")
    assert "Screening record" in text and version["graph_sha256"] in text and "2025-10-01" in text
    assert "Inspur Taiwan" in text and "entity-list since 2025-03-25 (90 FR 14048)" in text
    assert "Some Bakery Nobody Lists" in text and "no match" in text
    made = browser.eval("document.querySelector('#record dd').textContent")
    assert made.endswith("UTC") and made[:10] == time.strftime("%Y-%m-%d", time.gmtime()), made
    shot(browser, "record")
    # printing shows the record alone (record.css is the print style sheet)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.eval("getComputedStyle(document.querySelector('header.top')).display")
        assert hidden == "none"
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""})
    capture_downloads(browser)
    click(browser, "#record-json")
    record = json.loads(browser.eval("window.__blobs[0].text()"))
    assert record["kind"] == "screening" and record["data_version"]["graph_sha256"] == version["graph_sha256"]
    assert record["inputs"]["as_of"] == "2025-10-01"
    assert [r["input"]["name"] for r in record["results"]] == ["Inspur Taiwan", "Some Bakery Nobody Lists"]


def upload(browser, selector: str, path: Path) -> None:
    """Chooses a file for a file input, as the file chooser does (DevTools DOM.setFileInputFiles)."""
    doc = browser.send("DOM.getDocument")
    node = browser.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"], "selector": selector})
    browser.send("DOM.setFileInputFiles", {"nodeId": node["nodeId"], "files": [str(path)]})


def test_screen_a_names_file(browser, app_url, tmp_path):
    """A CSV with a header row and the columns name, country, id (the screen CSV); a file without a
    name column is refused with a message naming the file, and nothing is screened."""
    names = tmp_path / "counterparties.csv"
    names.write_text('id,name,country\nc-1,"Inspur Taiwan",TW\nc-2,"Sugon",CN\n', encoding="utf-8")
    open_page(browser, app_url + "#/screen")
    upload(browser, "#screen-file", names)
    wait(browser, "document.getElementById('status').textContent.includes('2 names')")
    click(browser, "#screen-form button[type=submit]")
    wait(browser, "!document.getElementById('screen-results').hidden")
    inputs = browser.eval("[...document.querySelectorAll('#screen-table tbody tr')].map(tr => tr.cells[0].textContent)")
    assert inputs[0] == "Inspur Taiwan (TW)" and "Sugon (CN)" in inputs, inputs
    bad = tmp_path / "no-name.csv"
    bad.write_text("company,country\nInspur Taiwan,TW\n", encoding="utf-8")
    open_page(browser, app_url + "#/screen")
    upload(browser, "#screen-file", bad)
    wait(browser, "document.getElementById('status').classList.contains('error')")
    assert 'no-name.csv: no "name" column' in browser.eval("document.getElementById('status').textContent")
    click(browser, "#screen-form button[type=submit]")
    assert browser.eval("document.getElementById('screen-results').hidden")


def test_upload_orders_and_open_a_reason(browser, app_url):
    open_page(browser, app_url + "#/check")
    upload(browser, "#check-file", ORDERS)
    click(browser, "#check-upload button[type=submit]")
    wait(browser, "!document.getElementById('check-results').hidden", timeout=120)
    rows = cells(browser, "#check-table")
    expected = [line.split(",")[0] for line in ORDERS.read_text().splitlines()[1:] if line.strip()]
    assert [r[0] for r in rows] == expected
    after = rows[expected.index("inspur-after")]
    assert after[2] == "license required" and "entity-list" in after[3], after
    click(browser, f"#check-table tr[data-index='{expected.index('inspur-after')}'] button.open")
    wait(browser, "!document.getElementById('check-detail').hidden")
    detail = browser.eval("document.getElementById('check-detail').textContent")
    assert "entity-list" in detail and "744.11" in detail and "Inspur Taiwan" in detail, detail[:500]
    assert "presumption of denial" in detail  # the entry's review policy (90 FR 14048)
    links = browser.eval("[...document.querySelectorAll('#check-detail a')].map(a => a.href)")
    assert FR_14048 in links, links
    assert browser.eval("document.activeElement.id") == "check-detail"  # keyboard users land on it
    shot(browser, "check", at="#check-results")
    capture_downloads(browser)
    click(browser, "#check-csv")
    report = browser.eval("window.__blobs[0].text()")
    assert report.startswith("order_id,date,verdict,rule")
    assert "inspur-after,2025-04-01,license_required,entity-list" in report


def test_entity_page_with_its_listings_owners_and_picture(browser, app_url):
    started = time.monotonic()
    open_page(browser, app_url + "#/entity?name=Inspur%20Taiwan&as_of=2025-10-01")
    wait(browser, "!!document.getElementById('entity-heading')")
    loaded = time.monotonic() - started
    text = browser.eval("document.getElementById('entity-out').textContent")
    assert "Inspur Taiwan" in text and "Digital Cloud Ltd." in text  # an alias
    listings = cells(browser, "#entity-listings")
    assert ["Entity List", "2025-03-25", "", "presumption of denial", "90 FR 14048"] in listings, listings
    assert browser.eval("document.querySelectorAll('svg.timeline rect.bar').length") == len(listings)
    assert "Inspur Group Co., Ltd." in text  # the owner up the chain, listed
    # the picture: same-origin, interactive, every party drawn with its whole name (no ellipsis)
    frame = "document.getElementById('entity-picture').contentDocument"
    wait(browser, f"(d => d && d.querySelectorAll('g.node').length)({frame})")
    labels = browser.eval(LABELS.replace("document", frame))
    assert "Inspur Taiwan" in labels and "Inspur Group Co., Ltd." in labels, labels
    assert not [x for x in labels if "\u2026" in x], labels
    shot(browser, "entity")
    shot(browser, "picture", at="#entity-picture")
    # a group of many subsidiaries with long, alike names: each drawn whole and told apart
    browser.open(app_url + "picture?name=Hangzhou%20Hikvision%20Digital%20Technology%20Co.,%20Ltd.&as_of=2026-12-04")
    group = browser.eval(LABELS)
    assert len(group) >= 4 and len(set(group)) == len(group), group
    assert "Hangzhou Hikvision Digital Technology Co., Ltd." in group and not [x for x in group if "\u2026" in x], group
    assert loaded < 10, f"the entity page took {loaded:.1f} s"


def test_what_changed_between_two_dates(browser, app_url):
    open_page(browser, app_url + "#/changes")
    wait(browser, "document.getElementById('changes-list').options.length")
    fill(browser, "changes-list", "entity-list")
    fill(browser, "changes-since", "2025-03-25")
    fill(browser, "changes-until", "2025-03-25")
    click(browser, "#changes-form button[type=submit]")
    wait(browser, "!document.getElementById('changes-out').hidden")
    added = cells(browser, "#changes-added")
    assert ["2025-03-25", "Inspur Taiwan", "TW", "90 FR 14048"] in added, added[:5]
    assert all(r[0] == "2025-03-25" for r in added)
    link = browser.eval(
        "[...document.querySelectorAll('#changes-added a')]"
        ".find(a => a.textContent === 'Inspur Taiwan').getAttribute('href')"
    )
    assert link == "#/entity?name=" + TAIWAN.replace(":", "%3A").replace("/", "%2F")
    # the rules of a season: the Affiliates rule in force from 2025-09-29 (90 FR 47201), suspended
    # from 2025-11-10 through 2026-11-09 (90 FR 50857)
    fill(browser, "changes-since", "2025-09-29")
    fill(browser, "changes-until", "2025-11-10")
    click(browser, "#changes-form button[type=submit]")
    wait(browser, "!document.getElementById('changes-out').hidden && !!document.getElementById('changes-rules')")
    rules = cells(browser, "#changes-rules")
    assert ["2025-09-29", "effective", "affiliates-2025-09"] in [r[:3] for r in rules], rules
    assert ["2025-11-10", "suspended", "affiliates-2025-09"] in [r[:3] for r in rules], rules
    assert all("2025-09-29" <= r[0] <= "2025-11-10" for r in rules), rules
    assert "90 FR 47201" in {r[4] for r in rules}
    shot(browser, "changes")


def test_query_page_runs_sorts_and_downloads(browser, app_url):
    open_page(browser, app_url + "#/query")
    wait(browser, "document.getElementById('query-examples').options.length > 5")
    highlighted = browser.eval("document.querySelectorAll('#query-highlight .hl-kw').length")
    assert highlighted >= 3  # SELECT, WHERE, ORDER BY ...
    fill(
        browser,
        "query-text",
        'SELECT ?name ?added WHERE { ?e eg:onList/eg:shortName "entity-list" ; eg:party/eg:name ?name ; '
        'eg:dateAdded ?added . FILTER(?added = "2025-03-25T00:00:00"^^xsd:dateTime) }',
    )
    click(browser, "#query-run")
    wait(browser, "!!document.getElementById('query-table')")
    names = browser.eval(FIRST_COLUMN)
    assert "Inspur Taiwan" in names
    click(browser, "#query-table button.sort[data-var=name]")
    wait(browser, "!!document.querySelector('#query-table th[aria-sort=ascending]')")
    ordered = browser.eval(FIRST_COLUMN)
    assert ordered == sorted(names, key=lambda s: s.lower()) or ordered == sorted(names)
    click(browser, "#query-table button.sort[data-var=name]")
    wait(browser, "!!document.querySelector('#query-table th[aria-sort=descending]')")
    assert browser.eval(FIRST_COLUMN) == ordered[::-1]
    shot(browser, "query")
    capture_downloads(browser)
    click(browser, "#query-csv")
    csv_text = browser.eval("window.__blobs[0].text()")
    assert csv_text.splitlines()[0] == "name,added" and len(csv_text.splitlines()) == len(names) + 1


def test_every_control_is_named_and_reachable_by_keyboard(browser, app_url):
    """WCAG 2.1, 1.3.1 / 4.1.2: every form control has a label (or an aria-label) and every button a
    name; 2.1.1: the pages are reached with the keyboard (Tab to a link in the bar, Enter)."""
    open_page(browser, app_url + "#/screen")
    unnamed = browser.eval(
        "[...document.querySelectorAll('input, select, textarea')].filter(e => !e.labels.length && "
        "!e.getAttribute('aria-label')).map(e => e.id)"
    )
    assert unnamed == []
    nameless = browser.eval("[...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).length")
    assert nameless == 0
    for _ in range(8):  # Tab until the link to the Query page has the focus, then Enter
        if browser.eval("document.activeElement.dataset.page") == "query":
            break
        for kind in ("keyDown", "keyUp"):
            browser.send(
                "Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
            )
    assert browser.eval("document.activeElement.dataset.page") == "query"
    for kind, extra in (("keyDown", {"text": "\r"}), ("keyUp", {})):
        browser.send(
            "Input.dispatchKeyEvent",
            {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, **extra},
        )
    wait(browser, "document.body.dataset.page === 'query'")


def test_the_app_is_served_from_the_package_and_nothing_else(app_url):
    """Only the app's own files are served under /app/; no page asks another host for anything."""
    for name in ("index.html", "app.js", "app.css", "record.css"):
        with urllib.request.urlopen(app_url + "app/" + name, timeout=30) as resp:
            body = resp.read().decode()
        assert resp.status == 200
        # nothing is loaded from elsewhere
        assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", body), name
        assert not re.search(r"""fetch\(\s*["'`](https?:)?//""", body), name
    with urllib.request.urlopen(app_url, timeout=30) as resp:
        assert "default-src 'self'" in resp.read().decode()
    for bad in ("app/../routes.py", "app/app.py", "app/%2e%2e/app.py", "app/"):
        try:
            urllib.request.urlopen(app_url + bad, timeout=30)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404, bad
        else:
            raise AssertionError(f"{bad} was served")
