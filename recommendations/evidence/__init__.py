"""Evidence of progress: files (checked by content, stored under their sha256), links and
report excerpts. Each addition or removal is a history row of the evidence, related to its
recommendation."""
