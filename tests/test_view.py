"""`exportgraph view`: the picture of a real neighbourhood from the bundled graph, opened in headless
Chromium (tests/browser.py); the screenshot is kept in tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from exportgraph.cli import main
from exportgraph.export.html import layout

pytestmark = pytest.mark.usefixtures("cli_bundled")  # in-process CLI calls share the bundled graph

ARTIFACTS = Path(__file__).parent / "artifacts"
P = "https://w3id.org/exportgraph/id/party/"
INSPUR, TAIWAN = P + "inspur-group-co-ltd", P + "inspur-taiwan"


@pytest.fixture(scope="module")
def inspur_html() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "inspur.html"
    assert main(["view", "Inspur Group Co., Ltd.", "-o", str(path), "--as-of", "2025-06-01"]) == 0
    return path


def test_the_page_draws_every_party_and_shows_citations(browser, bundled, inspur_html):
    browser.open(inspur_html)
    assert browser.errors() == []
    view = bundled.graph_view("Inspur Group Co., Ltd.", as_of=dt.date(2025, 6, 1), include="owners,subsidiaries")
    parties = set(view.nodes)
    assert len(parties) == 7
    width, height = browser.eval("[innerWidth, innerHeight]")
    boxes = browser.eval("""[...document.querySelectorAll('g.node')].map(g => {
        const r = g.getBoundingClientRect();
        return {id: g.dataset.id, x: r.x, y: r.y, w: r.width, h: r.height, listed: g.classList.contains('listed')};
    })""")
    assert {b["id"] for b in boxes} == parties
    for b in boxes:
        assert b["w"] > 0 and b["h"] > 0 and 0 <= b["x"] and b["x"] + b["w"] <= width and 0 <= b["y"] <= height, b
        assert b["listed"], b  # all seven are on the Entity List on 2025-06-01
    assert browser.eval("document.querySelectorAll('g.edge').length") == 6
    labels = browser.eval("[...document.querySelectorAll('g.edge .elabel')].map(t => t.textContent)")
    assert labels == ["stake unknown"] * 6
    # a real click on Inspur Taiwan opens its facts and the Federal Register citation of its listing
    node = f"[...document.querySelectorAll('g.node')].find(g => g.dataset.id === {json.dumps(TAIWAN)})"
    x, y = browser.eval(f"(r => [r.x + r.width / 2, r.y + r.height / 2])(({node}).getBoundingClientRect())")
    browser.click(x, y)
    panel = browser.eval("(d => d.hidden ? null : d.textContent)(document.getElementById('details'))")
    assert panel and "Inspur Taiwan" in panel and "90 FR 14048" in panel and "2025-03-25" in panel
    link = browser.eval("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert "https://www.federalregister.gov/citation/90-FR-14048" in link
    shot = browser.screenshot(ARTIFACTS / "inspur.png")
    assert shot.stat().st_size > 10_000


def test_layout_puts_owners_above_what_they_own(bundled):
    view = bundled.graph_view("Inspur Taiwan", depth=2, as_of=dt.date(2025, 6, 1), include="owners,subsidiaries")
    places = layout(view)
    assert places[INSPUR][1] < places[TAIWAN][1]
    for e in view.edges:
        assert places[e.source][1] < places[e.target][1]
    rows = {}
    for x, y in places.values():
        rows.setdefault(y, []).append(x)
    assert all(len(set(xs)) == len(xs) for xs in rows.values())  # no two parties on one spot


@pytest.mark.needs("dot")
def test_static_svg_and_png_for_reports(tmp_path):
    svg, png = tmp_path / "inspur.svg", tmp_path / "inspur.png"
    assert main(["view", "Inspur Group Co., Ltd.", "--format", "svg", "-o", str(svg), "--as-of", "2025-06-01"]) == 0
    text = svg.read_text()
    assert "Inspur Taiwan" in text and text.count('class="node"') == 7 and "list entry" not in text
    assert main(["view", "Inspur Taiwan", "--format", "png", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_view_errors(tmp_path, capsys):
    assert main(["view", "No Such Company Anywhere", "-o", str(tmp_path / "x.html")]) == 3
    assert main(["view", "Inspur Taiwan", "-o", str(tmp_path / "no" / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
