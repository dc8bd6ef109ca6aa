r"""The interactive picture: one self-contained HTML page of an organisation's ownership neighbourhood.

The page (``view.html``, shipped in the package) has no outside resource: CSS and JavaScript are
inline and the data is embedded as JSON, so the file works offline from ``file://``. The caller lays
the graph out; the page only draws, pans, zooms and shows the facts and citations of what is clicked.

The data contract (positions in layout units, one unit = one node slot, y grows downward)::

    {"title": str, "focus": node id, "as_of": "YYYY-MM-DD",
     "nodes": [{"id", "label", "x", "y", "kind", "type", "countries": [..],
                "status": "listed" | "covered" | "possibly covered" | "", "lists": [..],
                "ultimate_parent_name", "facts": [[key, value], ..], "citations": [{"label", "url"}, ..]}],
     "edges": [{"id", "source" (owner), "target" (owned), "type": "stake" | "subsidiary",
                "label", "valid_from", "valid_to", "citations": [..]}]}
"""

from __future__ import annotations

import json
from importlib.resources import files

_PLACEHOLDER = "{{DATA}}"
# Inside a <script> element the HTML parser ends at "</script" and treats "<!--" specially, whatever
# the JSON says; these escapes are still valid JSON and leave no "<", ">" or "&" in the page.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def render_html(data: dict) -> str:
    r"""Returns the page for ``data`` (see the module docstring); strings in it are treated as untrusted.

    >>> page = render_html({"title": "</script><!--", "nodes": [], "edges": []})
    >>> "</script><!--" in page, '"title": "\\u003c/script\\u003e\\u003c!--"' in page
    (False, True)
    """
    template = (files("exportgraph") / "view.html").read_text(encoding="utf-8")
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False).translate(_SCRIPT_SAFE)
    return template.replace(_PLACEHOLDER, payload)
