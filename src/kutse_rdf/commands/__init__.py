"""One module per CLI subcommand: each defines HELP, add_arguments(parser) and run(args) -> int.
Modules import their stages inside run(), so `kutse-rdf --help` stays fast."""

NAMES = ("parse", "build", "validate", "query", "diff", "serve", "publish", "esco")
