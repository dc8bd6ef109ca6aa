#+ summary: >-
#+   The parties of each order in the roles the restriction shapes test (eg:orderRole): its buyer,
#+   consignee and end user, and the party of each of its shipment legs (an intermediary), each as a
#+   node with the party (eg:roleParty) and the role's name in messages (eg:roleName). The seller is no
#+   such role. A party in two legs of an order is one intermediary.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/orders> { ?o eg:orderRole _:r . _:r eg:roleParty ?p ; eg:roleName ?role } }
WHERE {
  SELECT DISTINCT ?o ?p ?role WHERE {
    GRAPH <https://w3id.org/exportgraph/id/graph/orders> {
      ?o a eg:Order .
      { ?o eg:buyer ?p BIND("buyer" AS ?role) }
      UNION { ?o eg:consignee ?p BIND("consignee" AS ?role) }
      UNION { ?o eg:endUser ?p BIND("end user" AS ?role) }
      UNION { ?o eg:leg/eg:legParty ?p BIND("intermediary" AS ?role) }
    }
  }
}
