Adams,Baker
DEM,REP
-+-+-
(Adams,Baker) : 3
(Carter) : 2
