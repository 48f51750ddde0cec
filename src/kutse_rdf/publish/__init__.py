"""Getting a build to its users: the upload to a triple store (upload.py) and the local preview
server with its SPARQL endpoint (serve.py)."""
