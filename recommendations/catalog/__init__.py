"""The catalogue of reports and their recommendations: creating and editing sources and
recommendations (with history), and the links between a recommendation and the same one in
other report years (`repeats.py`)."""
