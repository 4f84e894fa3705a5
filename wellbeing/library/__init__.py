"""The psychoeducation library (心理科普): articles, their attached files, and read counters
kept per article, unit and month with no reader's identity."""
