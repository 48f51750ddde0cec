from kutse_rdf.cli import main

raise SystemExit(main())
