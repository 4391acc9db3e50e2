Adams,Baker
DEM,REP
-+-+-
(Adams,Baker) : 3
(Baker) 2
