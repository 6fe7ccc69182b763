"""Bulk imports of schools and people from the spreadsheets offices already keep."""
