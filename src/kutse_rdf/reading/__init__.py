"""Reading and parsing: a standard's file (source.py) into lines, lines into the typed model
(parser.py, with the patterns and the skip list in rules.py)."""
