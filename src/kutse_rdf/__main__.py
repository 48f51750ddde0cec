from kutse_rdf.cli import entry

entry()
