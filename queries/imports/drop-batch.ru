#+ summary: >-
#+   Remove up to 100,000 triples of a source generation that nothing names (a removal cut short is
#+   taken up again; one transaction over a big copy would need memory in proportion). <$graph> is
#+   the generation's IRI, read from the store's own graph list.
DELETE { GRAPH <$graph> { ?s ?p ?o } } WHERE { SELECT ?s ?p ?o WHERE { GRAPH <$graph> { ?s ?p ?o } } LIMIT 100000 }
