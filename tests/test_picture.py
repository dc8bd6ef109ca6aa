"""The HTML picture, drawn and clicked in a real headless Chromium (see ``browser.py``).

The data below is hand-made for the test: the names and the citation of Inspur Taiwan follow the
Entity List (90 FR 14048); every other party, stake and status is made up.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
from browser import Browser

from exportgraph.picture import render_html

ARTIFACTS = Path(__file__).parent / "artifacts"
ID = "https://w3id.org/exportgraph/id/party/"
HOSTILE = "</script><img src=x onerror=alert(1)>"
FR = {"label": "90 FR 14048", "url": "https://www.federalregister.gov/citation/90-FR-14048"}


def node(slug: str, label: str, x: float, y: float, status: str = "", countries: tuple = ("CN",), **more) -> dict:
    return {
        "id": ID + slug,
        "label": label,
        "x": x,
        "y": y,
        "kind": "organisation",
        "type": "company",
        "countries": list(countries),
        "status": status,
        "lists": ["entity-list"] if status == "listed" else [],
        "ultimate_parent_name": "",
        "facts": [["country", " ".join(countries)]],
        "citations": [],
        **more,
    }


def edge(source: str, target: str, label: str, type: str = "stake", **more) -> dict:
    return {
        "id": f"{ID}{source}-{target}-{type}",
        "source": ID + source,
        "target": ID + target,
        "type": type,
        "label": label,
        "valid_from": "",
        "valid_to": "",
        "citations": [],
        **more,
    }


DATA = {
    "title": "Inspur Group Co., Ltd.",
    "focus": ID + "inspur-group",
    "as_of": "2025-06-01",
    "nodes": [
        node("inspur-group", "Inspur Group Co., Ltd.", 1, 0, "listed", citations=[FR]),
        node("plain-partner", "Plain Partner GmbH with a rather long registered name", 2.5, 0, countries=("DE",)),
        node(
            "inspur-taiwan",
            "Inspur Taiwan",
            0,
            1,
            "listed",
            ("TW",),
            facts=[["Entity List", "added 2025-03-25"], ["country", "TW"]],
            citations=[FR],
            ultimate_parent_name="Inspur Group Co., Ltd.",
        ),
        node("possibly-holdings", "Possibly Holdings Ltd.", 2, 1, "possibly covered", ("HK",)),
        node(
            "fixture-cloud",
            "Fixture Cloud Ltd.",
            0,
            2,
            "covered",
            ("SG",),
            citations=[{"label": "made up for the test", "url": "javascript:alert(1)"}],
        ),
        node("hostile", HOSTILE, 2, 2, countries=("XX",)),
        node("a-person", "A. Person", 3, 1, countries=("US",), kind="person"),
    ],
    "edges": [
        edge("inspur-group", "inspur-taiwan", "100%", valid_from="2020-01-01", citations=[FR]),
        edge("inspur-group", "inspur-taiwan", "50-100%", "subsidiary"),
        edge("inspur-taiwan", "fixture-cloud", "60%"),
        edge("inspur-group", "possibly-holdings", "30-60%"),
        edge("plain-partner", "possibly-holdings", "40%"),
        edge("possibly-holdings", "hostile", "stake unknown"),
        edge("a-person", "possibly-holdings", "10%"),
    ],
}

NODE_BOXES = """[...document.querySelectorAll('g.node')].map(g => {
  const r = g.getBoundingClientRect();
  return {id: g.dataset.id, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: r.width, height: r.height};
})"""
TRANSFORM = "document.getElementById('viewport').getAttribute('transform')"


def find(kind: str, id: str) -> str:
    """JavaScript for the drawn node or edge with this data id."""
    return f"[...document.querySelectorAll('g.{kind}')].find(g => g.dataset.id === {json.dumps(id)})"


def centre(b: Browser, js_element: str) -> tuple[float, float]:
    x, y = b.eval(f"(r => [r.x + r.width / 2, r.y + r.height / 2])(({js_element}).getBoundingClientRect())")
    return x, y


def click_node(b: Browser, id: str) -> None:
    b.click(*centre(b, find("node", id)))


def details(b: Browser) -> str | None:
    """The text of the side panel, or None when it is closed."""
    return b.eval("document.getElementById('details').hidden ? null : document.getElementById('details').textContent")


def write_page(name: str, data: dict) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(render_html(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page_file() -> Path:
    return write_page("picture.html", DATA)


@pytest.fixture
def page(browser: Browser, page_file: Path) -> Browser:
    """The picture of ``DATA``, freshly loaded and with no script error."""
    browser.open(page_file)
    assert browser.errors() == []
    return browser


def assert_all_visible(b: Browser, ids: set[str]) -> None:
    width, height = b.eval("[innerWidth, innerHeight]")
    boxes = b.eval(NODE_BOXES)
    assert {box["id"] for box in boxes} == ids
    for box in boxes:
        assert box["width"] > 0 and box["height"] > 0, box
        assert 0 <= box["left"] and box["right"] <= width and 0 <= box["top"] and box["bottom"] <= height, box


def test_template_ships_in_the_package_and_loads_nothing():
    template = (files("exportgraph") / "view.html").read_text(encoding="utf-8")
    assert template.count("{{DATA}}") == 1
    assert not re.search(r"<link|\ssrc=|@import|url\(\s*['\"]?(https?:)?//", template, re.IGNORECASE)


def test_data_is_embedded_unbroken_and_round_trips():
    page = render_html(DATA)
    assert HOSTILE not in page and "<img" not in page
    embedded = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.DOTALL).group(1)
    assert not re.search(r"[<>&]", embedded)
    assert json.loads(embedded) == DATA


def test_every_node_is_drawn_inside_the_window(page: Browser):
    assert_all_visible(page, {n["id"] for n in DATA["nodes"]})
    assert page.eval("document.querySelectorAll('g.edge').length") == len(DATA["edges"])
    assert page.eval("document.getElementById('title').textContent") == "Inspur Group Co., Ltd."
    assert "2025-06-01" in page.eval("document.getElementById('asof').textContent")
    assert page.eval("performance.getEntriesByType('resource').length") == 0


def test_labels_countries_and_focus(page: Browser):
    taiwan = find("node", ID + "inspur-taiwan")
    assert page.eval(f"({taiwan}).querySelector('.label').textContent") == "Inspur Taiwan"
    assert page.eval(f"({taiwan}).querySelector('.countries').textContent") == "TW"
    long = find("node", ID + "plain-partner")
    # a long name is drawn whole on several lines (issue 22: names cut at about 20 characters made
    # sibling companies look identical); the tooltip holds it too
    lines = page.eval(f"[...({long}).querySelectorAll('.label tspan')].map(t => t.textContent)")
    assert len(lines) > 1 and " ".join(lines) == DATA["nodes"][1]["label"]
    assert page.eval(f"({long}).querySelector('title').textContent") == DATA["nodes"][1]["label"]
    stroke = "parseFloat(getComputedStyle(({}).querySelector('.shape')).strokeWidth)"
    assert page.eval(stroke.format(find("node", DATA["focus"]))) > page.eval(stroke.format(taiwan))
    labels = page.eval("[...document.querySelectorAll('g.edge .elabel')].map(t => t.textContent)")
    assert sorted(labels) == sorted(e["label"] for e in DATA["edges"])


def test_colours_differ_by_status(page: Browser):
    fill = "getComputedStyle(({}).querySelector('.shape')).fill"
    colours = {
        slug: page.eval(fill.format(find("node", ID + slug)))
        for slug in ("inspur-taiwan", "fixture-cloud", "possibly-holdings", "plain-partner")
    }
    assert len(set(colours.values())) == 4, colours
    red, green, blue = map(int, re.findall(r"\d+", colours["inspur-taiwan"])[:3])
    assert red > 150 and green < 100 and blue < 100, colours
    assert page.eval(fill.format(find("node", ID + "inspur-group"))) == colours["inspur-taiwan"]


def test_clicking_a_node_shows_its_facts_and_citations(page: Browser):
    assert details(page) is None
    click_node(page, ID + "inspur-taiwan")
    text = details(page)
    assert text is not None and "Inspur Taiwan" in text and "added 2025-03-25" in text and "90 FR 14048" in text
    link = page.eval("(a => [a.textContent, a.href, a.target, a.rel])(document.querySelector('#details a'))")
    assert link == ["90 FR 14048", FR["url"], "_blank", "noopener"]
    assert page.eval(f"({find('node', ID + 'inspur-taiwan')}).classList.contains('selected')")


def test_a_citation_with_a_script_url_is_not_a_link(page: Browser):
    click_node(page, ID + "fixture-cloud")
    assert "made up for the test" in details(page)
    assert page.eval("document.querySelectorAll('#details a').length") == 0


def test_clicking_an_edge_shows_its_validity_and_clicking_the_background_closes(page: Browser):
    page.click(*centre(page, find("edge", f"{ID}inspur-group-inspur-taiwan-stake") + ".querySelector('.elabel')"))
    text = details(page)
    assert text is not None and "100%" in text and "2020-01-01" in text and "90 FR 14048" in text
    left, top = page.eval("(r => [r.left + 3, r.top + 3])(document.getElementById('canvas').getBoundingClientRect())")
    page.click(left, top)
    assert details(page) is None
    assert page.eval("document.querySelectorAll('.selected').length") == 0


def test_hostile_label_is_text(page: Browser):
    hostile = find("node", ID + "hostile")
    assert page.eval(f"({hostile}).querySelector('title').textContent") == HOSTILE
    click_node(page, ID + "hostile")
    assert page.eval("document.querySelector('#details h2').textContent") == HOSTILE
    assert page.eval("document.querySelectorAll('img').length") == 0
    assert page.errors() == []


def test_wheel_buttons_and_drag_change_the_view_and_fit_restores_it(page: Browser):
    fitted = page.eval(TRANSFORM)
    x, y = centre(page, "document.getElementById('canvas')")
    page.wheel(x, y, -300)
    zoomed = page.eval(TRANSFORM)
    assert zoomed != fitted
    page.click(*centre(page, "document.getElementById('zoom-in')"))
    assert page.eval(TRANSFORM) not in (fitted, zoomed)
    page.click(*centre(page, "document.getElementById('fit')"))
    assert page.eval(TRANSFORM) == fitted
    page.drag(x + 10, y + 200, x + 110, y + 150)
    assert page.eval(TRANSFORM) != fitted
    assert details(page) is None


def test_screenshot_is_a_real_png(page: Browser):
    click_node(page, ID + "inspur-taiwan")
    png = page.screenshot(ARTIFACTS / "picture.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_one_node(browser: Browser):
    only = node("alone", "Alone Ltd.", 0, 0, "covered")
    browser.open(
        write_page(
            "picture-one.html",
            {"title": "Alone", "focus": only["id"], "as_of": "2025-06-01", "nodes": [only], "edges": []},
        )
    )
    assert browser.errors() == []
    assert_all_visible(browser, {only["id"]})
    assert 0 < float(re.search(r"scale\(([\d.]+)\)", browser.eval(TRANSFORM)).group(1)) <= 1.5


def test_three_hundred_nodes(browser: Browser):
    nodes = [node("root", "Root Holdings", 14.5, 0, "listed")]
    nodes += [
        node(
            f"n{i}",
            f"Subsidiary number {i} of Root Holdings",
            i % 30,
            1 + i // 30,
            ("covered", "possibly covered", "")[i % 3],
        )
        for i in range(299)
    ]
    edges = [edge("root" if i < 30 else f"n{i - 30}", f"n{i}", f"{50 + i % 50}%") for i in range(299)]
    browser.open(
        write_page(
            "picture-300.html",
            {"title": "Root", "focus": nodes[0]["id"], "as_of": "2025-06-01", "nodes": nodes, "edges": edges},
        )
    )
    assert browser.errors() == []
    assert_all_visible(browser, {n["id"] for n in nodes})
