Alice,Renée
DEM,REP
-+-+-
(Alice) : 3
