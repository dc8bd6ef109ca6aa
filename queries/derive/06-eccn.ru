#+ summary: >-
#+   Derive: which ECCN criteria an item meets, may meet, and its ECCN under the criteria in force today.
#+   A criterion holds when the item is of the class it applies to and meets every bound it has
#+   (tppMin/pdMin/interconnectMin: at least; tppBelow/pdBelow: less than; requiresDatacenter: designed
#+   for data centres). Criteria carry the period they were in force (eg:validFrom/eg:validTo): the
#+   restriction shapes classify an order's item with the criteria in force on the order's date.
#+   - eg:meetsCriterion: every bound the criterion has is known for the item and holds.
#+   - eg:mayMeetCriterion: the item's TPP is known and no known figure fails a bound, but a figure a
#+   bound needs is not recorded (density, interconnect bandwidth, data-centre design): unknown, a
#+   case for review, never a pass. (An item without TPP is the item-classification shape's case.)
#+   - eg:eccn: the ECCN of a criterion met that is still in force (no eg:validTo).
INSERT { ?item eg:meetsCriterion ?c }
WHERE {
  ?eccn eg:criterion ?c .
  ?c eg:appliesTo ?class .
  ?item a/rdfs:subClassOf* ?class ; eg:tpp ?tpp .
  OPTIONAL { ?item eg:performanceDensity ?pd }
  OPTIONAL { ?item eg:interconnectBandwidth ?bw }
  FILTER NOT EXISTS { ?c eg:tppMin ?v FILTER(?tpp < ?v) }
  FILTER NOT EXISTS { ?c eg:tppBelow ?v FILTER(?tpp >= ?v) }
  FILTER NOT EXISTS { ?c eg:pdMin ?v FILTER(!BOUND(?pd) || ?pd < ?v) }
  FILTER NOT EXISTS { ?c eg:pdBelow ?v FILTER(!BOUND(?pd) || ?pd >= ?v) }
  FILTER NOT EXISTS { ?c eg:interconnectMin ?v FILTER(!BOUND(?bw) || ?bw < ?v) }
  FILTER NOT EXISTS { ?c eg:requiresDatacenter true FILTER NOT EXISTS { ?item eg:datacenterDesigned true } }
  FILTER NOT EXISTS { ?item eg:meetsCriterion ?c }
} ;
INSERT { ?item eg:mayMeetCriterion ?c }
WHERE {
  ?eccn eg:criterion ?c .
  ?c eg:appliesTo ?class .
  ?item a/rdfs:subClassOf* ?class ; eg:tpp ?tpp .
  OPTIONAL { ?item eg:performanceDensity ?pd }
  OPTIONAL { ?item eg:interconnectBandwidth ?bw }
  OPTIONAL { ?item eg:datacenterDesigned ?dc }
  FILTER NOT EXISTS { ?c eg:tppMin ?v FILTER(?tpp < ?v) }
  FILTER NOT EXISTS { ?c eg:tppBelow ?v FILTER(?tpp >= ?v) }
  FILTER NOT EXISTS { ?c eg:pdMin ?v FILTER(BOUND(?pd) && ?pd < ?v) }
  FILTER NOT EXISTS { ?c eg:pdBelow ?v FILTER(BOUND(?pd) && ?pd >= ?v) }
  FILTER NOT EXISTS { ?c eg:interconnectMin ?v FILTER(BOUND(?bw) && ?bw < ?v) }
  FILTER NOT EXISTS { ?c eg:requiresDatacenter true FILTER(BOUND(?dc) && !?dc) }
  FILTER((!BOUND(?pd) && EXISTS { ?c eg:pdMin|eg:pdBelow ?x })
         || (!BOUND(?bw) && EXISTS { ?c eg:interconnectMin ?x })
         || (!BOUND(?dc) && EXISTS { ?c eg:requiresDatacenter true }))
  FILTER NOT EXISTS { ?item eg:mayMeetCriterion ?c }
} ;
INSERT { ?item eg:eccn ?eccn }
WHERE {
  ?item eg:meetsCriterion ?c .
  ?eccn eg:criterion ?c .
  FILTER NOT EXISTS { ?c eg:validTo ?to }
  FILTER NOT EXISTS { ?item eg:eccn ?eccn }
}
