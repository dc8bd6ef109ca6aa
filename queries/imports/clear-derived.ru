#+ summary: >-
#+   Before derived facts are computed again after an import took triples away: remove every triple of
#+   a derived property (the properties that queries/derive/*.ru insert) that no source asserts, so
#+   that nothing stays derived from data that is gone (a stake removed, its subsidiary link and
#+   ultimate parent with it). What a source asserts stays: every imported and bundled file keeps its
#+   copy in a graph under graph/source/. Run in an import's commit on a persistent store only.
DELETE { ?s ?p ?o }
WHERE {
  VALUES ?p { eg:country eg:tpp eg:performanceDensity eg:subsidiaryOf eg:ultimateParent eg:eccn
              eg:meetsCriterion eg:mayMeetCriterion
              eg:addressKey eg:sharesAddressWith
              eg:sameAs eg:mergedInto eg:recordName eg:viaRecord }
  ?s ?p ?o .
  FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/exportgraph/id/graph/source/")) }
}
