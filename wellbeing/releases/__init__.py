"""The release job: the only code that opens facts. When a wave closes it counts the wave's sealed
facts per unit and band, runs disclosure control (reports/, pure) over the whole organisation
tree and stores the release every request reads, with the reasons sealed beside it.

It joins three rooms that never import each other the other way: `facts` (sealed results, written
by screening), `screening` (which waves closed, who was invited) and `reports` (plain counts in,
a protected release out).
"""
