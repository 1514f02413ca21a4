"""`checker serve`: the reviewer's workbench (a Chinese web page) and a JSON API over the checker.

The same reports as the CLI, byte for byte, from worker processes that hold the rules engine;
the web server's own threads never touch it. Needs the `serve` extra (FastAPI, uvicorn,
python-multipart); `checker.serve.command` alone imports none of them.
"""
