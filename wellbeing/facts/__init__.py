"""De-identified results for unit reports, sealed at rest, and the job that releases them.

One fact per complete instrument result in a wave: its unit, wave and instrument in plain
columns, its band and total sealed. A copy of the database therefore holds no result that can be
tied to a unit, however small. Only the release job opens facts; it aggregates them, runs
disclosure control (reports/, pure) and stores the release every request reads.
"""
