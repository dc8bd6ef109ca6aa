#+ summary: >-
#+   The 50% rule, step 4: each covered or possibly covered party's coverage lists the stakes held in
#+   it by listed or covered parties (and, for possible coverage, possibly covered ones) on ?asOf.
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
  ?cov eg:coveringStake ?s ; eg:coveredThrough ?oc } }
WHERE {
  GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?cov eg:validFrom ?from ; eg:coveredParty ?o ; eg:coverageStatus ?status .
    FILTER(?status IN (eg:Covered, eg:PossiblyCovered)) }
  ?s eg:owned ?o ; eg:owner ?owner .
  GRAPH <https://w3id.org/exportgraph/id/graph/coverage> {
    ?oc eg:coveredParty ?owner ; eg:validFrom ?from ; eg:coverageStatus ?ownerStatus . }
  # outside the GRAPH block, where ?status is in scope (inside it, a possibly covered owner never counted)
  FILTER(?ownerStatus != eg:PossiblyCovered || ?status = eg:PossiblyCovered)
  FILTER NOT EXISTS { ?s eg:stakeKind eg:ControlWithoutEquity }
  # votes alone count only towards possible coverage (as in step 2)
  FILTER(?status = eg:PossiblyCovered || NOT EXISTS { ?s eg:stakeKind eg:Voting FILTER NOT EXISTS { ?s eg:stakeKind eg:Equity } })
  FILTER NOT EXISTS { ?s eg:validFrom ?vf FILTER(?vf > ?asOf) }
  FILTER NOT EXISTS { ?s eg:validTo ?vt FILTER(?vt < ?asOf) }
}
