#+ summary: >-
#+   Orders given as RDF: an order date written as xsd:date becomes midnight xsd:dateTime (what the
#+   shapes compare dates as); a date of any other type is an input problem, for review, not a date
#+   that every comparison silently fails on.
DELETE { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:orderDate ?d } }
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:orderDate ?day } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d }
  FILTER(DATATYPE(?d) = xsd:date)
  BIND(xsd:dateTime(CONCAT(SUBSTR(STR(?d), 1, 10), "T00:00:00")) AS ?day)
  FILTER(BOUND(?day))
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:inputProblem ?problem } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d }
  FILTER(!isLITERAL(?d) || DATATYPE(?d) != xsd:dateTime)
  BIND(CONCAT("order date ", STR(?d), " is not a date (xsd:date or xsd:dateTime)") AS ?problem)
}
