"""The update round (issue 23): forms out to the lead agencies, their returns back in.

- `record.py`: the round's data file, `data/rounds/ROUND-ID.yaml` (who was asked about
  what, who returned, the retargets they asked for), its loading and its checks.
- `leads.py`: the agencies a round writes to (from `data/agencies.yaml` when it exists,
  else one per lead text) and the actions each leads.
- `forms.py`: the return form, an `.xlsx` workbook (or a Word table, `docx.py`).
- `start.py`: `cap round start`: the forms, the round's record, the email drafts.
- `collect.py`: `cap round collect`: reading returned forms back into progress entries.
- `drafts.py`: the `.eml` drafts (Python's `email` package); `status.py`: who returned.

`cap/cli/rounds.py` is the thin command layer.
"""
