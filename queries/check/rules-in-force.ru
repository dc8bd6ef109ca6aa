#+ summary: >-
#+   The rules in force on each order's date (eg:ruleInForce), which the restriction shapes join instead
#+   of testing the dates themselves: in force from eg:effective, else eg:published (a rule with neither
#+   has no recorded start: in force), not while suspended (eg:suspendedFrom to eg:suspendedTo, both
#+   days included), not from eg:rescindedOn.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:ruleInForce ?rule } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d }
  ?rule a eg:Rule .
  OPTIONAL { ?rule eg:effective ?eff }
  OPTIONAL { ?rule eg:published ?pub }
  FILTER(!BOUND(?eff) && !BOUND(?pub) || COALESCE(?eff, ?pub) <= ?d)
  FILTER NOT EXISTS { ?rule eg:suspendedFrom ?sf ; eg:suspendedTo ?st FILTER(?sf <= ?d && ?d <= ?st) }
  FILTER NOT EXISTS { ?rule eg:rescindedOn ?rs FILTER(?rs <= ?d) }
}
