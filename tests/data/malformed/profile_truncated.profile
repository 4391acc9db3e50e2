Adams,Baker
DEM,REP
-+-+-
(Adams,Baker) : 3
(Baker,Ad