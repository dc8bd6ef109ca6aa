#+ summary: >-
#+   Derive: one party per organisation. Records that eg:SameOrganisation judgements join (directly or
#+   through other records) are a cluster. The cluster's canonical record (the first by IRI of those on
#+   the Entity List, else of those typed as organisations, else of all) carries every member's facts,
#+   and the other records are merged into it. Every verb, query and export then sees one party.
#+
#+   A merged record keeps only its source name (eg:recordName), its label, its sources and eg:mergedInto; its other
#+   facts move to the canonical party (its eg:name becomes an eg:alias there), and every node that
#+   named it (a list entry, a stake, an order) names the canonical party instead, with eg:viaRecord
#+   saying which record the fact came from. The judgements themselves (eg:record) are not rewritten.
#+   Idempotent: a second run finds nothing to move. On a persistent store an import first restores
#+   the records from the sources (queries/imports/clear-clusters.ru), then this runs again.

DELETE { ?a eg:sameAs ?b } WHERE { ?a eg:sameAs ?b } ;

INSERT { ?a eg:sameAs ?b . ?b eg:sameAs ?a }
WHERE { ?j a eg:SameOrganisation ; eg:record ?a , ?b . FILTER(?a != ?b) } ;

# the canonical record of each record's cluster; a merge from an earlier run that a new judgement
# changed is redone (the old canonical party is merged into the new one with what it carries)
DELETE { ?m eg:mergedInto ?old } WHERE { ?m eg:mergedInto ?old } ;

INSERT { ?m eg:mergedInto ?c }
WHERE {
  { SELECT ?m (MIN(?key) AS ?best) WHERE {
      ?m eg:sameAs+ ?y .
      # a record is on the Entity List if an entry names it, or named it before a merge
      # then a record typed as an organisation (a curated one) before a bare list record
      BIND(IF(EXISTS { ?e eg:party|eg:viaRecord ?y ; eg:onList <https://w3id.org/exportgraph/id/list/entity-list> },
              "0", IF(EXISTS { ?y a/rdfs:subClassOf* eg:Organization }, "1", "2")) AS ?rank)
      BIND(CONCAT(?rank, STR(?y)) AS ?key)
    } GROUP BY ?m }
  BIND(IRI(SUBSTR(?best, 2)) AS ?c)
  FILTER(?c != ?m)
} ;

INSERT { ?m eg:recordName ?n } WHERE { ?m eg:mergedInto ?c ; eg:name ?n } ;

# the merged record's facts move to the canonical party: its name becomes an alias; its label,
# record name and cluster links stay with it, and its sources are on both (the record still says
# where it was read)
INSERT { ?c dct:source ?s } WHERE { ?m eg:mergedInto ?c ; dct:source ?s } ;

DELETE { ?m ?p ?o } INSERT { ?c ?q ?o }
WHERE {
  ?m eg:mergedInto ?c ; ?p ?o .
  FILTER(?p NOT IN (eg:mergedInto, eg:recordName, eg:sameAs, rdfs:label, dct:source))
  BIND(IF(?p = eg:name, eg:alias, ?p) AS ?q)
} ;

# what named the merged record names the canonical party, and says through which record
# (a party derived to be its subsidiary or to share its address gets no eg:viaRecord: those links
# are derived again from the facts that moved)
DELETE { ?s ?p ?m } INSERT { ?s ?p ?c . ?s eg:viaRecord ?via }
WHERE {
  ?m eg:mergedInto ?c . ?s ?p ?m .
  FILTER(?p NOT IN (eg:record, eg:mergedInto, eg:sameAs, eg:viaRecord))
  FILTER(?s != ?c)
  BIND(IF(?p IN (eg:subsidiaryOf, eg:ultimateParent, eg:sharesAddressWith), ?nothing, ?m) AS ?via)
} ;

# a link between two records of one cluster (a derived subsidiary link, a shared address) would now
# be a loop on the canonical party: it goes
DELETE { ?c ?p ?c } WHERE { ?m eg:mergedInto ?c . ?c ?p ?c . FILTER(?p != eg:sameAs) }
