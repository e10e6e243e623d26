"""Tags beside a recommendation's one area: themes, affected groups, Sustainable Development
Goals, recommending States and the position taken (UPR).

- `vocabularies.py`: each vocabulary declared once (the SDGs and positions with their names
  in both languages, the UPR theme headings that are the UPR areas);
- `states.py`: a recommending State's name as the UN prints it → its country code;
- `models.py`: `Tag` (one term of one vocabulary) and its many-to-many to recommendations;
- `services.py`: the one door that sets a recommendation's tags (imports use it).
"""
