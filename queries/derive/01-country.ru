#+ summary: >-
#+   Derive: a party's country of incorporation or headquarters is one of its countries (eg:country).
INSERT { ?p eg:country ?c }
WHERE { ?p eg:incorporatedIn|eg:headquarteredIn ?c . FILTER NOT EXISTS { ?p eg:country ?c } }
