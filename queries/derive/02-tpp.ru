#+ summary: >-
#+   Derive: TPP = the highest dense TOPS x bit length over a circuit's precisions (ECCN 3A090, Technical Note).
INSERT { ?chip eg:tpp ?tpp }
WHERE {
  { SELECT ?chip (MAX(xsd:decimal(?tops) * ?bits) AS ?tpp)
    WHERE { ?chip eg:throughput ?f . ?f eg:denseTops ?tops ; eg:bitLength ?bits }
    GROUP BY ?chip }
  FILTER NOT EXISTS { ?chip eg:tpp ?any }
}
