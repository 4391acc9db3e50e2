Adams,Baker,Adams
DEM,REP,DEM
-+-+-
(Adams,Baker) : 3
