// Package view turns store data into what the Progress, Library and
// Profile windows show: chart values scaled 0-1 with their labels, the
// filtered lesson list, the profile form and what it saves. It knows
// nothing of Fyne, so every number on those windows is table-tested here
// and widgets/windows only draws.
package view
