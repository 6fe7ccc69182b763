"""Bulk imports of spreadsheets, one machinery for every service.

A service plugs in its kinds (columns, draft model, `apply`), its access rule and its tables
(`import_tables`) as an `Importer`; the runtime reads the file (Excel in a sandboxed child
process), runs jobs in chunks from a worker, publishes progress, and serves the job's status,
errors.csv and matches.csv. A row that names a record an earlier row of the file named is a
duplicate for every kind, so a list pasted twice into one sheet is not a list of errors.
"""
