"""Review before publication (issue 21 §2, `REVIEW_REQUIRED`).

With review on, a person's progress entry — from a recommendation's or a measure's page, the
API, the bulk form or the admin, all through `progress.services.progress_record` — is saved
as *proposed*: analysts and its author see it marked so, and nothing public counts it (every
public reader takes `progress.published`). A reviewer — an administrator, or a staff member
given the permission "Can review proposed progress" — approves it (its status then applies
from the date it was proposed with, through the same `subject_status_refresh` as an
unreviewed entry), returns it with a comment, or rejects it; never their own. Each step is a
history row.
"""
