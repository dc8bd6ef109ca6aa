#+ summary: >-
#+   The rules in force on each order's date, which the restriction shapes join instead of testing the
#+   dates themselves: in force from eg:effective, else eg:published (a rule with neither has no
#+   recorded start: in force), not while suspended (eg:suspendedFrom to eg:suspendedTo, both days
#+   included), not from eg:rescindedOn. They are a property of the day, not of the order: each
#+   distinct date of the orders gets one eg:CheckDay node with its rules (eg:ruleInForce), and each
#+   order points to its day (eg:orderDay), so orders of one day share one list of rules.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?day a eg:CheckDay ; eg:dayDate ?d ; eg:ruleInForce ?rule } }
WHERE {
  { SELECT DISTINCT ?d WHERE { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d } } }
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/day/", ENCODE_FOR_URI(STR(?d)))) AS ?day)
  ?rule a eg:Rule .
  OPTIONAL { ?rule eg:effective ?eff }
  OPTIONAL { ?rule eg:published ?pub }
  FILTER(!BOUND(?eff) && !BOUND(?pub) || COALESCE(?eff, ?pub) <= ?d)
  FILTER NOT EXISTS { ?rule eg:suspendedFrom ?sf ; eg:suspendedTo ?st FILTER(?sf <= ?d && ?d <= ?st) }
  FILTER NOT EXISTS { ?rule eg:rescindedOn ?rs FILTER(?rs <= ?d) }
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:orderDay ?day } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d }
  BIND(IRI(CONCAT("https://w3id.org/exportgraph/id/day/", ENCODE_FOR_URI(STR(?d)))) AS ?day)
}
