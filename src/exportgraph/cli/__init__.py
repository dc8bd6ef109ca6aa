"""The ``exportgraph`` command: one entry point, verbs, options after the verb.

Exit codes: 0 success; 2 usage or input error (bad file, row, date, parameter or query);
3 the name or IRI matches no party, or several.

The verbs live in ``cli.commands`` (each module adds its verbs' options with ``add_parsers`` next to
their handlers), the parser in ``cli.parser``, tables/CSV/JSON in ``cli.output``, standard input in
``cli.stdin``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .. import settings
from ..errors import AmbiguousError, ExportGraphError, InputError, NotFoundError
from .common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, EXIT_VERDICT
from .messages import input_message
from .options import engine_settings
from .parser import VERBS, build_parser
from .stdin import Stdin

__all__ = ["EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "EXIT_VERDICT", "VERBS", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdin = Stdin()
    try:
        stdin.take(args)  # `-` for a file: standard input, read into a file of its own
    except InputError as exc:
        print(f"exportgraph: error: {exc}", file=sys.stderr)
        stdin.close()
        return EXIT_USAGE
    # export and view write their own files (whole or not at all)
    own = args.verb in ("export", "view", "dump")
    try:
        out = sys.stdout if own or args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    except OSError as exc:
        print(f"exportgraph: error: -o {args.output}: {exc.strerror}", file=sys.stderr)
        stdin.close()
        return EXIT_USAGE
    try:
        with settings.choosing(**engine_settings(args)):
            return VERBS[args.verb](args, out)
    except (NotFoundError, AmbiguousError) as exc:
        print(f"exportgraph: {stdin.named(exc)}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except InputError as exc:  # a message of the facade that names a parameter names its flag here
        print(f"exportgraph: error: {input_message(exc, stdin.named(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except ExportGraphError as exc:
        print(f"exportgraph: error: {stdin.named(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader (e.g. `head`) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    finally:
        if out is not sys.stdout:
            out.close()
        stdin.close()
