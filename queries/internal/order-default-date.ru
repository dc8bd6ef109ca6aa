#+ summary: An order given as RDF without a date is checked as of the day given (asOf).
#+ params:
#+   - {name: asOf, type: date, example: "2025-06-01"}
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:orderDate ?asOf } }
WHERE { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order FILTER NOT EXISTS { ?o eg:orderDate ?any } } }
