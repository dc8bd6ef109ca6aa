# Derive: a party's country of incorporation or headquarters is one of its countries (eg:country).
INSERT { GRAPH <https://w3id.org/exportgraph/id/graph/derived> { ?p eg:country ?c } }
WHERE { ?p eg:incorporatedIn|eg:headquarteredIn ?c . FILTER NOT EXISTS { ?p eg:country ?c } }
