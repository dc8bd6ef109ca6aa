"""Names that are public contract and that the command line needs before anything heavy is loaded:
the orders CSV's columns, the checking engines, the verdicts, the screening threshold. No imports:
building the parser reads them without loading rdflib, the shapes or the screening tables."""

from __future__ import annotations

ORDER_COLUMNS = (
    "order_id",
    "date",
    "item",
    "quantity",
    "seller",
    "buyer",
    "consignee",
    "end_user",
    "intermediaries",
    "destination",
    "end_use",
)
CHECK_ENGINES = ("store", "turbo", "pyshacl")
LICENSE_REQUIRED, NO_LICENSE_REQUIRED, NEEDS_REVIEW = "license_required", "no_license_required", "needs_review"
SCREEN_THRESHOLD = 90  # the score (0-100) a name must reach to be a match
