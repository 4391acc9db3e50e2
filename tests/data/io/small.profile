Adams_ Ann,Baker_ Bo,Write-in
DEM,REP,NON
-+-+-+-
(Adams_ Ann,Baker_ Bo) : 10
(Baker_ Bo) : 7
(Write-in,Adams_ Ann) : 2
() : 1
