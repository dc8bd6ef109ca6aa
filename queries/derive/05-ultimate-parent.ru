# Derive: the ultimate parent is the top of the chain of subsidiaryOf links (none where the chain loops).
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/derived> { ?x eg:ultimateParent ?top } }
WHERE {
  ?x eg:subsidiaryOf+ ?top .
  FILTER NOT EXISTS { ?top eg:subsidiaryOf ?above }
  FILTER(?x != ?top)
}
