#+ summary: >-
#+   Derive: performance density = TPP / applicable die area in mm² (ECCN 3A090, Technical Note).
INSERT { ?chip eg:performanceDensity ?pd }
WHERE {
  ?chip eg:tpp ?tpp ; eg:dieArea ?area .
  FILTER(?area > 0)
  FILTER NOT EXISTS { ?chip eg:performanceDensity ?any }
  BIND(ROUND(?tpp / ?area * 1000) / 1000 AS ?pd)
}
