"""De-identified results for unit reports, sealed at rest: written by screening, opened only by
the release job (`wellbeing.releases`).

One fact per complete instrument result in a wave: its unit, wave and instrument in plain
columns, its band and total sealed. A copy of the database therefore holds no result that can be
tied to a unit, however small. This room imports neither screening nor the release job.
"""
