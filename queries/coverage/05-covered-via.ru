#+ summary: >-
#+   The 50% rule, step 5: the lists a coverage rests on (eg:coveredVia). A listed party's are the lists
#+   it is on (of those the Affiliates rule names) on ?asOf; a covered or possibly covered party's are
#+   those of the listed parties above it, through the stakes that count (eg:coveredThrough). The
#+   affiliate takes the restrictions of its most restrictive owner: the Entity List's where one of
#+   them is on it, else the MEU List's (items in Supplement No. 2 to part 744 only).
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> { ?cov eg:coveredVia ?list } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?cov eg:validFrom ?from ; eg:coverageStatus eg:Listed ; eg:coveredParty ?p }
  ?e eg:party ?p ; eg:onList ?list .
  FILTER EXISTS { <https://w3id.org/exportgraph/id/rule/affiliates-2025-09> eg:concernsList ?list }
  FILTER NOT EXISTS { ?e eg:dateAdded ?added FILTER(?added > ?asOf) }
  FILTER NOT EXISTS { ?e eg:dateRemoved ?removed FILTER(?removed <= ?asOf) }
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> { ?cov eg:coveredVia ?list } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?cov eg:validFrom ?from ; eg:coverageStatus ?status ; eg:coveredThrough+ ?top .
    FILTER(?status IN (eg:Covered, eg:PossiblyCovered))
    ?top eg:coverageStatus eg:Listed ; eg:coveredVia ?list }
}
