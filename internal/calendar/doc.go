// Package calendar handles business dates: the Date type (a day with no time
// or zone, stored as 2026-11-28) and a working-day Calendar built from the
// State Council's yearly holiday arrangements (法定节假日 and 调休上班), for
// deadlines and publicity (公示) periods counted in 工作日.
//
// Dates of instants are taken in China Standard Time ([Shanghai]). The
// package imports only the standard library.
package calendar
