# The ECCN of each order's item on the order's date (eg:classifiedAs), which the restriction shapes
# read: the ECCN the order states (eg:itemEccn), or that of every criterion the item meets
# (queries/derive/06-eccn.ru) that is in force on the order's date. An item is classified with the
# criteria of its date: in 2022-23 the October 2022 test of 3A090, from 2023-11-17 the October 2023 one.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedAs ?eccn } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d ; eg:item ?item }
  ?item eg:meetsCriterion ?crit .
  ?eccn eg:criterion ?crit .
  FILTER NOT EXISTS { ?crit eg:validFrom ?cf FILTER(?cf > ?d) }
  FILTER NOT EXISTS { ?crit eg:validTo ?ct FILTER(?ct < ?d) }
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedAs ?eccn } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:itemEccn ?eccn }
}
 ;
# ... and every ECCN it falls under (the ECCN itself and the ones above it, e.g. 3A090.a and 3A090),
# which the shapes test scopes with (eg:classifiedUnder), so that no shape follows skos:broader.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedUnder ?above } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedAs ?eccn }
  ?eccn skos:broader* ?above .
}
