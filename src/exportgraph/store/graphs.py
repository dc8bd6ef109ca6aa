"""The named graphs of exportgraph's stores, spelled once.

The live data is in the default graph. Derived-for-a-moment facts have graphs of their own
(``TRANSIENT``), and a persistent store keeps its bookkeeping (``BOOKKEEPING``): one copy of what
each source asserts, one generation per import, under ``SOURCES``; which generation is current, and
the store's marks, in ``META``; the ``eg:Import`` records in ``IMPORTS``.
"""

from __future__ import annotations

from ..prefixes import PREFIXES

GRAPH = PREFIXES["egid"] + "graph/"
COVERAGE = GRAPH + "coverage"  # the 50% rule of some dates (coverage.py)
ORDERS = GRAPH + "orders"  # orders being checked (check.py)
META = GRAPH + "meta"  # a persistent store's marks and current source generations
IMPORTS = GRAPH + "imports"  # a persistent store's eg:Import records
SOURCES = GRAPH + "source/"  # prefix of the per-source copies, ``source/<key>/<generation>``

# graphs whose triples are derived for a moment and are not part of the data: ``dump()`` leaves them out
TRANSIENT = (COVERAGE, ORDERS)
# a persistent store's bookkeeping: never part of what queries see (prefixes: ``str.startswith``)
BOOKKEEPING = (SOURCES, META)
