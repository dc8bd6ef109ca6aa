# Derive: an item's ECCN from its figures. An ECCN applies when one of its criteria holds; a
# criterion holds when the item is of the class it applies to and meets every bound it has
# (tppMin/pdMin: at least; tppBelow/pdBelow: less than; requiresDatacenter: designed for data centres).
# An item without the figures a bound needs is not classified by that criterion.
INSERT { ?item eg:eccn ?eccn }
WHERE {
  ?eccn eg:criterion ?c .
  ?c eg:appliesTo ?class .
  ?item a/rdfs:subClassOf* ?class ; eg:tpp ?tpp .
  OPTIONAL { ?item eg:performanceDensity ?pd }
  FILTER NOT EXISTS { ?c eg:tppMin ?v FILTER(?tpp < ?v) }
  FILTER NOT EXISTS { ?c eg:tppBelow ?v FILTER(?tpp >= ?v) }
  FILTER NOT EXISTS { ?c eg:pdMin ?v FILTER(!BOUND(?pd) || ?pd < ?v) }
  FILTER NOT EXISTS { ?c eg:pdBelow ?v FILTER(!BOUND(?pd) || ?pd >= ?v) }
  FILTER NOT EXISTS { ?c eg:requiresDatacenter true FILTER NOT EXISTS { ?item eg:datacenterDesigned true } }
  FILTER NOT EXISTS { ?item eg:eccn ?eccn }
}
