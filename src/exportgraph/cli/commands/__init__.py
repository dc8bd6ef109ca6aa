"""The verbs: each module adds its verbs' options (`add_parsers`) and maps them to their handlers (`VERBS`)."""
