#+ summary: >-
#+   The ECCN of each order's item on the order's date (eg:classifiedAs), which the restriction shapes
#+   read: that of every criterion the item meets (queries/derive/06-eccn.ru) that is in force on the
#+   order's date, or the ECCN the order states (eg:itemEccn) if that ECCN exists on the date (3A090.c
#+   from 2024-12-02; one that does not yet is an input problem, for review). An item is classified with
#+   the criteria of its date: in 2022-23 the October 2022 test of 3A090, from 2023-11-17 the October 2023 one.
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
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d ; eg:itemEccn ?eccn }
  FILTER NOT EXISTS { ?eccn eg:validFrom ?ef FILTER(?ef > ?d) }
  FILTER NOT EXISTS { ?eccn eg:validTo ?et FILTER(?et < ?d) }
} ;
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:inputProblem ?problem } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:orderDate ?d ; eg:itemEccn ?eccn }
  ?eccn skos:notation ?code ; eg:validFrom ?ef .
  FILTER(?ef > ?d)
  BIND(CONCAT("ECCN ", ?code, " did not exist on ", SUBSTR(STR(?d), 1, 10), " (it dates from ",
              SUBSTR(STR(?ef), 1, 10), "): give the item's classification on that day") AS ?problem)
} ;
# ... and every ECCN it falls under (the ECCN itself and the ones above it, e.g. 3A090.a and 3A090),
# which the shapes test scopes with (eg:classifiedUnder).
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedUnder ?above } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:classifiedAs ?eccn }
  ?eccn skos:broader* ?above .
} ;
# The TPP shipped to each order's consignee in the order's calendar year up to and including its
# date, over the orders checked together (eg:consigneeTppYearToDate), which the AI Diffusion shape
# holds against License Exception LPP's cap. The orders are summed per consignee and day first, so
# each order is joined to at most the 366 days of its consignee's year, not to its other orders.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:consigneeTppYearToDate ?total } }
WHERE {
  { SELECT ?o (SUM(?daily) AS ?total) WHERE {
      GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o a eg:Order ; eg:consignee ?consignee ; eg:orderDate ?d }
      BIND(YEAR(?d) AS ?year)
      { SELECT ?consignee ?year ?od (SUM(?tpp * COALESCE(?q, 1)) AS ?daily) WHERE {
          GRAPH <https://w3id.org/exportgraph/id/graph/orders> {
            ?other a eg:Order ; eg:consignee ?consignee ; eg:orderDate ?od ; eg:item ?item .
            OPTIONAL { ?other eg:quantity ?q } }
          ?item eg:tpp ?tpp .
          BIND(YEAR(?od) AS ?year) }
        GROUP BY ?consignee ?year ?od }
      FILTER(?od <= ?d) }
    GROUP BY ?o }
}
