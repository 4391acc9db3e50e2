Adams,Baker,Carter
DEM,REP
-+-+-
(Adams,Baker) : 3
