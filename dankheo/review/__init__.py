"""Review: committees, conflicts, assignment, scorecards, ranking."""
