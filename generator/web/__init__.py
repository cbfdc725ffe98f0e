"""`generate serve`: the report desk in a browser (issue 15), built on generator/pipeline.py.

app.py        create_app(data_dir, database_url): routes, middleware, templates
storage.py    the data folder: uploads by content hash, the database (SQLAlchemy + Alembic)
views_clerk.py the clerk's desk: year, blank workbook, upload, findings, preview, downloads
security.py   CSRF tokens, security headers, the upload size limit
server.py     running it under uvicorn (Ctrl-C stops cleanly)
"""
